package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Independent reference formulas used by the tests (deliberately written without using the
 * production code paths: plain BigDecimal arithmetic on the bit fields).
 */
final class Ref {
  private Ref() {}

  static final BigDecimal TWO = BigDecimal.valueOf(2);

  /** 2^k exactly. */
  static BigDecimal pow2(int k) {
    return k >= 0 ? TWO.pow(k) : BigDecimal.ONE.divide(TWO.pow(-k), MathContext.UNLIMITED);
  }

  /** Outcome of the reference decoder: NaN, +inf, -inf, or finite (value + negative-zero flag). */
  record R(String kind, BigDecimal value, boolean negZero) {
    static R nan() {
      return new R("nan", null, false);
    }

    static R inf(boolean neg) {
      return new R(neg ? "-inf" : "inf", null, false);
    }

    static R fin(BigDecimal v, boolean negZero) {
      return new R("finite", v, negZero);
    }
  }

  /**
   * Reference decoder for a minifloat with E exponent bits, M mantissa bits, given bias, specials
   * and subnormal flag, written directly from the textual definition of each convention.
   */
  static R decode(int e, int m, int bias, Specials sp, boolean sub, int code) {
    int s = (code >> (e + m)) & 1;
    int ef = (code >> m) & ((1 << e) - 1);
    int mf = code & ((1 << m) - 1);
    boolean allOnesE = ef == (1 << e) - 1;
    boolean allOnesM = mf == (1 << m) - 1;
    if (sp == Specials.IEEE && allOnesE) {
      return mf == 0 ? R.inf(s == 1) : R.nan();
    }
    if (sp == Specials.FN && allOnesE && allOnesM) {
      return R.nan();
    }
    if (sp == Specials.FNUZ && s == 1 && ef == 0 && mf == 0) {
      return R.nan();
    }
    BigDecimal mag;
    if (ef == 0) {
      // subnormal: 0.m * 2^(1-bias)
      mag = sub ? BigDecimal.valueOf(mf).multiply(pow2(1 - bias - m)) : BigDecimal.ZERO;
    } else {
      // normal: 1.m * 2^(ef-bias)
      BigDecimal frac = BigDecimal.ONE.add(BigDecimal.valueOf(mf).multiply(pow2(-m)));
      mag = frac.multiply(pow2(ef - bias));
    }
    if (mag.signum() == 0) {
      return R.fin(BigDecimal.ZERO, s == 1 && sp != Specials.FNUZ);
    }
    return R.fin(s == 1 ? mag.negate() : mag, false);
  }

  static R decode(FloatFormat f, int code) {
    return decode(f.exponentBits(), f.mantissaBits(), f.bias(), f.specials(), f.subnormals(), code);
  }

  static boolean eq(BigDecimal a, BigDecimal b) {
    return a.compareTo(b) == 0;
  }

  /** Reference: nearest grid point of a non-negative x by BigDecimal, ties to even. */
  static BigDecimal roundToGrid(BigDecimal x, Rounding.Grid g) {
    // the step at x: 2^(max(floor(log2 x), emin) - M); below emin without subnormals: {0, 2^emin}
    int k = x.signum() == 0 ? g.emin() : floorLog2(x);
    if (!g.subnormals() && k < g.emin()) {
      BigDecimal minNormal = Ref.pow2(g.emin());
      BigDecimal half = Ref.pow2(g.emin() - 1);
      return x.compareTo(half) > 0 ? minNormal : BigDecimal.ZERO;
    }
    BigDecimal step = Ref.pow2(Math.max(k, g.emin()) - g.mantissaBits());
    BigDecimal q = x.divide(step).setScale(0, RoundingMode.HALF_EVEN);
    return q.multiply(step);
  }

  static int floorLog2(BigDecimal x) {
    int k =
        x.unscaledValue().bitLength() - (int) Math.ceil(x.scale() * Math.log(10) / Math.log(2)) - 2;
    while (Ref.pow2(k + 1).compareTo(x) <= 0) {
      k++;
    }
    while (Ref.pow2(k).compareTo(x) > 0) {
      k--;
    }
    return k;
  }
}
