package org.exmy.testbench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exmy.hdl.Port;
import org.exmy.hdl.sim.Batch;
import org.exmy.hdl.sim.SimPort;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MxCore;
import org.exmy.simulator.E8M0;
import org.exmy.simulator.MxDotModel;

/**
 * Proves a generated MX dot-product core ({@link MxCore}) against its model ({@link MxDotModel}):
 * the same steps go to the core in Verilator and to the model, and {@code io_acc} and the flags are
 * compared after every cycle, aligned by the core's latency (the output after cycle t is the
 * model's state after cycle {@code t - latency + 1}; before that, the reset state). The steps come
 * from the stimulus makers below: exhaustive element pairs under a list of scale pairs, random
 * blocks with random, extreme and NaN scales, and the repeated worst case.
 */
public final class MxCrossCheck implements AutoCloseable {
  /** Steps per JNI call. */
  public static final int BATCH = 1 << 14;

  /** Failing cycles described in a report. */
  public static final int MAX_EXAMPLES = 5;

  /** One cycle's inputs. {@code reset} pulses the core's reset (and resets the model). */
  public record Step(
      boolean reset, boolean clear, boolean valid, int[] a, int[] b, int scaleA, int scaleB) {}

  /** The outcome of one check: steps compared, mismatching steps, the first few described. */
  public record Report(
      String module, String kind, long vectors, long mismatches, List<String> examples) {
    public boolean passed() {
      return mismatches == 0 && vectors > 0;
    }

    @Override
    public String toString() {
      return module
          + " "
          + kind
          + ": "
          + vectors
          + " vectors, "
          + mismatches
          + " mismatches"
          + (examples.isEmpty() ? "" : "\n  " + String.join("\n  ", examples));
    }
  }

  private final MxCore core;
  private final VerilatorSim sim;
  private final Batch batch;
  private final int iReset;
  private final int iClear;
  private final int iValid;
  private final int iScaleA;
  private final int iScaleB;
  private final int[] iA;
  private final int[] iB;
  private final int oAcc;
  private final int oNan;
  private final int oPos;
  private final int oNeg;
  private final int oRange;

  /** Verilates (or loads from the cache) the core. */
  public MxCrossCheck(MxCore core) {
    this(core, core.verilog());
  }

  /** Checks {@code verilog} (defining the core's module and ports) against the core's model. */
  public MxCrossCheck(MxCore core, String verilog) {
    this.core = core;
    List<SimPort> ports = new ArrayList<>();
    for (Port p : core.ports()) ports.add(new SimPort(p.name(), p.input(), p.width()));
    this.sim = VerilatorSim.load(verilog, core.moduleName(), ports, "clk");
    this.batch = sim.newBatch(BATCH);
    iReset = sim.inputIndex("reset");
    iClear = sim.inputIndex("io_clear");
    iValid = sim.inputIndex("io_valid");
    iScaleA = sim.inputIndex("io_scale_a");
    iScaleB = sim.inputIndex("io_scale_b");
    iA = new int[core.lanes()];
    iB = new int[core.lanes()];
    for (int k = 0; k < core.lanes(); k++) {
      iA[k] = sim.inputIndex(core.aPort(k));
      iB[k] = sim.inputIndex(core.bPort(k));
    }
    oAcc = sim.outputIndex("io_acc");
    oNan = sim.outputIndex("io_nan");
    oPos = core.spec().hasInfFlags() ? sim.outputIndex("io_posInf") : -1;
    oNeg = core.spec().hasInfFlags() ? sim.outputIndex("io_negInf") : -1;
    oRange = core.spec().hasRangeFlag() ? sim.outputIndex("io_range") : -1;
  }

  /** Flags as bits: 1 NaN, 2 +inf, 4 -inf, 8 scale out of range. */
  private static int flags(MxDotModel m) {
    return (m.nanFlag() ? 1 : 0)
        | (m.posInfFlag() ? 2 : 0)
        | (m.negInfFlag() ? 4 : 0)
        | (m.rangeFlag() ? 8 : 0);
  }

  private int hwFlags(int i) {
    return (batch.get(i, oNan) != 0 ? 1 : 0)
        | (oPos >= 0 && batch.get(i, oPos) != 0 ? 2 : 0)
        | (oNeg >= 0 && batch.get(i, oNeg) != 0 ? 4 : 0)
        | (oRange >= 0 && batch.get(i, oRange) != 0 ? 8 : 0);
  }

  /** Runs {@code steps} (the first is made a reset) through both sides and compares every cycle. */
  public Report run(String kind, List<Step> steps) {
    MxDotModel model = new MxDotModel(core.spec());
    int lat = core.latency();
    // the model's state after each step; the hardware shows state[t - lat + 1] after step t
    BigInteger[] accs = new BigInteger[steps.size()];
    int[] fl = new int[steps.size()];
    for (int t = 0; t < steps.size(); t++) {
      Step s = steps.get(t);
      if (t == 0 || s.reset()) {
        model.reset();
      } else {
        model.step(s.clear(), s.valid(), s.a(), s.b(), s.scaleA(), s.scaleB());
      }
      accs[t] = model.accumulatorBits();
      fl[t] = flags(model);
    }
    long mismatches = 0;
    List<String> ex = new ArrayList<>();
    int lastReset = 0;
    for (int base = 0; base < steps.size(); base += BATCH) {
      int n = Math.min(BATCH, steps.size() - base);
      load(steps, base, n);
      batch.run();
      for (int i = 0; i < n; i++) {
        int t = base + i;
        if (t == 0 || steps.get(t).reset()) lastReset = t;
        int src = t - lat + 1;
        // during the cycles after a reset the pipeline shows the reset state
        BigInteger want = src < lastReset ? BigInteger.ZERO : accs[src];
        int wantF = src < lastReset ? 0 : fl[src];
        BigInteger got = batch.getBig(i, oAcc);
        int gotF = hwFlags(i);
        if (!got.equals(want) || gotF != wantF) {
          mismatches++;
          if (ex.size() < MAX_EXAMPLES) ex.add(describe(t, steps.get(t), want, wantF, got, gotF));
        }
      }
    }
    return new Report(core.moduleName(), kind, steps.size(), mismatches, List.copyOf(ex));
  }

  /** {@code io_acc} (unsigned bits) and the flags (1 NaN, 2 +inf, 4 -inf, 8 range) after a step. */
  public record Sample(BigInteger acc, int flags) {}

  /**
   * Runs {@code steps} (the first is made a reset) through the core only; its outputs after the
   * last step.
   */
  public Sample last(List<Step> steps) {
    Sample out = null;
    for (int base = 0; base < steps.size(); base += BATCH) {
      int n = Math.min(BATCH, steps.size() - base);
      load(steps, base, n);
      batch.run();
      out = new Sample(batch.getBig(n - 1, oAcc), hwFlags(n - 1));
    }
    return out;
  }

  private void load(List<Step> steps, int base, int n) {
    batch.clear();
    for (int i = 0; i < n; i++) {
      Step s = steps.get(base + i);
      boolean reset = base + i == 0 || s.reset();
      batch
          .set(iReset, reset ? 1 : 0)
          .set(iClear, s.clear() ? 1 : 0)
          .set(iValid, s.valid() ? 1 : 0)
          .set(iScaleA, s.scaleA())
          .set(iScaleB, s.scaleB());
      for (int k = 0; k < iA.length; k++) batch.set(iA[k], s.a()[k]).set(iB[k], s.b()[k]);
      batch.endStep();
    }
  }

  private String describe(int t, Step s, BigInteger want, int wantF, BigInteger got, int gotF) {
    StringBuilder sb =
        new StringBuilder(
            "cycle "
                + t
                + ": inputs clear="
                + (s.clear() ? 1 : 0)
                + " valid="
                + (s.valid() ? 1 : 0)
                + " scale_a=0x"
                + Integer.toHexString(s.scaleA())
                + " scale_b=0x"
                + Integer.toHexString(s.scaleB()));
    for (int k = 0; k < s.a().length; k++) {
      sb.append(" a")
          .append(k)
          .append("=0x")
          .append(Integer.toHexString(s.a()[k]))
          .append(" b")
          .append(k)
          .append("=0x")
          .append(Integer.toHexString(s.b()[k]));
    }
    sb.append("; io_acc expected 0x")
        .append(want.toString(16))
        .append(" flags ")
        .append(wantF)
        .append(", core 0x")
        .append(got.toString(16))
        .append(" flags ")
        .append(gotF)
        .append(" (latency ")
        .append(core.latency())
        .append(")");
    return sb.toString();
  }

  @Override
  public void close() {
    sim.close();
  }

  // ------------------------------------------------------------------ stimulus makers

  private static Step idle(int lanes) {
    return new Step(true, false, false, new int[lanes], new int[lanes], 0, 0);
  }

  /** {@code lat} idle cycles (valid low) so that the last real step reaches the output. */
  private static void drain(List<Step> steps, int lanes, int lat) {
    for (int i = 0; i < lat; i++)
      steps.add(new Step(false, false, false, new int[lanes], new int[lanes], 0, 0));
  }

  /**
   * Every element pair (a, b) in lane 0 (the other lanes 0) under each scale pair {@code {sa, sb}},
   * one step each, each step clearing the sum.
   */
  public static List<Step> exhaustivePairs(MxCore core, int[][] scales) {
    int lanes = core.lanes();
    int na = core.spec().a().element().codeCount();
    int nb = core.spec().b().element().codeCount();
    List<Step> steps = new ArrayList<>();
    steps.add(idle(lanes));
    for (int[] sc : scales) {
      for (int a = 0; a < na; a++) {
        for (int b = 0; b < nb; b++) {
          int[] va = new int[lanes];
          int[] vb = new int[lanes];
          va[0] = a;
          vb[0] = b;
          steps.add(new Step(false, true, true, va, vb, sc[0], sc[1]));
        }
      }
    }
    drain(steps, lanes, core.latency());
    return steps;
  }

  /**
   * A scale code: half of the time an extreme (0x00, 0xFE, 0xFF = NaN, 127), else uniform in
   * 0..254.
   */
  static int randomScale(SplittableRandom r, double nanRate) {
    if (r.nextDouble() < nanRate) return E8M0.NAN;
    return switch (r.nextInt(8)) {
      case 0 -> 0;
      case 1 -> 0xFE;
      case 2 -> 127;
      case 3 -> 127 + r.nextInt(-8, 9);
      default -> r.nextInt(255);
    };
  }

  /**
   * {@code sequences} sums of 1..{@code maxBlocks} blocks each: a sum starts with a clearing cycle,
   * each block is {@code blockSize / lanes} cycles of random element codes under the block's random
   * scales (with NaN scales at about {@code nanRate} per block); about one cycle in 16 is not valid
   * (random inputs, not added), and now and then a reset.
   */
  public static List<Step> randomBlocks(
      MxCore core, long seed, int sequences, int maxBlocks, double nanRate) {
    SplittableRandom r = new SplittableRandom(seed);
    int lanes = core.lanes();
    int na = core.spec().a().element().codeCount();
    int nb = core.spec().b().element().codeCount();
    int cycles = core.spec().blockSize() / lanes;
    List<Step> steps = new ArrayList<>();
    steps.add(idle(lanes));
    for (int q = 0; q < sequences; q++) {
      int blocks = 1 + r.nextInt(maxBlocks);
      boolean first = true;
      for (int k = 0; k < blocks; k++) {
        int sa = randomScale(r, nanRate);
        int sb = randomScale(r, nanRate);
        for (int c = 0; c < cycles; c++) {
          boolean valid = r.nextInt(16) != 0;
          int[] va = new int[lanes];
          int[] vb = new int[lanes];
          for (int i = 0; i < lanes; i++) {
            va[i] = r.nextInt(na);
            vb[i] = r.nextInt(nb);
          }
          // an invalid cycle shows random scales, which must not count
          steps.add(
              new Step(
                  r.nextInt(4096) == 0,
                  first,
                  valid,
                  va,
                  vb,
                  valid ? sa : r.nextInt(256),
                  valid ? sb : r.nextInt(256)));
          first = false;
          if (!valid) c--; // the block still needs its element cycles
        }
      }
    }
    drain(steps, lanes, core.latency());
    return steps;
  }

  /**
   * A clearing cycle, then {@code cycles} cycles of the same element codes in every lane under the
   * same scales, then the drain.
   */
  public static List<Step> repeat(
      MxCore core, int codeA, int codeB, int scaleA, int scaleB, long cycles) {
    int lanes = core.lanes();
    List<Step> steps = new ArrayList<>();
    steps.add(idle(lanes));
    int[] va = new int[lanes];
    int[] vb = new int[lanes];
    java.util.Arrays.fill(va, codeA);
    java.util.Arrays.fill(vb, codeB);
    for (long i = 0; i < cycles; i++)
      steps.add(new Step(false, i == 0, true, va, vb, scaleA, scaleB));
    drain(steps, lanes, core.latency());
    return steps;
  }
}
