package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Geometry of the exact fixed-point (Kulisch) accumulator of a MAC for {@code a &times; b} that
 * must hold the exact sum of {@code terms} products. Shared with the hardware generator.
 *
 * <p>Every operand is an integer multiple of its format's quantum {@code 2^lsb}: for a float {@code
 * lsb = 1 - bias - M} (the exponent of the smallest subnormal; the same value is used when
 * subnormals are off), for an integer {@code lsb = 0}. A float code is {@code (-1)^S * sig *
 * 2^(effExp - 1) * 2^lsb} with {@code sig = hidden * 2^M + mantissa}, {@code effExp = max(expField,
 * 1)}, hidden = (expField != 0). So every product is an integer multiple of {@code 2^lsbExponent()}
 * with {@code lsbExponent() = lsb(a) + lsb(b)}.
 */
public final class AccumulatorSpec {

  private final NumberFormat a;
  private final NumberFormat b;
  private final int terms;
  private final int lsbExponent;
  private final int productBits;
  private final int guardBits;

  private AccumulatorSpec(NumberFormat a, NumberFormat b, int terms) {
    this.a = a;
    this.b = b;
    this.terms = terms;
    this.lsbExponent = lsb(a) + lsb(b);
    BigInteger maxProduct = maxAbsFixed(a).multiply(maxAbsFixed(b));
    this.productBits = maxProduct.bitLength();
    this.guardBits = 32 - Integer.numberOfLeadingZeros(terms - 1);
  }

  /**
   * @throws IllegalArgumentException if {@code terms < 1}
   */
  public static AccumulatorSpec of(NumberFormat a, NumberFormat b, int terms) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (terms < 1) {
      throw new IllegalArgumentException("terms must be >= 1, got " + terms);
    }
    return new AccumulatorSpec(a, b, terms);
  }

  /** Quantum exponent of one operand format: {@code 1 - bias - M} for floats, 0 for integers. */
  public static int lsb(NumberFormat f) {
    if (f instanceof FloatFormat) {
      FloatFormat ff = (FloatFormat) f;
      return 1 - ff.bias() - ff.mantissaBits();
    }
    return 0;
  }

  /**
   * The operand as a signed integer in units of {@code 2^lsb(f)}; 0 for NaN/inf codes (and for zero
   * / flushed codes).
   */
  public static BigInteger fixedOperand(NumberFormat f, int code) {
    OperandDecoder d = new OperandDecoder(f);
    return BigInteger.valueOf(d.sig(code)).shiftLeft(d.shift(code));
  }

  /** Largest |fixedOperand| over all finite codes of {@code f}. */
  static BigInteger maxAbsFixed(NumberFormat f) {
    if (f instanceof FloatFormat) {
      FloatFormat ff = (FloatFormat) f;
      // The largest finite magnitude is max finite (the format is sign-symmetric).
      return fixedOperand(ff, ff.maxFiniteCode());
    }
    IntFormat i = (IntFormat) f;
    return BigInteger.valueOf(Math.max(Math.abs((long) i.min()), i.max()));
  }

  public NumberFormat formatA() {
    return a;
  }

  public NumberFormat formatB() {
    return b;
  }

  public int terms() {
    return terms;
  }

  /** Exponent of the accumulator's least significant bit. */
  public int lsbExponent() {
    return lsbExponent;
  }

  /**
   * The product as a signed integer in units of {@code 2^lsbExponent()}; 0 if either operand is NaN
   * or inf. For finite operands {@code fixedProduct * 2^lsbExponent} equals {@link Products#exact}.
   */
  public BigInteger fixedProduct(int codeA, int codeB) {
    return fixedOperand(a, codeA).multiply(fixedOperand(b, codeB));
  }

  /** Bit length of the largest |fixedProduct| over all finite code pairs. */
  public int productBits() {
    return productBits;
  }

  /** {@code ceil(log2(terms))}: 0 for 1 term, 1 for 2, 2 for 3..4, ... */
  public int guardBits() {
    return guardBits;
  }

  /** Accumulator width: {@code productBits + guardBits + 1} (sign). */
  public int width() {
    return productBits + guardBits + 1;
  }

  /** True if either operand format has an inf or NaN code. */
  public boolean hasSpecials() {
    return hasSpecials(a) || hasSpecials(b);
  }

  private static boolean hasSpecials(NumberFormat f) {
    return f instanceof FloatFormat && (((FloatFormat) f).hasInf() || ((FloatFormat) f).hasNaN());
  }

  @Override
  public String toString() {
    return "AccumulatorSpec["
        + a.name()
        + " x "
        + b.name()
        + ", terms="
        + terms
        + ", lsb=2^"
        + lsbExponent
        + ", productBits="
        + productBits
        + ", guardBits="
        + guardBits
        + ", width="
        + width()
        + "]";
  }
}
