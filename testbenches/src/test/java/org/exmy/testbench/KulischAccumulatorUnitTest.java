package org.exmy.testbench;

import static org.exmy.testbench.AccumulatorProofs.core;
import static org.exmy.testbench.AccumulatorProofs.prove;
import static org.exmy.testbench.AccumulatorProofs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Value;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proof of {@code org.exmy.mac.KulischAccumulatorUnit} against its model twin {@link
 * org.exmy.simulator.KulischAccumulator}: the exact register, whole or in chunks ({@code chunk=K}),
 * on both of its adders (the ones' complement addend of a one-lane float core, the signed term of
 * integer and dot cores), through {@link AccumulatorProofs#prove}; and its wrap-around modulo
 * {@code 2^width} in both directions against BigDecimal sums of the decoded operands, without the
 * model.
 */
class KulischAccumulatorUnitTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|1|exact|none",
        "INT8|INT8|1|exact|none",
        "E4M3|E4M3|4|exact|none",
        "float8_e5m2|E2M1|1|exact|chunk=8",
        "E4M3|E4M3|1|exact|chunk=2",
        "INT8|INT8|3|exact|chunk=5",
        "E2M1|E2M1|1|exact|chunk=3",
        "float8_e4m3fn|INT4|2|exact|product,chunk=16"
      })
  void exactRegisterCoresAreBitExact(String spec) {
    prove(core(spec), 100);
  }

  /**
   * A register sized for 16 terms, fed the largest positive product in every lane until it has
   * passed {@code 2^(width-1)}, then the most negative one until it has passed {@code
   * -2^(width-1)}: after every cycle {@code io_acc} is the true sum modulo {@code 2^width}, the sum
   * taken from {@code decode(a) * decode(b)} in BigDecimal.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"E4M3|E4M3|1", "INT8|INT8|1", "E4M3|E4M3|4", "float8_e5m2|INT4|2", "E2M1|E2M1|1"})
  void registerWrapsModuloTwoToItsWidth(String pair) {
    String[] p = pair.split("\\|");
    int lanes = Integer.parseInt(p[2]);
    MacCore core = MacGenerator.generate(Cores.spec(p[0], p[1], 16, lanes));
    int width = core.spec().accWidth();
    int lsb = core.spec().geometry().lsbExponent();
    BigDecimal quantum = Value.finite(BigInteger.ONE, lsb).toBigDecimal(); // 2^lsb

    int[] most = extremeProduct(core.a(), core.b(), true);
    int[] least = extremeProduct(core.a(), core.b(), false);
    BigInteger up =
        product(core.a(), most[0], core.b(), most[1], quantum).multiply(BigInteger.valueOf(lanes));
    BigInteger down =
        product(core.a(), least[0], core.b(), least[1], quantum)
            .multiply(BigInteger.valueOf(lanes));
    BigInteger half = BigInteger.ONE.shiftLeft(width - 1);
    BigInteger modulus = BigInteger.ONE.shiftLeft(width);

    List<int[]> steps = new ArrayList<>();
    List<BigInteger> want = new ArrayList<>();
    BigInteger sum = BigInteger.ZERO;
    BigInteger max = BigInteger.ZERO;
    BigInteger min = BigInteger.ZERO;
    for (int phase = 0; phase < 2; phase++) {
      int[] codes = phase == 0 ? most : least;
      BigInteger step = phase == 0 ? up : down;
      // phase 0 climbs past +2^(w-1); phase 1 falls from there past -2^(w-1), then a little more
      BigInteger target = phase == 0 ? half.add(step.abs()) : half.negate().subtract(step.abs());
      while (phase == 0 ? sum.compareTo(target) < 0 : sum.compareTo(target) > 0) {
        int[] s = new int[3 + 2 * lanes];
        s[1] = steps.isEmpty() ? 1 : 0;
        s[2] = 1;
        for (int k = 0; k < lanes; k++) {
          s[3 + 2 * k] = codes[0];
          s[4 + 2 * k] = codes[1];
        }
        steps.add(s);
        sum = sum.add(step);
        max = max.max(sum);
        min = min.min(sum);
        want.add(sum.mod(modulus));
      }
    }
    assertTrue(
        max.compareTo(half) >= 0 && min.compareTo(half.negate()) < 0,
        "the stimulus leaves the register's range both ways");
    assertEquals(want, run(core, steps), core.label());
  }

  /** The codes {a, b} of the largest (or most negative) finite product. */
  private static int[] extremeProduct(NumberFormat a, NumberFormat b, boolean largest) {
    int[] best = null;
    BigDecimal bestValue = null;
    for (int ca = 0; ca < a.codeCount(); ca++) {
      Value va = a.decode(ca);
      if (!va.isFinite()) continue;
      for (int cb = 0; cb < b.codeCount(); cb++) {
        Value vb = b.decode(cb);
        if (!vb.isFinite()) continue;
        BigDecimal v = va.toBigDecimal().multiply(vb.toBigDecimal());
        if (bestValue == null
            || (largest ? v.compareTo(bestValue) > 0 : v.compareTo(bestValue) < 0)) {
          bestValue = v;
          best = new int[] {ca, cb};
        }
      }
    }
    return best;
  }

  /** {@code decode(a) * decode(b)} in units of {@code quantum}, which must divide it. */
  private static BigInteger product(
      NumberFormat a, int ca, NumberFormat b, int cb, BigDecimal quantum) {
    BigDecimal v = a.decode(ca).toBigDecimal().multiply(b.decode(cb).toBigDecimal());
    return v.divide(quantum).toBigIntegerExact();
  }
}
