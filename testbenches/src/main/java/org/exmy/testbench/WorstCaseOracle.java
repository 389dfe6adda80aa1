package org.exmy.testbench;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Value;

/**
 * An end-to-end proof that does not go through the model: it drives exactly {@code terms}
 * worst-case products into the core (largest positive product every time; then largest negative;
 * then alternating), and after every cycle compares the value of {@code io_acc} with a running sum
 * of the decoded operand values in BigDecimal ({@link ReferenceSum}): for the exact accumulator
 * {@code io_acc * 2^lsb} with the exact sum, for the fixed-point one the rounded, saturated or
 * wrapped sum, for the floating-point one the sum rounded every cycle (and the overflow to inf). A
 * model and a generator that share a wrong geometry (one guard bit short, an LSB off by a bias
 * error) agree with each other but not with this. A failure of an exact core also leaves a
 * reproduction folder.
 */
public final class WorstCaseOracle {
  /** Longest run (cycles) the oracle drives; longer term counts are checked up to here. */
  public static final long MAX_CYCLES = 1L << 22;

  private WorstCaseOracle() {}

  private static final String[] RUN_NAMES = {"largest positive", "largest negative", "alternating"};

  /** Checks {@code core} for its own terms and geometry. */
  public static CrossCheck.Report check(MacCore core) {
    return check(core, null);
  }

  /**
   * Checks {@code core} for its own terms and geometry; a failure leaves a reproduction folder
   * under {@code failures} (null: none).
   */
  public static CrossCheck.Report check(MacCore core, Path failures) {
    return check(
        core, core.verilog(), core.spec().terms(), core.geometry().lsbExponent(), failures);
  }

  /**
   * Checks the Verilog of {@code core} as if it were built for {@code terms} products with LSB
   * {@code 2^lsbExponent}; used to show that a geometry one bit short, or a wrong LSB, is caught.
   */
  public static CrossCheck.Report check(MacCore core, String verilog, long terms, int lsbExponent) {
    return check(core, verilog, terms, lsbExponent, null);
  }

  /**
   * As {@link #check(MacCore, String, long, int)}; a failure leaves a reproduction folder under
   * {@code failures} (null: none).
   */
  public static CrossCheck.Report check(
      MacCore core, String verilog, long terms, int lsbExponent, Path failures) {
    long t0 = System.nanoTime();
    Extremes x = new Extremes(core);
    List<String> examples = new ArrayList<>();
    long vectors = 0;
    long mismatches = 0;
    BigDecimal unit = pow2(lsbExponent);
    int width = core.spec().accWidth();
    AccumulatorKind acc = core.spec().accumulator();
    String what =
        acc instanceof AccumulatorKind.Exact
            ? "io_acc * 2^" + lsbExponent
            : "io_acc (" + acc.tag() + ")";
    // the first failure: run, cycle, the core's io_acc and the reading it should have shown
    int failRun = -1;
    long failCycle = -1;
    BigInteger failBits = null;
    ReferenceSum.Reading failWant = null;
    ReferenceSum.Reading failGot = null;
    try (Driver d = new Driver(core, verilog, CrossCheck.BATCH)) {
      for (int run = 0; run < 3; run++) {
        d.resetPulse();
        Run stim = new Run(core, x, run, terms, lsbExponent);
        StepBlock blk = new StepBlock(CrossCheck.BATCH, core.lanes());
        long cycle = 0;
        boolean more = true;
        while (more) {
          blk.size = 0;
          more = stim.fill(blk);
          if (blk.size == 0) break;
          d.slot(0).load(blk);
          d.run(0);
          for (int i = 0; i < blk.size; i++, cycle++) {
            vectors++;
            BigInteger raw = d.accBig(i);
            ReferenceSum.Reading got = stim.ref.read(raw);
            if (!got.sameAs(stim.shown[i])) {
              mismatches++;
              if (failRun < 0) {
                failRun = run;
                failCycle = cycle;
                failBits = raw;
                failWant = stim.shown[i];
                failGot = got;
              }
              if (examples.size() < Failures.MAX_EXAMPLES) {
                examples.add(
                    String.format(
                        "%s run, cycle %d: %s = %s, BigDecimal reference = %s",
                        RUN_NAMES[run], cycle, what, got, stim.shown[i]));
              }
            }
          }
        }
      }
    }
    String kind = "worst-case sums against BigDecimal (" + terms + " terms)";
    double seconds = (System.nanoTime() - t0) / 1e9;
    CrossCheck.Report report =
        new CrossCheck.Report(
            core.moduleName(), kind, vectors, mismatches, List.copyOf(examples), seconds);
    if (failRun < 0) {
      return report;
    }
    String check = kind.replace("worst-case sums", RUN_NAMES[failRun] + " worst-case sums");
    int run = failRun;
    Replay.Window window =
        Replay.collect(
            new Run(core, x, run, terms, lsbExponent),
            core.lanes(),
            failCycle,
            failCycle + Replay.POST,
            Replay.MAX_LINES);
    String[] inputs = Replay.inputsAround(core, window, failCycle);
    if (!(acc instanceof AccumulatorKind.Exact)) {
      FirstFailure first =
          new FirstFailure(
              check,
              failCycle,
              core.latency(),
              inputs[0],
              inputs[1],
              null,
              failWant.toString(),
              failBits,
              failGot.toString(),
              null,
              null,
              width);
      return new CrossCheck.Report(
          core.moduleName(), kind, vectors, mismatches, report.examples(), seconds, first, null);
    }
    BigDecimal failSum = failWant.value();
    BigDecimal units = failSum.divide(unit);
    String expectedValue = failSum.stripTrailingZeros().toPlainString();
    BigInteger expectedBits = null;
    if (units.stripTrailingZeros().scale() > 0) {
      expectedValue += ", not a multiple of 2^" + lsbExponent;
    } else if (units.toBigIntegerExact().bitLength() + 1 > width) {
      expectedValue +=
          ", which io_acc cannot hold: " + (units.toBigIntegerExact().bitLength() + 1) + " bits";
    } else {
      expectedBits =
          units.toBigIntegerExact().and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
    }
    FirstFailure first =
        new FirstFailure(
            check,
            failCycle,
            core.latency(),
            inputs[0],
            inputs[1],
            expectedBits,
            expectedValue,
            failBits,
            new BigDecimal(signed(failBits, width))
                .multiply(unit)
                .stripTrailingZeros()
                .toPlainString(),
            null,
            null,
            width);
    Repro repro = null;
    if (failures != null) {
      repro =
          ReproWriter.write(
              replay(core, verilog, check, window, first, x, run, terms, lsbExponent),
              "FAIL " + report.summary(),
              failures);
    }
    return new CrossCheck.Report(
        core.moduleName(), kind, vectors, mismatches, report.examples(), seconds, first, repro);
  }

  /**
   * The replay of a failed run: the exact sums as expected values, in units of the finer of the
   * claimed LSB and the product quantum, wide enough for the largest of them.
   */
  private static Replay replay(
      MacCore core,
      String verilog,
      String check,
      Replay.Window window,
      FirstFailure first,
      Extremes x,
      int run,
      long terms,
      int lsbExponent) {
    int width = core.spec().accWidth();
    int unitExp = Math.min(lsbExponent, core.geometry().lsbExponent());
    int shift = lsbExponent - unitExp;
    BigDecimal unit = pow2(unitExp);
    // a fresh run gives the exact sum shown after every cycle; single-cycle lines are compared
    Run sums = new Run(core, x, run, terms, lsbExponent);
    StepBlock blk = new StepBlock(4096, core.lanes());
    long cycle = 0;
    int next = 0;
    List<Replay.Line> lines = window.lines();
    BigInteger largest = BigInteger.ZERO;
    while (next < lines.size()) {
      blk.size = 0;
      boolean more = sums.fill(blk);
      for (int i = 0; i < blk.size && next < lines.size(); i++, cycle++) {
        Replay.Line l = lines.get(next);
        if (l.count == 1 && l.cycle == cycle) {
          BigInteger e = sums.shown[i].value().divide(unit).toBigIntegerExact();
          l.expected = e;
          l.checkAcc = true;
          largest = largest.max(e.abs());
        }
        if (cycle == l.cycle + l.count - 1) next++;
      }
      if (!more) break;
    }
    int xw = Math.max(width + shift, largest.bitLength() + 1);
    for (Replay.Line l : lines)
      l.expected = l.expected.and(BigInteger.ONE.shiftLeft(xw).subtract(BigInteger.ONE));
    String meaning =
        "the exact sum in units of 2^"
            + unitExp
            + ", "
            + xw
            + "-bit two's complement"
            + (xw == width && shift == 0
                ? " (io_acc's own bits)"
                : "; io_acc is sign-extended to "
                    + xw
                    + " bits"
                    + (shift == 0 ? "" : " and shifted left by " + shift)
                    + " to compare")
            + "; flags are not compared";
    return new Replay(
        core, verilog, check, window, first.cycle(), xw, shift, unitExp, meaning, first);
  }

  /** The operand codes and values of the largest positive and most negative finite products. */
  private record Extremes(int[] pos, int[] neg, BigDecimal pPos, BigDecimal pNeg) {
    Extremes(MacCore core) {
      this(extreme(core, true), extreme(core, false), core);
    }

    private Extremes(int[] pos, int[] neg, MacCore core) {
      this(pos, neg, product(core, pos), product(core, neg));
    }
  }

  /**
   * One run of the oracle as a stimulus: {@code terms} largest positive products (run 0), most
   * negative ones (run 1), or both alternating product by product (run 2), after a clear; then
   * {@code latency - 1} idle cycles until the last sum shows. {@link #shown} holds, for each step
   * of the last block filled, the exact sum {@code io_acc} must show after it.
   */
  private static final class Run extends Stimulus {
    private final int run;
    private final int lanes;
    private final long terms;
    private final long cycles;
    private final long total;
    private final Extremes x;

    /** The register this run should leave after each cycle, and how to read the core's. */
    final ReferenceSum ref;

    /**
     * Readings after each cycle, by cycle modulo the latency: shown {@code latency - 1} cycles
     * later.
     */
    private final ReferenceSum.Reading[] ring;

    private ReferenceSum.Reading[] shown = new ReferenceSum.Reading[0];
    private final BigDecimal[] cycleProducts;
    private long cycle;
    private long products;

    Run(MacCore core, Extremes x, int run, long terms, int lsbExponent) {
      this.run = run;
      this.lanes = core.lanes();
      this.terms = terms;
      this.x = x;
      this.cycles = Math.min(MAX_CYCLES, (terms + lanes - 1) / lanes);
      this.total = cycles + core.latency() - 1;
      this.ref = ReferenceSum.of(core.spec().accumulator(), lsbExponent, core.spec().accWidth());
      this.ring = new ReferenceSum.Reading[core.latency()];
      java.util.Arrays.fill(ring, ref.now());
      this.cycleProducts = new BigDecimal[lanes];
    }

    @Override
    boolean fill(StepBlock blk) {
      if (shown.length < blk.capacity) shown = new ReferenceSum.Reading[blk.capacity];
      while (!blk.full() && cycle < total) {
        boolean active = cycle < cycles;
        int i = blk.add(false, cycle == 0, active);
        for (int k = 0; k < lanes; k++) {
          boolean use = active && products < terms;
          boolean positive = run == 0 || (run == 2 && (products & 1) == 0);
          int[] codes = !use ? ZERO_CODES : positive ? x.pos() : x.neg();
          blk.operands(i, k, codes[0], codes[1]);
          cycleProducts[k] = !use ? BigDecimal.ZERO : positive ? x.pPos() : x.pNeg();
          if (use) {
            products++;
          }
        }
        if (active) {
          ref.add(cycleProducts);
        }
        ring[(int) (cycle % ring.length)] = ref.now();
        shown[i] = ring[(int) ((cycle + 1) % ring.length)];
        cycle++;
      }
      return cycle < total;
    }

    @Override
    long total() {
      return total;
    }
  }

  private static BigInteger signed(BigInteger raw, int width) {
    return raw.testBit(width - 1) ? raw.subtract(BigInteger.ONE.shiftLeft(width)) : raw;
  }

  /** Operand codes of the largest positive ({@code positive}) or most negative finite product. */
  static int[] extreme(MacCore core, boolean positive) {
    NumberFormat a = core.a();
    NumberFormat b = core.b();
    BigDecimal best = null;
    int[] codes = null;
    for (int ca = 0; ca < a.codeCount(); ca++) {
      Value va = a.decode(ca);
      if (!va.isFinite()) continue;
      for (int cb = 0; cb < b.codeCount(); cb++) {
        Value vb = b.decode(cb);
        if (!vb.isFinite()) continue;
        BigDecimal p = va.toBigDecimal().multiply(vb.toBigDecimal());
        if (best == null || (positive ? p.compareTo(best) > 0 : p.compareTo(best) < 0)) {
          best = p;
          codes = new int[] {ca, cb};
        }
      }
    }
    return codes;
  }

  /** Code 0 is +0 in every float format and 0 in every integer format. */
  private static final int[] ZERO_CODES = {0, 0};

  private static BigDecimal product(MacCore core, int[] codes) {
    return core.a()
        .decode(codes[0])
        .toBigDecimal()
        .multiply(core.b().decode(codes[1]).toBigDecimal());
  }

  private static BigDecimal pow2(int k) {
    BigDecimal two = BigDecimal.valueOf(2);
    return k >= 0 ? two.pow(k) : BigDecimal.ONE.divide(two.pow(-k));
  }
}
