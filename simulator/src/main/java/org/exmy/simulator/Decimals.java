package org.exmy.simulator;

import java.math.BigDecimal;

/** Helpers for exact decimal inputs. */
final class Decimals {
  private Decimals() {}

  /**
   * Decimal exponent beyond every format's range: with |bias| &le; 4096 and at most 8 bits, every
   * nonzero finite value lies within 2^&plusmn;4224, about 10^&plusmn;1272.
   */
  static final int FAR = 1300;

  static final BigDecimal HUGE = BigDecimal.ONE.scaleByPowerOfTen(FAR);
  static final BigDecimal TINY = BigDecimal.ONE.scaleByPowerOfTen(-FAR);

  /**
   * {@code x}, or &plusmn;10^FAR when |x| &ge; 10^(FAR+1), or &plusmn;10^-FAR when |x| &lt; 10^-FAR
   * (nonzero). Rounding to any format gives the same code for the result as for {@code x} (both
   * overflow, or both round to a zero of x's sign), but the result can be expanded into a
   * BigInteger: {@code 1e999999999} would not fit.
   */
  static BigDecimal tame(BigDecimal x) {
    if (x.signum() == 0) {
      return x;
    }
    long order = (long) x.precision() - x.scale() - 1; // 10^order <= |x| < 10^(order+1)
    if (order > FAR) {
      return x.signum() > 0 ? HUGE : HUGE.negate();
    }
    if (order < -FAR) {
      return x.signum() > 0 ? TINY : TINY.negate();
    }
    return x;
  }
}
