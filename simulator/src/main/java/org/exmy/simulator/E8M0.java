package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Locale;

/**
 * E8M0, the OCP MX v1.0 shared scale (ml_dtypes {@code float8_e8m0fnu}): 8 exponent bits, no sign,
 * no mantissa, bias 127. Code {@code c} in 0..254 is {@code 2^(c-127)}; code 0xFF is NaN; there is
 * no zero, no infinity and no negative value.
 *
 * <p>It is not a {@link NumberFormat} (those are MAC operands; a scale is not multiplied, it shifts
 * the block's exponent), but it has a table and a conversion of its own, bit-compatible with
 * ml_dtypes 0.6 (checked against a table of ml_dtypes' results in the tests):
 *
 * <ul>
 *   <li>a positive finite {@code x} is rounded by the shared routine ({@link Rounding}) onto the
 *       grid of powers of two with no subnormals and smallest normal {@code 2^-126}: between {@code
 *       2^k} and {@code 2^(k+1)} the midpoint {@code 1.5 * 2^k} and above go up; below {@code
 *       2^-126} a value above {@code 2^-127} goes to {@code 2^-126} (code 1) and any other to code
 *       0 ({@code 2^-127}, where ml_dtypes' rounding gives 0 and E8M0 has no zero);
 *   <li>a value that rounds above {@code 2^127}, +inf, NaN, any negative value, and +-0 give NaN
 *       (0xFF).
 * </ul>
 */
public final class E8M0 {
  private E8M0() {}

  /** The exponent bias. */
  public static final int BIAS = 127;

  /** The NaN code. */
  public static final int NAN = 0xFF;

  /** Smallest and largest scale exponents, {@code -127} and {@code 127}. */
  public static final int MIN_EXPONENT = -127;

  public static final int MAX_EXPONENT = 127;

  private static final Rounding.Grid GRID = new Rounding.Grid(0, -126, false);

  /** True for the names {@code E8M0} and {@code float8_e8m0fnu} (any case, trimmed). */
  public static boolean isName(String name) {
    if (name == null) {
      return false;
    }
    String s = name.trim().toLowerCase(Locale.ROOT);
    return s.equals("e8m0") || s.equals("float8_e8m0fnu");
  }

  /** The exact value of {@code code}: {@code 2^(code-127)}, NaN for 0xFF. */
  public static Value decode(int code) {
    check(code);
    return code == NAN ? Value.nan() : Value.finite(BigInteger.ONE, code - BIAS);
  }

  /** {@link #decode} as a double (every value is a normal or subnormal double). */
  public static double toDouble(int code) {
    check(code);
    return code == NAN ? Double.NaN : Math.scalb(1.0, code - BIAS);
  }

  /** The code of the scale {@code 2^e}, {@code e} in -127..127. */
  public static int codeOfExponent(int e) {
    if (e < MIN_EXPONENT || e > MAX_EXPONENT) {
      throw new IllegalArgumentException("E8M0 exponents are -127..127, got " + e);
    }
    return e + BIAS;
  }

  /** The conversion of {@code x} as ml_dtypes does it (see the class comment). */
  public static int encode(double x) {
    if (!(x > 0) || Double.isInfinite(x)) {
      return NAN;
    }
    double r = Rounding.round(x, GRID);
    if (r == 0) {
      return 0;
    }
    int e = Math.getExponent(r);
    return e > MAX_EXPONENT ? NAN : e + BIAS;
  }

  private static void check(int code) {
    if (code < 0 || code > 0xFF) {
      throw new IllegalArgumentException("code " + code + " out of range 0..255 for E8M0");
    }
  }
}
