package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The exact value of a code (or of a product / dot product): NaN, &plusmn;inf, or a finite dyadic
 * rational {@code significand() * 2^exponent()}.
 *
 * <p>Finite values are normalized: the significand is odd, or zero with exponent 0. The sign of a
 * zero is carried separately by {@link #isNegativeZero()}.
 *
 * <p><b>Equality:</b> {@link #equals} compares exact numeric value, so {@code +0} equals {@code -0}
 * (they are distinguished only by {@link #isNegativeZero()} and {@link #toString()}); all NaNs are
 * equal to each other (like {@link Double#equals}); {@code +inf} and {@code -inf} are distinct.
 */
public final class Value {

  /** Classification of a value. */
  public enum Kind {
    FINITE,
    POS_INF,
    NEG_INF,
    NAN
  }

  private static final Value NAN = new Value(Kind.NAN, BigInteger.ZERO, 0, false);
  private static final Value POS_INF = new Value(Kind.POS_INF, BigInteger.ZERO, 0, false);
  private static final Value NEG_INF = new Value(Kind.NEG_INF, BigInteger.ZERO, 0, false);
  private static final Value POS_ZERO = new Value(Kind.FINITE, BigInteger.ZERO, 0, false);
  private static final Value NEG_ZERO = new Value(Kind.FINITE, BigInteger.ZERO, 0, true);

  private final Kind kind;
  private final BigInteger significand;
  private final int exponent;
  private final boolean negativeZero;

  private Value(Kind kind, BigInteger significand, int exponent, boolean negativeZero) {
    this.kind = kind;
    this.significand = significand;
    this.exponent = exponent;
    this.negativeZero = negativeZero;
  }

  /** The (unique) NaN value. */
  public static Value nan() {
    return NAN;
  }

  /** {@code -inf} if {@code negative}, else {@code +inf}. */
  public static Value inf(boolean negative) {
    return negative ? NEG_INF : POS_INF;
  }

  /** {@code -0} if {@code negative}, else {@code +0}. */
  public static Value zero(boolean negative) {
    return negative ? NEG_ZERO : POS_ZERO;
  }

  /** The finite value {@code sig * 2^exp} (normalized; a zero significand gives {@code +0}). */
  public static Value finite(BigInteger sig, int exp) {
    Objects.requireNonNull(sig, "sig");
    if (sig.signum() == 0) {
      return POS_ZERO;
    }
    int tz = sig.getLowestSetBit();
    return new Value(Kind.FINITE, sig.shiftRight(tz), Math.addExact(exp, tz), false);
  }

  /** The exact value of a double: NaN, &plusmn;inf, &plusmn;0 or the finite dyadic it holds. */
  public static Value of(double d) {
    if (Double.isNaN(d)) {
      return NAN;
    }
    if (Double.isInfinite(d)) {
      return inf(d < 0);
    }
    if (d == 0) {
      return zero(Double.doubleToRawLongBits(d) < 0);
    }
    long bits = Double.doubleToRawLongBits(d);
    int be = (int) ((bits >>> 52) & 0x7ff);
    long frac = bits & ((1L << 52) - 1);
    long n = be == 0 ? frac : frac | (1L << 52);
    int e2 = be == 0 ? -1074 : be - 1075;
    return finite(BigInteger.valueOf(d < 0 ? -n : n), e2);
  }

  /** {@code sig * 2^exp}, and {@code -0} if the value is zero and {@code negativeZero}. */
  static Value finite(BigInteger sig, int exp, boolean negativeZero) {
    if (sig.signum() == 0) {
      return zero(negativeZero);
    }
    return finite(sig, exp);
  }

  public Kind kind() {
    return kind;
  }

  public boolean isFinite() {
    return kind == Kind.FINITE;
  }

  public boolean isNaN() {
    return kind == Kind.NAN;
  }

  /** True for {@code +inf} and {@code -inf}. */
  public boolean isInfinite() {
    return kind == Kind.POS_INF || kind == Kind.NEG_INF;
  }

  /** True for {@code +0} and {@code -0}. */
  public boolean isZero() {
    return kind == Kind.FINITE && significand.signum() == 0;
  }

  /** True only for the finite value {@code -0}. */
  public boolean isNegativeZero() {
    return negativeZero;
  }

  /**
   * Sign of the value: -1, 0 or 1 (zeros give 0, {@code -inf} gives -1).
   *
   * @throws ArithmeticException for NaN
   */
  public int signum() {
    switch (kind) {
      case POS_INF:
        return 1;
      case NEG_INF:
        return -1;
      case NAN:
        throw new ArithmeticException("NaN has no sign");
      default:
        return significand.signum();
    }
  }

  /** True if the sign is negative: {@code -inf}, {@code -0} or a negative finite value. */
  boolean signBitSet() {
    return kind == Kind.NEG_INF
        || negativeZero
        || (kind == Kind.FINITE && significand.signum() < 0);
  }

  /**
   * Signed, odd (or zero) significand of a finite value.
   *
   * @throws ArithmeticException if not finite
   */
  public BigInteger significand() {
    requireFinite();
    return significand;
  }

  /**
   * Binary exponent of a finite value (0 for zero).
   *
   * @throws ArithmeticException if not finite
   */
  public int exponent() {
    requireFinite();
    return exponent;
  }

  /**
   * Exact decimal value (zeros give {@code BigDecimal.ZERO}).
   *
   * @throws ArithmeticException if not finite
   */
  public BigDecimal toBigDecimal() {
    requireFinite();
    if (exponent >= 0) {
      return new BigDecimal(significand.shiftLeft(exponent));
    }
    // sig * 2^-k = sig * 5^k / 10^k, exact.
    int k = -exponent;
    return new BigDecimal(significand.multiply(BigInteger.valueOf(5).pow(k)), k);
  }

  /**
   * Nearest double (exact for every value of an 8-bit format and for typical products and sums).
   */
  public double toDouble() {
    switch (kind) {
      case NAN:
        return Double.NaN;
      case POS_INF:
        return Double.POSITIVE_INFINITY;
      case NEG_INF:
        return Double.NEGATIVE_INFINITY;
      default:
        if (significand.signum() == 0) {
          return negativeZero ? -0.0 : 0.0;
        }
        if (significand.bitLength() <= 53 && exponent > -1000 && exponent < 900) {
          return Math.scalb(significand.doubleValue(), exponent);
        }
        return toBigDecimal().doubleValue();
    }
  }

  /** Negated value (NaN stays NaN, zeros swap sign). */
  public Value negate() {
    switch (kind) {
      case NAN:
        return NAN;
      case POS_INF:
        return NEG_INF;
      case NEG_INF:
        return POS_INF;
      default:
        if (significand.signum() == 0) {
          return zero(!negativeZero);
        }
        return new Value(Kind.FINITE, significand.negate(), exponent, false);
    }
  }

  private void requireFinite() {
    if (kind != Kind.FINITE) {
      throw new ArithmeticException("value is not finite: " + this);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Value)) {
      return false;
    }
    Value v = (Value) o;
    return kind == v.kind && exponent == v.exponent && significand.equals(v.significand);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + significand.hashCode()) * 31 + exponent;
  }

  /**
   * Exact plain decimal: "448", "0.001953125", "-1.5", "0", "-0"; non-finite values give "nan",
   * "inf", "-inf".
   */
  @Override
  public String toString() {
    switch (kind) {
      case NAN:
        return "nan";
      case POS_INF:
        return "inf";
      case NEG_INF:
        return "-inf";
      default:
        if (significand.signum() == 0) {
          return negativeZero ? "-0" : "0";
        }
        return toBigDecimal().stripTrailingZeros().toPlainString();
    }
  }
}
