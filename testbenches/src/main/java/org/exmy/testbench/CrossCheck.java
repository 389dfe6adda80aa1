package org.exmy.testbench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exmy.hdl.Port;
import org.exmy.hdl.sim.Batch;
import org.exmy.hdl.sim.SimPort;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MacCore;
import org.exmy.simulator.MacModel;

/**
 * Drives a generated MAC or dot-product core in Verilator and the Java {@link MacModel} with the
 * same stimulus, comparing the accumulator and the special-value flags after every clock cycle.
 *
 * <p>A step is {@code {reset, clear, valid, a0, b0, a1, b1, ...}}: one operand pair per lane.
 */
public final class CrossCheck implements AutoCloseable {
  /** Steps per JNI call. */
  public static final int BATCH = 1 << 16;
  private static final int MAX_REPORTED = 10;

  /** Outcome of one check. */
  public record Report(String module, String kind, long vectors, long mismatches, List<String> examples,
      double seconds) {
    public boolean passed() {
      return mismatches == 0 && vectors > 0;
    }

    public double vectorsPerSecond() {
      return seconds > 0 ? vectors / seconds : 0;
    }

    @Override
    public String toString() {
      return String.format("%s %s: %d vectors, %d mismatches, %.2f s (%.0f vectors/s)%s", module, kind,
          vectors, mismatches, seconds, vectorsPerSecond(),
          examples.isEmpty() ? "" : "\n  " + String.join("\n  ", examples));
    }
  }

  private final MacCore core;
  private final VerilatorSim sim;
  private final Batch batch;
  private final MacModel model;
  private final boolean flags;
  private final int iReset;
  private final int iClear;
  private final int iValid;
  private final int lanes;
  private final int[] iA;
  private final int[] iB;
  private final int oAcc;
  private final int oNan;
  private final int oPos;
  private final int oNeg;
  private final boolean wideAcc;

  /** Verilates (or loads from the cache) the core. */
  public CrossCheck(MacCore core) {
    this(core, core.verilog());
  }

  /**
   * Checks {@code verilog} (which must define the core's module with the core's ports) against the
   * core's model: used to show that a tampered core is caught.
   */
  public CrossCheck(MacCore core, String verilog) {
    this.core = core;
    List<SimPort> ports = new ArrayList<>();
    for (Port p : core.ports()) ports.add(new SimPort(p.name(), p.input(), p.width()));
    this.sim = VerilatorSim.load(verilog, core.moduleName(), ports, "clk");
    this.batch = sim.newBatch(BATCH);
    this.model = new MacModel(core.a(), core.b(), core.spec().terms());
    this.flags = core.hasFlags();
    iReset = inputIndex("reset");
    iClear = inputIndex("io_clear");
    iValid = inputIndex("io_valid");
    lanes = core.lanes();
    iA = new int[lanes];
    iB = new int[lanes];
    for (int k = 0; k < lanes; k++) {
      iA[k] = inputIndex(core.aPort(k));
      iB[k] = inputIndex(core.bPort(k));
    }
    oAcc = outputIndex("io_acc");
    oNan = flags ? outputIndex("io_nan") : -1;
    oPos = core.hasInfFlags() ? outputIndex("io_posInf") : -1;
    oNeg = core.hasInfFlags() ? outputIndex("io_negInf") : -1;
    wideAcc = core.spec().width() > 63;
    resetBoth();
  }

  /**
   * Every operand pair in every lane: each cycle clears the accumulator and adds one product per
   * lane, so the accumulator shows exactly that cycle's products ({@code codeCount(a) *
   * codeCount(b)} cycles). Lane k sees the pairs in the same order, rotated by k/lanes of the list,
   * so each cycle mixes different pairs.
   */
  public Report exhaustivePairs() {
    long t0 = System.nanoTime();
    Stats st = new Stats();
    int na = core.a().codeCount();
    int nb = core.b().codeCount();
    int total = na * nb;
    List<int[]> pending = new ArrayList<>();
    for (int p = 0; p < total; p++) {
      int[] step = step(0, 1, 1);
      for (int k = 0; k < lanes; k++) {
        int q = (int) ((p + (long) k * total / lanes) % total);
        step[3 + 2 * k] = q / nb;
        step[4 + 2 * k] = q % nb;
      }
      pending.add(step);
      if (pending.size() == BATCH) flushSteps(pending, st);
    }
    flushSteps(pending, st);
    return st.report("exhaustive pairs", t0);
  }

  /**
   * Random accumulation sequences: each starts with a clear, then {@code 1..maxLen} cycles with
   * random operands and a random valid (90 % on), sometimes a reset. Also one run of
   * {@code 2*terms+3} largest-magnitude products, which must wrap identically in model and core.
   */
  public Report randomSequences(long seed, int sequences, int maxLen) {
    long t0 = System.nanoTime();
    Stats st = new Stats();
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> pending = new ArrayList<>();
    int na = core.a().codeCount();
    int nb = core.b().codeCount();
    for (int s = 0; s < sequences; s++) {
      int len = 1 + r.nextInt(maxLen);
      for (int i = 0; i < len; i++) {
        int reset = r.nextInt(1000) == 0 ? 1 : 0;
        int clear = i == 0 ? 1 : (r.nextInt(200) == 0 ? 1 : 0);
        int valid = r.nextInt(10) == 0 ? 0 : 1;
        int[] step = step(reset, clear, valid);
        for (int k = 0; k < lanes; k++) {
          step[3 + 2 * k] = r.nextInt(na);
          step[4 + 2 * k] = r.nextInt(nb);
        }
        pending.add(step);
        if (pending.size() == BATCH) flushSteps(pending, st);
      }
    }
    int[] big = largestProductCodes();
    int n = 2 * core.spec().terms() / lanes + 3;
    for (int i = 0; i < n; i++) {
      int[] step = step(0, i == 0 ? 1 : 0, 1);
      for (int k = 0; k < lanes; k++) {
        step[3 + 2 * k] = big[0];
        step[4 + 2 * k] = big[1];
      }
      pending.add(step);
      if (pending.size() == BATCH) flushSteps(pending, st);
    }
    flushSteps(pending, st);
    return st.report("random sequences (seed " + seed + ")", t0);
  }

  /** Runs explicit steps {reset, clear, valid, a0, b0, ...}; used by property tests. */
  public Report steps(List<int[]> steps) {
    long t0 = System.nanoTime();
    Stats st = new Stats();
    List<int[]> pending = new ArrayList<>();
    for (int[] s : steps) {
      pending.add(s);
      if (pending.size() == BATCH) flushSteps(pending, st);
    }
    flushSteps(pending, st);
    return st.report("steps", t0);
  }

  /**
   * Raw simulation speed: one full batch of random operand vectors run {@code runs} times through
   * JNI without comparing; returns vectors per second.
   */
  public double rawVectorsPerSecond(int runs) {
    SplittableRandom r = new SplittableRandom(3);
    batch.clear();
    for (int i = 0; i < BATCH; i++) {
      batch.set(iReset, 0).set(iClear, 0).set(iValid, 1);
      for (int k = 0; k < lanes; k++) {
        batch.set(iA[k], r.nextInt(core.a().codeCount())).set(iB[k], r.nextInt(core.b().codeCount()));
      }
      batch.endStep();
    }
    batch.run(); // warm-up
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) batch.run();
    double secs = (System.nanoTime() - t0) / 1e9;
    resetBoth();
    return (double) BATCH * runs / secs;
  }

  @Override
  public void close() {
    sim.close();
  }

  // ---------------------------------------------------------------- internals

  private final class Stats {
    long vectors;
    long mismatches;
    final List<String> examples = new ArrayList<>();

    Report report(String kind, long t0) {
      return new Report(core.moduleName(), kind, vectors, mismatches, List.copyOf(examples),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private void resetBoth() {
    batch.clear();
    batch.set(iReset, 1).set(iClear, 0).set(iValid, 0);
    for (int k = 0; k < lanes; k++) batch.set(iA[k], 0).set(iB[k], 0);
    batch.endStep();
    batch.run();
    model.reset();
    batch.clear();
  }

  private void flushSteps(List<int[]> pending, Stats st) {
    if (pending.isEmpty()) return;
    batch.clear();
    for (int[] s : pending) {
      if (s.length != 3 + 2 * lanes) {
        throw new IllegalArgumentException("a step of " + core.moduleName() + " has " + (3 + 2 * lanes)
            + " values {reset, clear, valid, a0, b0, ...}, got " + s.length);
      }
      batch.set(iReset, s[0]).set(iClear, s[1]).set(iValid, s[2]);
      for (int k = 0; k < lanes; k++) batch.set(iA[k], s[3 + 2 * k]).set(iB[k], s[4 + 2 * k]);
      batch.endStep();
    }
    batch.run();
    for (int i = 0; i < pending.size(); i++) {
      int[] s = pending.get(i);
      if (s[0] == 1) {
        model.reset();
      } else if (lanes == 1) {
        model.step(s[1] == 1, s[2] == 1, s[3], s[4]);
      } else {
        int[] ca = new int[lanes];
        int[] cb = new int[lanes];
        for (int k = 0; k < lanes; k++) {
          ca[k] = s[3 + 2 * k];
          cb[k] = s[4 + 2 * k];
        }
        model.step(s[1] == 1, s[2] == 1, ca, cb);
      }
      st.vectors++;
      BigInteger expAcc = model.accumulatorBits();
      BigInteger gotAcc = wideAcc ? batch.getBig(i, oAcc) : BigInteger.valueOf(batch.get(i, oAcc));
      boolean ok = expAcc.equals(gotAcc);
      String flagText = "";
      if (flags) {
        long n = batch.get(i, oNan);
        long p = oPos < 0 ? 0 : batch.get(i, oPos);
        long m = oNeg < 0 ? 0 : batch.get(i, oNeg);
        ok &= (n == 1) == model.nanFlag() && (p == 1) == model.posInfFlag() && (m == 1) == model.negInfFlag();
        flagText = String.format(" flags hw nan=%d +inf=%d -inf=%d model %b %b %b", n, p, m, model.nanFlag(),
            model.posInfFlag(), model.negInfFlag());
      }
      if (!ok) {
        st.mismatches++;
        if (st.examples.size() < MAX_REPORTED) {
          st.examples.add(String.format("reset=%d clear=%d valid=%d %s: acc hw=0x%s model=0x%s%s",
              s[0], s[1], s[2], operands(s), gotAcc.toString(16), expAcc.toString(16), flagText));
        }
      }
    }
    pending.clear();
  }

  private int[] step(int reset, int clear, int valid) {
    int[] s = new int[3 + 2 * lanes];
    s[0] = reset;
    s[1] = clear;
    s[2] = valid;
    return s;
  }

  private String operands(int[] s) {
    if (lanes == 1) return String.format("a=0x%x b=0x%x", s[3], s[4]);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < lanes; k++) {
      if (k > 0) sb.append(' ');
      sb.append(String.format("a%d=0x%x b%d=0x%x", k, s[3 + 2 * k], k, s[4 + 2 * k]));
    }
    return sb.toString();
  }

  /** The operand codes whose finite product has the largest magnitude. */
  private int[] largestProductCodes() {
    var spec = core.spec();
    BigInteger best = BigInteger.valueOf(-1);
    int[] codes = {0, 0};
    for (int a = 0; a < core.a().codeCount(); a++) {
      for (int b = 0; b < core.b().codeCount(); b++) {
        BigInteger p = spec.fixedProduct(a, b).abs();
        if (p.compareTo(best) > 0) {
          best = p;
          codes = new int[] {a, b};
        }
      }
    }
    return codes;
  }

  private int inputIndex(String name) {
    List<SimPort> in = sim.inputs();
    for (int i = 0; i < in.size(); i++) if (in.get(i).name().equals(name)) return i;
    throw new IllegalStateException(core.moduleName() + " has no input " + name);
  }

  private int outputIndex(String name) {
    List<SimPort> out = sim.outputs();
    for (int i = 0; i < out.size(); i++) if (out.get(i).name().equals(name)) return i;
    throw new IllegalStateException(core.moduleName() + " has no output " + name);
  }
}
