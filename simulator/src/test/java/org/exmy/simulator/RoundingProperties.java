package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The fast (double) rounding path against BigDecimal, on grids of every precision and range. */
class RoundingProperties {

  /** A double near a grid point or a grid midpoint of g, or anywhere. */
  private static double sample(Rounding.Grid g, int mode, long bits, int exp) {
    double unit = Math.scalb(1.0, g.quantumExponent() + Math.floorMod(exp, 40));
    double base = Math.floorMod(bits, 1L << 20) * unit;
    switch (mode) {
      case 0:
        return Double.longBitsToDouble(bits & 0x7fffffffffffffffL); // anything
      case 1:
        return base + unit / 2; // a midpoint when unit is the local step
      case 2:
        return Math.nextUp(base + unit / 2);
      default:
        return Math.nextDown(base + unit / 2);
    }
  }

  @Property(tries = 3000)
  void doubleRoundingIsExactRoundToNearestEven(
      @ForAll @IntRange(min = 0, max = 23) int mantissaBits,
      @ForAll @IntRange(min = -140, max = 140) int emin,
      @ForAll boolean subnormals,
      @ForAll @IntRange(min = 0, max = 3) int mode,
      @ForAll long bits,
      @ForAll int exp,
      @ForAll boolean neg) {
    Rounding.Grid g = new Rounding.Grid(mantissaBits, emin, subnormals);
    double x = sample(g, mode, bits, exp);
    if (!Double.isFinite(x) || x == 0) {
      return; // +-0, inf and NaN pass through unchanged; tested below
    }
    double got = Rounding.round(neg ? -x : x, g);
    BigDecimal want = Ref.roundToGrid(new BigDecimal(x), g);
    assertEquals(0, want.compareTo(new BigDecimal(Math.abs(got))), g + " x=" + x);
    assertEquals(neg, Math.copySign(1.0, got) < 0, "sign kept for " + x);
    // the exact rational path agrees too
    Value exact =
        Rounding.round(
            new BigDecimal(x).unscaledValue().abs(),
            BigInteger.TEN.pow(Math.max(0, new BigDecimal(x).scale())),
            0,
            g);
    assertEquals(0, want.compareTo(exact.toBigDecimal()), "exact path, " + g + " x=" + x);
  }

  @Property(tries = 2000)
  void integerShiftRoundsHalfToEven(@ForAll long v, @ForAll @IntRange(min = 0, max = 70) int s) {
    BigDecimal want = new BigDecimal(v).divide(Ref.pow2(s)).setScale(0, RoundingMode.HALF_EVEN);
    assertEquals(want.longValueExact(), Rounding.shiftRight(v, s), v + " >> " + s);
  }

  @Property(tries = 200)
  void specialsPassThrough(@ForAll @IntRange(min = 0, max = 10) int m) {
    Rounding.Grid g = new Rounding.Grid(m, -6, true);
    assertEquals(
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Rounding.round(-0.0, g)));
    assertEquals(Double.POSITIVE_INFINITY, Rounding.round(Double.POSITIVE_INFINITY, g));
    assertEquals(Double.NEGATIVE_INFINITY, Rounding.round(Double.NEGATIVE_INFINITY, g));
    assertEquals(Double.NaN, Rounding.round(Double.NaN, g));
  }
}
