package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The narrowed fixed-point and the rounding floating-point accumulators against a BigDecimal
 * running state: every cycle's products are decoded and multiplied in BigDecimal, rounded or summed
 * there, and compared with the model.
 */
class AccumulatorProperties {

  static final String[][] PAIRS = {
    {"E4M3", "E4M3"},
    {"INT8", "INT8"},
    {"float8_e4m3fn", "float8_e5m2"},
    {"E2M1", "INT4"},
    {"float8_e5m2", "float8_e5m2"},
    {"E3M2:bias=5:specials=fn:subnormals=off", "float6_e2m3fn"},
    {"E6M1", "E7M0"},
  };

  /** Exact products of one cycle's valid lanes, NaN/inf products left out (they only flag). */
  private static BigDecimal[] products(NumberFormat a, NumberFormat b, int[] ca, int[] cb) {
    BigDecimal[] p = new BigDecimal[ca.length];
    for (int i = 0; i < ca.length; i++) {
      Value va = a.decode(ca[i]);
      Value vb = b.decode(cb[i]);
      p[i] =
          va.isFinite() && vb.isFinite()
              ? va.toBigDecimal().multiply(vb.toBigDecimal())
              : BigDecimal.ZERO;
    }
    return p;
  }

  @Property(tries = 400)
  void fixedPointMatchesRoundedSaturatingSum(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @IntRange(min = 1, max = 4) int lanes,
      @ForAll @IntRange(min = -2, max = 14) int drop,
      @ForAll @IntRange(min = 3, max = 40) int width,
      @ForAll boolean saturate,
      @ForAll boolean nearestEven,
      @ForAll long seed) {
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    CoreSpec spec = CoreSpec.mac(a, b).withLanes(lanes);
    int lsb = spec.geometry().lsbExponent() + drop;
    spec = spec.withAccumulator(new AccumulatorKind.Fixed(lsb, width, saturate, nearestEven));
    MacModel m = new MacModel(spec);
    BigInteger acc = BigInteger.ZERO;
    BigInteger max = BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE);
    BigInteger min = BigInteger.ONE.shiftLeft(width - 1).negate();
    BigDecimal unit = Ref.pow2(lsb);
    SplittableRandom r = new SplittableRandom(seed);
    for (int cycle = 0; cycle < 60; cycle++) {
      int[] ca = new int[lanes];
      int[] cb = new int[lanes];
      for (int i = 0; i < lanes; i++) {
        ca[i] = r.nextInt(a.codeCount());
        cb[i] = r.nextInt(b.codeCount());
      }
      boolean clear = r.nextInt(20) == 0;
      m.step(clear, true, ca, cb);
      BigInteger sum = BigInteger.ZERO;
      for (BigDecimal p : products(a, b, ca, cb)) {
        sum =
            sum.add(
                p.divide(unit)
                    .setScale(0, nearestEven ? RoundingMode.HALF_EVEN : RoundingMode.FLOOR)
                    .toBigIntegerExact());
      }
      acc = (clear ? BigInteger.ZERO : acc).add(sum);
      if (saturate) {
        acc = acc.max(min).min(max);
      } else {
        acc = acc.subtract(min).mod(BigInteger.ONE.shiftLeft(width)).add(min);
      }
      assertEquals(
          acc.and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE)),
          m.accumulatorBits(),
          spec.label() + " cycle " + cycle);
      assertEquals(
          0,
          new BigDecimal(acc)
              .multiply(unit)
              .compareTo(m.accumulatorModel().value().toBigDecimal()));
    }
  }

  /**
   * Two lanes whose rounded products are each just below 2^62 sum to more than 2^62: a saturating
   * 62-bit register must stay at its maximum, not wrap past the long range. E5M2 (bias 15) max =
   * 1.75 * 2^16, so max^2 = 3.0625 * 2^32 = 3.0625 * 2^60 units of 2^-28 = 0.766 * 2^62 per lane.
   */
  @Example
  void twoProductsNear2To62SaturateUpward() {
    NumberFormat e5m2 = Formats.parse("E5M2");
    CoreSpec spec =
        CoreSpec.mac(e5m2, e5m2)
            .withLanes(2)
            .withAccumulator(new AccumulatorKind.Fixed(-28, 62, true, true));
    MacModel m = new MacModel(spec);
    long max = (1L << 61) - 1;
    for (int cycle = 0; cycle < 3; cycle++) {
      m.step(cycle == 0, true, new int[] {0x7f, 0x7f}, new int[] {0x7f, 0x7f});
      assertEquals(BigInteger.valueOf(max), m.accumulatorBits(), "cycle " + cycle);
    }
    for (int cycle = 0; cycle < 3; cycle++) {
      m.step(false, true, new int[] {0xff, 0xff}, new int[] {0x7f, 0x7f}); // -max * max, twice
      assertEquals(
          BigInteger.ONE.shiftLeft(61), m.accumulatorBits(), "min = 100...0, cycle " + cycle);
    }
  }

  @Property(tries = 400)
  void floatingPointRoundsEveryCyclesExactSumOnce(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @IntRange(min = 1, max = 4) int lanes,
      @ForAll @IntRange(min = 0, max = 4) int kindIndex,
      @ForAll long seed) {
    AccumulatorKind.Floating kind =
        new AccumulatorKind.Floating[] {
              AccumulatorKind.Floating.FP32,
              AccumulatorKind.Floating.FP16,
              AccumulatorKind.Floating.BF16,
              new AccumulatorKind.Floating(4, 5),
              new AccumulatorKind.Floating(6, 3)
            }
            [kindIndex];
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    CoreSpec spec = CoreSpec.mac(a, b).withLanes(lanes).withAccumulator(kind);
    MacModel m = new MacModel(spec);
    BigDecimal max = new BigDecimal(kind.maxFinite());
    BigDecimal acc = BigDecimal.ZERO;
    int inf = 0; // +1 / -1 once the register overflowed
    SplittableRandom r = new SplittableRandom(seed);
    for (int cycle = 0; cycle < 60; cycle++) {
      int[] ca = new int[lanes];
      int[] cb = new int[lanes];
      for (int i = 0; i < lanes; i++) {
        ca[i] = r.nextInt(a.codeCount());
        cb[i] = r.nextInt(b.codeCount());
      }
      boolean clear = r.nextInt(20) == 0;
      m.step(clear, true, ca, cb);
      if (clear) {
        acc = BigDecimal.ZERO;
        inf = 0;
      }
      if (inf == 0) {
        BigDecimal x = acc;
        for (BigDecimal p : products(a, b, ca, cb)) {
          x = x.add(p);
        }
        BigDecimal rounded = Ref.roundToGrid(x.abs(), kind.grid());
        if (rounded.compareTo(max) > 0) {
          inf = x.signum();
        } else {
          acc = x.signum() < 0 ? rounded.negate() : rounded;
        }
      }
      Value v = m.accumulatorModel().value();
      if (inf != 0) {
        assertEquals(
            inf > 0 ? Value.Kind.POS_INF : Value.Kind.NEG_INF,
            v.kind(),
            spec.label() + " cycle " + cycle);
      } else {
        assertEquals(0, acc.compareTo(v.toBigDecimal()), spec.label() + " cycle " + cycle);
      }
      // the register pattern, against Java's own float encodings where they exist
      double d =
          m.accumulatorModel() instanceof FloatAccumulator fp ? fp.doubleValue() : Double.NaN;
      if (kind.equals(AccumulatorKind.Floating.FP32)) {
        assertEquals(
            Integer.toUnsignedLong(Float.floatToRawIntBits((float) d)), m.accumulatorLow64());
      } else if (kind.equals(AccumulatorKind.Floating.BF16)) {
        assertEquals(Float.floatToRawIntBits((float) d) >>> 16, m.accumulatorLow64());
      }
    }
  }
}
