package org.exmy.nn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast tanh against the JDK's fdlibm tanh (within 1 ulp of the true value). */
class MathFnsTest {
  @Test
  void tanhMatchesTheJdkToThirteenDigits() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      // log-uniform magnitudes from 2^-40 to 2^6, both signs
      double x = Math.copySign(Math.pow(2, -40 + 46 * r.nextDouble()), r.nextBoolean() ? 1 : -1);
      double want = Math.tanh(x);
      double got = MathFns.tanh(x);
      assertTrue(Math.abs(got - want) <= 1e-13 * Math.abs(want), x + ": " + got + " vs " + want);
      // as float32 results (how the engine uses it) the two agree except within 1e-13 of a tie
      float f = (float) got;
      float g = (float) want;
      assertTrue(f == g || Math.abs(f - g) <= Math.ulp(g), x + ": " + f + " vs " + g);
    }
    for (double x : new double[] {0x1p-6, -0x1p-6, Math.nextDown(0x1p-6), 20, 20.5, -700, 1e300}) {
      assertEquals(Math.tanh(x), MathFns.tanh(x), 1e-13 * Math.abs(Math.tanh(x)), "" + x);
    }
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(MathFns.tanh(-0.0)));
    assertEquals(0.0, MathFns.tanh(0.0));
    assertTrue(Double.isNaN(MathFns.tanh(Double.NaN)));
    assertEquals(1.0, MathFns.tanh(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, MathFns.tanh(Double.NEGATIVE_INFINITY));
  }

  /** erf against its Maclaurin series summed in BigDecimal (60 digits), and its symmetries. */
  @Test
  void erfMatchesABigDecimalSeries() {
    java.math.MathContext mc = new java.math.MathContext(60);
    // 2/sqrt(pi) to 60 digits
    java.math.BigDecimal twoOverSqrtPi =
        new java.math.BigDecimal("1.12837916709551257389615890312154517168810125865799771368817");
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 400; i++) {
      double x = i < 20 ? i * 0.25 : i < 40 ? Math.pow(2, -30 + i - 20) : 5.5 * r.nextDouble();
      if (x > 5.5) {
        continue;
      }
      java.math.BigDecimal bx = new java.math.BigDecimal(x);
      java.math.BigDecimal x2 = bx.multiply(bx, mc);
      java.math.BigDecimal term = bx;
      java.math.BigDecimal sum = bx;
      for (int n = 1; n < 400; n++) {
        term = term.multiply(x2, mc).divide(java.math.BigDecimal.valueOf(-n), mc);
        java.math.BigDecimal t = term.divide(java.math.BigDecimal.valueOf(2L * n + 1), mc);
        sum = sum.add(t, mc);
        if (t.abs().compareTo(java.math.BigDecimal.ONE.movePointLeft(45)) < 0) {
          break;
        }
      }
      double want = sum.multiply(twoOverSqrtPi, mc).doubleValue();
      assertTrue(
          Math.abs(MathFns.erf(x) - want) <= 2e-13 * want,
          x + ": " + MathFns.erf(x) + " vs " + want);
      assertEquals(-MathFns.erf(x), MathFns.erf(-x));
    }
    assertEquals(1.0, MathFns.erf(6.5));
    assertEquals(-1.0, MathFns.erf(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(MathFns.erf(Double.NaN)));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(MathFns.erf(-0.0)));
  }
}
