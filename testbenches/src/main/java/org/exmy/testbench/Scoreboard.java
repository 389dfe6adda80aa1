package org.exmy.testbench;

import java.math.BigInteger;
import org.exmy.mac.MacCore;
import org.exmy.simulator.Accumulator;
import org.exmy.simulator.MacModel;

/**
 * The model side of a cross-check: runs {@link MacModel} over each block and predicts, for every
 * step, what the core must show after it. A core of latency L shows after step {@code t} the
 * model's state after step {@code t - L + 1}; after a reset (which clears every pipeline register)
 * it shows zero until the first post-reset step reaches the output. Then compares the prediction
 * with what {@link Driver} sampled, step by step.
 */
final class Scoreboard {
  private final MacModel model;
  private final Accumulator acc;
  private final int latency;
  private final int lanes;
  private final boolean wide;
  private final int words;
  private final boolean nanFlag;
  private final boolean infFlags;
  // model states of the last `latency` steps, indexed by step modulo latency
  private final long[] ringLow;
  private final byte[] ringFlags;
  private final int[] ringWords;
  // the prediction for the steps of a block, one set per slot (see CrossCheck's double buffering)
  private final long[][] expLowBySlot = new long[2][];
  private final byte[][] expFlagsBySlot = new byte[2][];
  private final int[][] expWordsBySlot = new int[2][];
  private long[] expLow;
  private byte[] expFlags;
  private int[] expWords;
  private final int[] laneA;
  private final int[] laneB;
  private long step;
  private long zeroThrough = -1;

  Scoreboard(MacCore core, int capacity) {
    this.model = new MacModel(core.spec());
    this.acc = model.accumulatorModel();
    this.latency = core.latency();
    this.lanes = core.lanes();
    this.wide = acc.width() > 64;
    this.words = (acc.width() + 31) / 32;
    this.nanFlag = core.hasFlags();
    this.infFlags = core.hasInfFlags();
    ringLow = new long[latency];
    ringFlags = new byte[latency];
    ringWords = wide ? new int[latency * words] : null;
    for (int slot = 0; slot < 2; slot++) {
      expLowBySlot[slot] = new long[capacity];
      expFlagsBySlot[slot] = new byte[capacity];
      expWordsBySlot[slot] = wide ? new int[capacity * words] : null;
    }
    slot(0);
    laneA = new int[lanes];
    laneB = new int[lanes];
  }

  /**
   * Selects the prediction buffer (0 or 1) that {@link #expect} fills and {@link #compare} reads.
   */
  Scoreboard slot(int slot) {
    expLow = expLowBySlot[slot];
    expFlags = expFlagsBySlot[slot];
    expWords = expWordsBySlot[slot];
    return this;
  }

  /** Both sides were just reset: the model too, and the pipeline holds zeros. */
  void restart() {
    model.reset();
    java.util.Arrays.fill(ringLow, 0);
    java.util.Arrays.fill(ringFlags, (byte) 0);
    if (wide) java.util.Arrays.fill(ringWords, 0);
    step = 0;
    zeroThrough = -1;
  }

  /** Steps predicted so far since {@link #restart()}. */
  long steps() {
    return step;
  }

  /** Predicts the output after every step of {@code blk}. */
  void expect(StepBlock blk) {
    for (int i = 0; i < blk.size; i++) {
      if (blk.reset[i]) {
        model.reset();
        zeroThrough = step + latency - 2;
      } else if (lanes == 1) {
        model.step(blk.clear[i], blk.valid[i], blk.a[0][i], blk.b[0][i]);
      } else {
        for (int k = 0; k < lanes; k++) {
          laneA[k] = blk.a[k][i];
          laneB[k] = blk.b[k][i];
        }
        model.step(blk.clear[i], blk.valid[i], laneA, laneB);
      }
      int slot = (int) (step % latency);
      ringLow[slot] = acc.low64();
      ringFlags[slot] =
          (byte)
              ((model.nanFlag() ? Driver.NAN : 0)
                  | (model.posInfFlag() ? Driver.POS_INF : 0)
                  | (model.negInfFlag() ? Driver.NEG_INF : 0));
      if (wide) {
        for (int k = 0; k < words; k++) ringWords[slot * words + k] = acc.word(k);
      }
      int shown = (int) ((step + 1) % latency); // the state of step - latency + 1
      boolean zero = step <= zeroThrough;
      expLow[i] = zero ? 0 : ringLow[shown];
      expFlags[i] = zero ? 0 : ringFlags[shown];
      if (wide) {
        for (int k = 0; k < words; k++)
          expWords[i * words + k] = zero ? 0 : ringWords[shown * words + k];
      }
      step++;
    }
  }

  /**
   * Compares the prediction for {@code blk} with what {@code drv} sampled; counts into {@code
   * failures}. {@code firstStep} is the global index of the block's first step.
   */
  void compare(StepBlock blk, Driver drv, Failures failures, long firstStep) {
    for (int i = 0; i < blk.size; i++) {
      boolean ok;
      if (wide) {
        ok = true;
        for (int k = 0; k < words && ok; k++) ok = drv.accWord(i, k) == expWords[i * words + k];
      } else {
        ok = drv.acc(i) == expLow[i];
      }
      int hwFlags = nanFlag ? drv.flags(i) : 0;
      ok &= hwFlags == expFlags[i];
      failures.vectors++;
      if (!ok) {
        failures.record(
            firstStep + i, blk.describe(i), expected(i), drv.accBig(i), expFlags[i], hwFlags);
      }
    }
  }

  /** The predicted {@code io_acc} bits after step {@code i} of the last {@link #expect}ed block. */
  BigInteger expected(int i) {
    if (!wide) {
      return new BigInteger(Long.toUnsignedString(expLow[i]));
    }
    BigInteger v = BigInteger.ZERO;
    for (int k = words - 1; k >= 0; k--) {
      v = v.shiftLeft(32).or(BigInteger.valueOf(Integer.toUnsignedLong(expWords[i * words + k])));
    }
    return v;
  }

  /**
   * The predicted flags after step {@code i} of the last {@link #expect}ed block ({@link
   * Driver#flags} bits).
   */
  int expectedFlags(int i) {
    return expFlags[i];
  }

  /** The value a register pattern stands for, for reports. */
  String valueOf(BigInteger pattern) {
    return acc.valueOf(pattern).toString();
  }

  /**
   * Flags as text ({@code nan=0 +inf=0 -inf=0}, only those the core has), or null when it has none.
   */
  String flags(int f) {
    return nanFlag ? flagText(f).strip() : null;
  }

  /** Flags as text, only those the core has. */
  String flagText(int f) {
    if (!nanFlag) return "";
    String s = " nan=" + (f & Driver.NAN);
    if (infFlags)
      s += " +inf=" + ((f & Driver.POS_INF) >> 1) + " -inf=" + ((f & Driver.NEG_INF) >> 2);
    return s;
  }
}
