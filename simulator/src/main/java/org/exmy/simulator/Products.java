package org.exmy.simulator;

/** Exact products of two codes. */
public final class Products {

  private Products() {}

  /**
   * The exact product of {@code a.decode(codeA)} and {@code b.decode(codeB)}, with IEEE rules for
   * specials: NaN &times; x = NaN, inf &times; 0 = NaN, inf &times; nonzero = inf with the XOR of
   * the signs. A zero product has the XOR of the operand signs ({@code -0} only when that sign is
   * negative; integer zeros are +0). Works for float&times;float, int&times;int and mixed.
   */
  public static Value exact(NumberFormat a, int codeA, NumberFormat b, int codeB) {
    return multiply(a.decode(codeA), b.decode(codeB));
  }

  /** Exact product of two values with the rules of {@link #exact}. */
  public static Value multiply(Value x, Value y) {
    if (x.isNaN() || y.isNaN()) {
      return Value.nan();
    }
    boolean neg = x.signBitSet() ^ y.signBitSet();
    if (x.isInfinite() || y.isInfinite()) {
      if (x.isZero() || y.isZero()) {
        return Value.nan();
      }
      return Value.inf(neg);
    }
    if (x.isZero() || y.isZero()) {
      return Value.zero(neg);
    }
    return Value.finite(
        x.significand().multiply(y.significand()), Math.addExact(x.exponent(), y.exponent()));
  }
}
