package org.exmy.testbench;

import java.math.BigDecimal;
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
 * error) agree with each other but not with this.
 */
public final class WorstCaseOracle {
  /** Longest run (cycles) the oracle drives; longer term counts are checked up to here. */
  public static final long MAX_CYCLES = 1L << 22;

  private WorstCaseOracle() {}

  /** Checks {@code core} for its own terms, geometry and accumulator kind. */
  public static CrossCheck.Report check(MacCore core) {
    return check(core, core.verilog(), core.spec().terms(), core.geometry().lsbExponent());
  }

  /**
   * Checks the Verilog of {@code core} as if it were built for {@code terms} products (with LSB
   * {@code 2^lsbExponent} when the accumulator is exact); used to show that a geometry one bit
   * short, a wrong LSB or a tampered rounding is caught.
   */
  public static CrossCheck.Report check(MacCore core, String verilog, long terms, int lsbExponent) {
    long t0 = System.nanoTime();
    int[] pos = extreme(core, true);
    int[] neg = extreme(core, false);
    BigDecimal pPos = product(core, pos);
    BigDecimal pNeg = product(core, neg);
    int lanes = core.lanes();
    long cycles = Math.min(MAX_CYCLES, (terms + lanes - 1) / lanes);
    List<String> examples = new ArrayList<>();
    long[] counts = new long[2]; // vectors, mismatches
    ReferenceSum ref = ReferenceSum.of(core.spec().accumulator(), lsbExponent, core.spec().accWidth());
    String what = core.spec().accumulator() instanceof AccumulatorKind.Exact ? "io_acc * 2^" + lsbExponent
        : "io_acc (" + core.spec().accumulator().tag() + ")";
    try (Driver d = new Driver(core, verilog, CrossCheck.BATCH)) {
      for (int run = 0; run < 3; run++) {
        d.resetPulse();
        ref.clear();
        // run 0: +max every product; run 1: -max; run 2: +max and -max lane by lane, cycle by cycle
        StepBlock blk = new StepBlock(CrossCheck.BATCH, lanes);
        long products = 0;
        long cycle = 0;
        // the expected register after each cycle, shown latency - 1 cycles later
        ReferenceSum.Reading[] shown = new ReferenceSum.Reading[core.latency()];
        java.util.Arrays.fill(shown, ref.now());
        long total = cycles + core.latency() - 1;
        BigDecimal[] cycleProducts = new BigDecimal[lanes];
        while (cycle < total) {
          blk.size = 0;
          List<ReferenceSum.Reading> expected = new ArrayList<>();
          while (!blk.full() && cycle < total) {
            boolean active = cycle < cycles;
            int i = blk.add(false, cycle == 0, active);
            for (int k = 0; k < lanes; k++) {
              boolean use = active && products < terms;
              boolean positive = run == 0 || (run == 2 && (products & 1) == 0);
              int[] codes = !use ? zeroCodes(core) : positive ? pos : neg;
              blk.operands(i, k, codes[0], codes[1]);
              cycleProducts[k] = !use ? BigDecimal.ZERO : positive ? pPos : pNeg;
              if (use) {
                products++;
              }
            }
            if (active) {
              ref.add(cycleProducts);
            }
            int slot = (int) (cycle % shown.length);
            shown[slot] = ref.now();
            expected.add(shown[(int) ((cycle + 1) % shown.length)]);
            cycle++;
          }
          d.slot(0).load(blk);
          d.run(0);
          for (int i = 0; i < blk.size; i++) {
            counts[0]++;
            ReferenceSum.Reading got = ref.read(d.accBig(i));
            if (!got.sameAs(expected.get(i))) {
              counts[1]++;
              if (examples.size() < Failures.MAX_EXAMPLES) {
                examples.add(String.format("%s run, cycle %d: %s = %s, BigDecimal reference = %s",
                    run == 0 ? "largest positive" : run == 1 ? "largest negative" : "alternating",
                    cycle - blk.size + i, what, got, expected.get(i)));
              }
            }
          }
        }
      }
    }
    return new CrossCheck.Report(core.moduleName(), "worst-case sums against BigDecimal (" + terms + " terms)",
        counts[0], counts[1], List.copyOf(examples), (System.nanoTime() - t0) / 1e9);
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

  private static int[] zeroCodes(MacCore core) {
    return new int[] {0, 0}; // code 0 is +0 in every float format and 0 in every integer format
  }

  private static BigDecimal product(MacCore core, int[] codes) {
    return core.a().decode(codes[0]).toBigDecimal().multiply(core.b().decode(codes[1]).toBigDecimal());
  }

}
