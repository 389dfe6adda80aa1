package org.exmy.simulator;

import java.math.BigInteger;

/**
 * The one rounding routine of exmy: round to nearest, ties to even, onto a binary grid. Encoding
 * into a format ({@link FloatFormat#encode}, {@link IntFormat#encode}, hence the quantizer), the
 * rounding accumulators ({@link Accumulator}) and the quantized inference all round through here.
 *
 * <p>A floating-point {@link Grid} with {@code M} mantissa bits and smallest normal exponent {@code
 * emin} holds, for every exponent {@code k >= emin}, the multiples of {@code 2^(k-M)} in {@code
 * [2^k, 2^(k+1))}, and (with subnormals) the multiples of {@code 2^(emin-M)} below {@code 2^emin}.
 * It has no upper bound: a value is rounded as if the exponent range were unbounded above, and the
 * caller decides what an overflow of its format's largest value means (saturate, inf, NaN). Without
 * subnormals the grid below {@code 2^emin} is {@code {0, 2^emin}}, and the tie {@code 2^(emin-1)}
 * goes to 0 (the even multiple of {@code 2^emin}).
 *
 * <p>Two entry points compute the same function: {@link #round(BigInteger, BigInteger, int, Grid)}
 * on exact rationals (decimal input), and {@link #round(double, Grid)} on doubles, which is exact
 * because scaling by a power of two and {@link Math#rint} are exact in binary64 for every grid that
 * {@link Grid#fitsDouble() fits a double}. A property test checks that they agree.
 */
public final class Rounding {
  private Rounding() {}

  /**
   * A floating-point grid, unbounded above.
   *
   * @param mantissaBits fraction bits M (precision M+1), 0..52
   * @param emin exponent of the smallest normal value {@code 2^emin}
   * @param subnormals whether the multiples of {@code 2^(emin-M)} below {@code 2^emin} are on the
   *     grid
   */
  public record Grid(int mantissaBits, int emin, boolean subnormals) {
    public Grid {
      if (mantissaBits < 0 || mantissaBits > 52) {
        throw new IllegalArgumentException("mantissa bits must be 0..52, got " + mantissaBits);
      }
    }

    /** Exponent of the smallest grid step, {@code emin - M}. */
    public int quantumExponent() {
      return emin - mantissaBits;
    }

    /**
     * True when every grid point up to {@code 2^1023} is a normal double, so {@link #round(double,
     * Grid)} is exact.
     */
    public boolean fitsDouble() {
      return emin >= -1022 && emin <= 1023;
    }
  }

  /**
   * Round to nearest even of {@code x} onto {@code g}; the sign is kept (a value that rounds to
   * zero gives a zero of its sign); NaN and infinities are returned unchanged.
   *
   * @throws IllegalArgumentException if the grid does not {@link Grid#fitsDouble() fit a double}
   */
  public static double round(double x, Grid g) {
    if (!g.fitsDouble()) {
      throw new IllegalArgumentException("grid " + g + " does not fit a double");
    }
    if (x == 0 || !Double.isFinite(x)) {
      return x;
    }
    double a = Math.abs(x);
    int k = floorLog2(a);
    double r;
    if (!g.subnormals() && k < g.emin()) {
      r = a > Math.scalb(1.0, g.emin() - 1) ? Math.scalb(1.0, g.emin()) : 0.0;
    } else {
      r = toQuantum(a, Math.max(k, g.emin()) - g.mantissaBits());
    }
    return Math.copySign(r, x);
  }

  /**
   * Round to nearest even of {@code x} to a multiple of {@code 2^q} (the fixed-point grid; {@code q
   * = 0} rounds to an integer). Exact whenever {@code x / 2^q} is below {@code 2^53} in magnitude.
   */
  public static double toQuantum(double x, int q) {
    return Math.scalb(Math.rint(Math.scalb(x, -q)), q);
  }

  /** Round to nearest even of the integer {@code v / 2^s} ({@code s >= 0}). */
  public static long shiftRight(long v, int s) {
    if (s <= 0) {
      return v;
    }
    if (s >= 64) {
      return 0; // |v| < 2^63 <= 2^(s-1): rounds to 0, ties included (0 is even)
    }
    long q = v >> s; // floor
    long rem = v - (q << s); // 0 <= rem < 2^s
    long half = 1L << (s - 1);
    if (rem > half || (rem == half && (q & 1) != 0)) {
      q++;
    }
    return q;
  }

  /**
   * Exact round to nearest even of the positive rational {@code n / d * 2^e2} onto {@code g}.
   *
   * @return the rounded value (positive, or +0)
   */
  static Value round(BigInteger n, BigInteger d, int e2, Grid g) {
    // k = floor(log2(value))
    int k = n.bitLength() - d.bitLength() + e2;
    if (compareWithPow2(n, d, e2, k) < 0) {
      k--;
    }
    if (!g.subnormals() && k < g.emin()) {
      return compareWithPow2(n, d, e2, g.emin() - 1) > 0
          ? Value.finite(BigInteger.ONE, g.emin())
          : Value.zero(false);
    }
    int qe = Math.max(k, g.emin()) - g.mantissaBits();
    int sh = e2 - qe;
    BigInteger num = sh >= 0 ? n.shiftLeft(sh) : n;
    BigInteger den = sh >= 0 ? d : d.shiftLeft(-sh);
    BigInteger[] qr = num.divideAndRemainder(den);
    BigInteger q = qr[0];
    int c = qr[1].shiftLeft(1).compareTo(den);
    if (c > 0 || (c == 0 && q.testBit(0))) {
      q = q.add(BigInteger.ONE);
    }
    return Value.finite(q, qe);
  }

  /** {@code floor(log2(a))} for a positive finite double, subnormals included. */
  static int floorLog2(double a) {
    int e = Math.getExponent(a);
    if (e >= Double.MIN_EXPONENT) {
      return e;
    }
    long bits = Double.doubleToRawLongBits(a);
    return -1075 + (64 - Long.numberOfLeadingZeros(bits));
  }

  /** Sign of (n * 2^e2 / d) - 2^p, for positive n, d. */
  private static int compareWithPow2(BigInteger n, BigInteger d, int e2, int p) {
    int sh = e2 - p;
    BigInteger lhs = sh >= 0 ? n.shiftLeft(sh) : n;
    BigInteger rhs = sh >= 0 ? d : d.shiftLeft(-sh);
    return lhs.compareTo(rhs);
  }
}
