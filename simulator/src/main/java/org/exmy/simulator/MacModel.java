package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Cycle model of the hardware MAC register: a {@link AccumulatorSpec#width()}-bit two's
 * complement accumulator in units of {@code 2^lsbExponent}, plus sticky NaN / +inf / -inf flags.
 *
 * <p>Per {@link #step}: {@code acc_next = wrap((clear ? 0 : acc) + (valid ? fixedProduct : 0))}
 * (wrapped to width bits, so the model agrees with hardware even past {@code terms}); {@code
 * nan_next = (clear ? false : nan) | (valid & productIsNaN)}, and likewise for the +inf and -inf
 * flags with the product's signed infinity. A product is NaN when an operand is NaN or when inf is
 * multiplied by zero.
 */
public final class MacModel {

  private final AccumulatorSpec spec;
  private final BigInteger modulus;
  private final BigInteger half;
  private final BigInteger mask;
  private BigInteger acc = BigInteger.ZERO;
  private boolean nan;
  private boolean posInf;
  private boolean negInf;

  public MacModel(NumberFormat a, NumberFormat b, int terms) {
    this.spec = AccumulatorSpec.of(a, b, terms);
    this.modulus = BigInteger.ONE.shiftLeft(spec.width());
    this.half = BigInteger.ONE.shiftLeft(spec.width() - 1);
    this.mask = modulus.subtract(BigInteger.ONE);
  }

  public AccumulatorSpec spec() {
    return spec;
  }

  /** Accumulator to 0, all flags false. */
  public void reset() {
    acc = BigInteger.ZERO;
    nan = false;
    posInf = false;
    negInf = false;
  }

  /** One clock edge. Operand codes are ignored (not even range-checked) when {@code !valid}. */
  public void step(boolean clear, boolean valid, int codeA, int codeB) {
    NumberFormat a = spec.formatA();
    NumberFormat b = spec.formatB();
    Value p = valid ? Products.exact(a, codeA, b, codeB) : null;
    BigInteger base = clear ? BigInteger.ZERO : acc;
    BigInteger add = valid ? spec.fixedProduct(codeA, codeB) : BigInteger.ZERO;
    acc = wrap(base.add(add));
    boolean pNan = valid && p.isNaN();
    boolean pPos = valid && p.kind() == Value.Kind.POS_INF;
    boolean pNeg = valid && p.kind() == Value.Kind.NEG_INF;
    nan = (!clear && nan) | pNan;
    posInf = (!clear && posInf) | pPos;
    negInf = (!clear && negInf) | pNeg;
  }

  /**
   * One clock edge of an N-lane dot-product core: when {@code valid}, the products of all lanes
   * ({@code codesA[i] x codesB[i]}) are added in the same cycle; a NaN or infinite product sets its
   * flag and adds 0, as in {@link #step(boolean, boolean, int, int)}. Codes are ignored when
   * {@code !valid}.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public void step(boolean clear, boolean valid, int[] codesA, int[] codesB) {
    if (codesA.length != codesB.length) {
      throw new IllegalArgumentException("lanes: " + codesA.length + " a codes vs " + codesB.length + " b codes");
    }
    BigInteger add = BigInteger.ZERO;
    boolean pNan = false;
    boolean pPos = false;
    boolean pNeg = false;
    if (valid) {
      for (int i = 0; i < codesA.length; i++) {
        Value p = Products.exact(spec.formatA(), codesA[i], spec.formatB(), codesB[i]);
        pNan |= p.isNaN();
        pPos |= p.kind() == Value.Kind.POS_INF;
        pNeg |= p.kind() == Value.Kind.NEG_INF;
        add = add.add(spec.fixedProduct(codesA[i], codesB[i]));
      }
    }
    acc = wrap((clear ? BigInteger.ZERO : acc).add(add));
    nan = (!clear && nan) | pNan;
    posInf = (!clear && posInf) | pPos;
    negInf = (!clear && negInf) | pNeg;
  }

  private BigInteger wrap(BigInteger v) {
    BigInteger u = v.and(mask);
    return u.compareTo(half) >= 0 ? u.subtract(modulus) : u;
  }

  /** Signed accumulator value in units of {@code 2^lsbExponent}. */
  public BigInteger accumulator() {
    return acc;
  }

  /** The accumulator as the unsigned width-bit register pattern. */
  public BigInteger accumulatorBits() {
    return acc.and(mask);
  }

  public boolean nanFlag() {
    return nan;
  }

  public boolean posInfFlag() {
    return posInf;
  }

  public boolean negInfFlag() {
    return negInf;
  }

  /**
   * NaN if the NaN flag is set or both inf flags are set; &plusmn;inf if exactly one inf flag is
   * set; else the exact value {@code accumulator * 2^lsbExponent} (a zero sum is +0).
   */
  public Value result() {
    if (nan || (posInf && negInf)) {
      return Value.nan();
    }
    if (posInf) {
      return Value.inf(false);
    }
    if (negInf) {
      return Value.inf(true);
    }
    return Value.finite(acc, spec.lsbExponent());
  }

  /**
   * Exact dot product {@code sum_i a[i] * b[i]} with the NaN/inf rules of {@link #result()} (an
   * empty dot product is +0).
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static Value dot(NumberFormat a, int[] codesA, NumberFormat b, int[] codesB) {
    Objects.requireNonNull(codesA, "codesA");
    Objects.requireNonNull(codesB, "codesB");
    if (codesA.length != codesB.length) {
      throw new IllegalArgumentException(
          "length mismatch: " + codesA.length + " vs " + codesB.length);
    }
    MacModel mac = new MacModel(a, b, Math.max(1, codesA.length));
    for (int i = 0; i < codesA.length; i++) {
      mac.step(false, true, codesA[i], codesB[i]);
    }
    return mac.result();
  }
}
