package org.exmy.testbench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * An independent reference for MX dot products, written from the OCP Microscaling v1.0 text, not
 * from the production code: element values from the spec's element tables and formulas, scales
 * {@code 2^(code - 127)} with 0xFF NaN, and Dot = {@code 2^Xa * 2^Xb * sum a_i * b_i} summed
 * exactly in BigDecimal.
 */
final class MxSpecRef {
  private MxSpecRef() {}

  /** A decoded element: a finite value, or NaN, or an infinity. */
  record Elem(BigDecimal value, boolean nan, int inf) {}

  /** The element of code {@code c} of an MX name (the six names of the spec). */
  static Elem element(String mx, int c) {
    switch (mx.toUpperCase(Locale.ROOT)) {
      case "MXINT8":
        {
          int v = (c & 0x80) != 0 ? c - 256 : c; // two's complement, implicit scale 2^-6
          return new Elem(new BigDecimal(v).divide(new BigDecimal(64)), false, 0);
        }
      case "MXFP8_E4M3":
        {
          if ((c & 0x7F) == 0x7F) return new Elem(null, true, 0); // S.1111.111 is NaN, no inf
          return new Elem(fp(c, 4, 3, 7), false, 0);
        }
      case "MXFP8_E5M2":
        {
          if (((c >> 2) & 0x1F) == 0x1F) { // exponent all ones: inf (mantissa 0) or NaN
            return (c & 3) == 0
                ? new Elem(null, false, (c & 0x80) != 0 ? -1 : 1)
                : new Elem(null, true, 0);
          }
          return new Elem(fp(c, 5, 2, 15), false, 0);
        }
      case "MXFP6_E3M2":
        return new Elem(fp(c, 3, 2, 3), false, 0);
      case "MXFP6_E2M3":
        return new Elem(fp(c, 2, 3, 1), false, 0);
      case "MXFP4_E2M1":
        return new Elem(fp(c, 2, 1, 1), false, 0);
      default:
        throw new IllegalArgumentException(mx);
    }
  }

  /**
   * Sign bit, E exponent bits, M mantissa bits: normals 2^(e-bias)(1 + m/2^M), subnormals
   * 2^(1-bias)(m/2^M).
   */
  private static BigDecimal fp(int c, int e, int m, int bias) {
    int sign = (c >> (e + m)) & 1;
    int ef = (c >> m) & ((1 << e) - 1);
    int mf = c & ((1 << m) - 1);
    BigDecimal frac = new BigDecimal(mf).divide(new BigDecimal(1 << m));
    BigDecimal v =
        ef == 0
            ? pow2(1 - bias).multiply(frac)
            : pow2(ef - bias).multiply(BigDecimal.ONE.add(frac));
    return sign == 1 ? v.negate() : v;
  }

  static BigDecimal pow2(int k) {
    return k >= 0
        ? new BigDecimal(java.math.BigInteger.ONE.shiftLeft(k))
        : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-k)));
  }

  /**
   * The exact Dot of several blocks: null for NaN (a NaN scale, a NaN element, inf x 0 or infs of
   * both signs), +-1 in {@code inf[0]} for an infinity, else the exact sum.
   *
   * @param codesA per block, its element codes of a (and likewise b)
   */
  static Object dot(
      String mxA, String mxB, int[] scalesA, int[] scalesB, int[][] codesA, int[][] codesB) {
    BigDecimal sum = BigDecimal.ZERO;
    boolean nan = false;
    boolean pos = false;
    boolean neg = false;
    for (int k = 0; k < scalesA.length; k++) {
      if (scalesA[k] == 0xFF || scalesB[k] == 0xFF) nan = true;
      BigDecimal block = BigDecimal.ZERO;
      for (int i = 0; i < codesA[k].length; i++) {
        Elem x = element(mxA, codesA[k][i]);
        Elem y = element(mxB, codesB[k][i]);
        if (x.nan() || y.nan()) {
          nan = true;
        } else if (x.inf() != 0 || y.inf() != 0) {
          int sx = x.inf() != 0 ? x.inf() : x.value().signum();
          int sy = y.inf() != 0 ? y.inf() : y.value().signum();
          if (sx == 0 || sy == 0) {
            nan = true; // inf x 0
          } else if (sx * sy > 0) {
            pos = true;
          } else {
            neg = true;
          }
        } else {
          block = block.add(x.value().multiply(y.value()));
        }
      }
      if (scalesA[k] != 0xFF && scalesB[k] != 0xFF) {
        sum = sum.add(block.multiply(pow2(scalesA[k] - 127)).multiply(pow2(scalesB[k] - 127)));
      }
    }
    if (nan || (pos && neg)) return null;
    if (pos || neg) return pos ? 1 : -1;
    return sum.round(MathContext.UNLIMITED);
  }

  /**
   * {@code x} rounded to nearest, ties to even, onto an IEEE-like float with {@code e} exponent
   * bits and {@code m} mantissa bits (bias 2^(e-1)-1, subnormals): a BigDecimal, or +-1 (an
   * Integer) when the rounded magnitude is above the largest finite value (the IEEE overflow rule).
   */
  static Object roundFloat(BigDecimal x, int e, int m) {
    if (x.signum() == 0) return BigDecimal.ZERO;
    int bias = (1 << (e - 1)) - 1;
    int emin = 1 - bias;
    BigDecimal a = x.abs();
    // floor(log2 a), found by halving / doubling an estimate
    int k = (int) Math.floor(Math.log(a.doubleValue()) / Math.log(2));
    while (pow2(k).compareTo(a) > 0) k--;
    while (pow2(k + 1).compareTo(a) <= 0) k++;
    int q =
        Math.max(k, emin) - m; // the quantum: m bits below the top bit, never below the subnormals'
    BigDecimal units = a.divide(pow2(q));
    java.math.BigInteger n =
        units.setScale(0, java.math.RoundingMode.HALF_EVEN).toBigIntegerExact();
    BigDecimal r = new BigDecimal(n).multiply(pow2(q));
    int emax = (1 << e) - 2 - bias;
    BigDecimal max = pow2(emax + 1).subtract(pow2(emax - m));
    if (r.compareTo(max) > 0) return x.signum();
    return x.signum() < 0 ? r.negate() : r;
  }
}
