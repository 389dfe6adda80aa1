package org.exmy.testbench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exmy.hdl.Port;
import org.exmy.hdl.sim.Batch;
import org.exmy.hdl.sim.SimPort;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MacCore;

/**
 * The Verilator side of a cross-check: loads a {@link StepBlock} into a batch, runs it in one JNI
 * call, and reads the sampled outputs ({@code io_acc} and the flags) without allocating.
 */
final class Driver implements AutoCloseable {
  /** Flag bits of {@link #flags}. */
  static final int NAN = 1;

  static final int POS_INF = 2;
  static final int NEG_INF = 4;

  private final MacCore core;
  private final VerilatorSim sim;

  /** Two batches: one runs in Verilator while the other is loaded or read. */
  private final Batch[] batches = new Batch[2];

  private Batch batch;
  private final int iReset;
  private final int iClear;
  private final int iValid;
  private final int[] iA;
  private final int[] iB;
  private final int oAcc;
  private final int oNan;
  private final int oPos;
  private final int oNeg;
  private final boolean wide;

  Driver(MacCore core, String verilog, int capacity) {
    this.core = core;
    List<SimPort> ports = new ArrayList<>();
    for (Port p : core.ports()) ports.add(new SimPort(p.name(), p.input(), p.width()));
    this.sim = VerilatorSim.load(verilog, core.moduleName(), ports, "clk");
    batches[0] = sim.newBatch(capacity);
    batches[1] = sim.newBatch(capacity);
    this.batch = batches[0];
    iReset = sim.inputIndex("reset");
    iClear = sim.inputIndex("io_clear");
    iValid = sim.inputIndex("io_valid");
    int lanes = core.lanes();
    iA = new int[lanes];
    iB = new int[lanes];
    for (int k = 0; k < lanes; k++) {
      iA[k] = sim.inputIndex(core.aPort(k));
      iB[k] = sim.inputIndex(core.bPort(k));
    }
    oAcc = sim.outputIndex("io_acc");
    oNan = core.hasFlags() ? sim.outputIndex("io_nan") : -1;
    oPos = core.hasInfFlags() ? sim.outputIndex("io_posInf") : -1;
    oNeg = core.hasInfFlags() ? sim.outputIndex("io_negInf") : -1;
    wide = core.spec().accWidth() > 64;
  }

  /**
   * Makes batch {@code slot} (0 or 1) the one that {@link #load}, {@link #run} and the getters use.
   */
  Driver slot(int slot) {
    batch = batches[slot];
    return this;
  }

  /** Runs batch {@code slot} (one JNI call); safe while the other batch is loaded or read. */
  void run(int slot) {
    batches[slot].run();
  }

  /** Puts the block's steps into the current batch (to be {@link #run}). */
  void load(StepBlock blk) {
    batch.clear();
    for (int i = 0; i < blk.size; i++) {
      batch
          .set(iReset, blk.reset[i] ? 1 : 0)
          .set(iClear, blk.clear[i] ? 1 : 0)
          .set(iValid, blk.valid[i] ? 1 : 0);
      for (int k = 0; k < iA.length; k++) {
        batch.set(iA[k], blk.a[k][i]).set(iB[k], blk.b[k][i]);
      }
      batch.endStep();
    }
  }

  /** Runs the loaded steps (one JNI call). */
  void run() {
    batch.run();
  }

  /** One cycle of reset with the other inputs at 0. */
  void resetPulse() {
    batch.clear();
    batch.set(iReset, 1).set(iClear, 0).set(iValid, 0);
    for (int k = 0; k < iA.length; k++) batch.set(iA[k], 0).set(iB[k], 0);
    batch.endStep();
    batch.run();
    batch.clear();
  }

  boolean wide() {
    return wide;
  }

  /** {@code io_acc} after step {@code i} (registers of at most 64 bits). */
  long acc(int i) {
    return batch.get(i, oAcc);
  }

  /** 32-bit word {@code k} of {@code io_acc} after step {@code i}. */
  int accWord(int i, int k) {
    return batch.word(i, oAcc, k);
  }

  /** {@code io_acc} after step {@code i}, any width, unsigned. */
  java.math.BigInteger accBig(int i) {
    return batch.getBig(i, oAcc);
  }

  /** The flags after step {@code i}: {@link #NAN} | {@link #POS_INF} | {@link #NEG_INF}. */
  int flags(int i) {
    int f = 0;
    if (oNan >= 0 && batch.get(i, oNan) != 0) f |= NAN;
    if (oPos >= 0 && batch.get(i, oPos) != 0) f |= POS_INF;
    if (oNeg >= 0 && batch.get(i, oNeg) != 0) f |= NEG_INF;
    return f;
  }

  /**
   * Raw simulation speed: one full batch of random operand vectors run {@code runs} times without
   * comparing; vectors per second. Leaves the core reset.
   */
  double rawVectorsPerSecond(int runs) {
    SplittableRandom r = new SplittableRandom(3);
    batch.clear();
    for (int i = 0; i < batch.maxSteps(); i++) {
      batch.set(iReset, 0).set(iClear, 0).set(iValid, 1);
      for (int k = 0; k < iA.length; k++) {
        batch
            .set(iA[k], r.nextInt(core.a().codeCount()))
            .set(iB[k], r.nextInt(core.b().codeCount()));
      }
      batch.endStep();
    }
    batch.run(); // warm-up
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) batch.run();
    double secs = (System.nanoTime() - t0) / 1e9;
    resetPulse();
    return (double) batch.maxSteps() * runs / secs;
  }

  @Override
  public void close() {
    sim.close();
  }
}
