package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A 2..8 bit integer: two's complement ("INT8") or unsigned ("UINT8").
 *
 * <p>{@code encode} rounds half to even and then <em>always</em> saturates to {@code [min(),
 * max()]} (both {@link Overflow} policies saturate, there is no inf/NaN code); &plusmn;Infinity
 * saturates; NaN throws {@link ArithmeticException}.
 */
public final class IntFormat implements NumberFormat {

  private final int bits;
  private final boolean signed;

  /**
   * @param bits width, 2..8
   * @param signed two's complement if true, unsigned otherwise
   * @throws FormatException if bits is out of range
   */
  public IntFormat(int bits, boolean signed) {
    if (bits < 2 || bits > 8) {
      throw new FormatException(
          "integer formats need 2..8 bits, got "
              + bits
              + " ("
              + (signed ? "INT" : "UINT")
              + bits
              + ")");
    }
    this.bits = bits;
    this.signed = signed;
  }

  @Override
  public String name() {
    return (signed ? "INT" : "UINT") + bits;
  }

  @Override
  public int bits() {
    return bits;
  }

  public boolean signed() {
    return signed;
  }

  /** Smallest value: {@code -2^(bits-1)} or 0. */
  public int min() {
    return signed ? -(1 << (bits - 1)) : 0;
  }

  /** Largest value: {@code 2^(bits-1)-1} or {@code 2^bits-1}. */
  public int max() {
    return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  }

  /** The integer value of {@code code}. */
  public int intValue(int code) {
    if (code < 0 || code >= codeCount()) {
      throw new IllegalArgumentException(
          "code " + code + " out of range 0.." + (codeCount() - 1) + " for " + name());
    }
    if (signed && code >= (1 << (bits - 1))) {
      return code - (1 << bits);
    }
    return code;
  }

  /** The code of the integer {@code v} (which must be in {@code [min(), max()]}). */
  public int codeOf(int v) {
    if (v < min() || v > max()) {
      throw new IllegalArgumentException(v + " is out of range for " + name());
    }
    return v & ((1 << bits) - 1);
  }

  @Override
  public Value decode(int code) {
    return Value.finite(BigInteger.valueOf(intValue(code)), 0);
  }

  @Override
  public int encode(BigDecimal x, Overflow policy) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(policy, "policy");
    BigInteger r = Decimals.tame(x).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    return codeOf(clamp(r));
  }

  @Override
  public int encode(double x, Overflow policy) {
    Objects.requireNonNull(policy, "policy");
    if (Double.isNaN(x)) {
      throw new ArithmeticException(name() + " cannot represent NaN");
    }
    double r = Rounding.toQuantum(x, 0);
    if (r <= min()) {
      return codeOf(min());
    }
    if (r >= max()) {
      return codeOf(max());
    }
    return codeOf((int) r);
  }

  private int clamp(BigInteger r) {
    if (r.compareTo(BigInteger.valueOf(min())) < 0) {
      return min();
    }
    if (r.compareTo(BigInteger.valueOf(max())) > 0) {
      return max();
    }
    return r.intValueExact();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntFormat
        && ((IntFormat) o).bits == bits
        && ((IntFormat) o).signed == signed;
  }

  @Override
  public int hashCode() {
    return bits * 2 + (signed ? 1 : 0);
  }

  @Override
  public String toString() {
    return name();
  }
}
