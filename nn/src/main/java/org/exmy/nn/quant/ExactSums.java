package org.exmy.nn.quant;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.exmy.nn.Fp32Kernel;

/**
 * Exact integer matrix products {@code S = A * B} of fixed-point operands (integers held in
 * floats or doubles), by the cheapest arithmetic that is provably exact for the operands' bound:
 *
 * <ul>
 *   <li>{@link Mode#FLOAT}: every partial sum below 2^24 in magnitude: the float32 kernel itself;
 *   <li>{@link Mode#DOUBLE}: below 2^53: the {@link DoubleKernel};
 *   <li>{@link Mode#LIMBS}: wider (e.g. E5M2, whose operands reach 2^33): each operand is split into
 *       limbs of T bits ({@code x = sum_i x_i 2^(iT)}, {@code 0 <= x_i < 2^T} but for the signed top
 *       limb), each limb pair multiplied exactly in doubles, and the partial products combined in
 *       128-bit (or BigInteger) arithmetic.
 * </ul>
 *
 * The result of each output element is returned as its float32 rounding (ties to even) times
 * {@code 2^lsb}: {@link #toFloat}.
 */
final class ExactSums {
  private ExactSums() {}

  /** Which arithmetic a product uses. */
  enum Mode {
    FLOAT,
    DOUBLE,
    LIMBS
  }

  /** The mode for products whose partial sums are bounded by {@code bound} in magnitude. */
  static Mode mode(double bound) {
    if (bound < 0x1p24) {
      return Mode.FLOAT;
    }
    return bound < 0x1p53 ? Mode.DOUBLE : Mode.LIMBS;
  }

  /** Bits of the largest |x| of an integer-valued bound, at least 1. */
  static int bits(double maxAbs) {
    return maxAbs < 1 ? 1 : Math.getExponent(maxAbs) + 1;
  }

  /** Limb width for a reduction of length k: {@code k * 2^(2T) < 2^53}. */
  static int limbBits(int k) {
    int logK = 32 - Integer.numberOfLeadingZeros(Math.max(1, k));
    return (52 - logK) / 2;
  }

  /** Limbs of width {@code t} needed for integers of {@code bits} bits plus sign. */
  static int limbs(int bits, int t) {
    return (bits + t) / t; // the top limb keeps the sign and stays below 2^t in magnitude
  }

  /** Limb {@code i} of {@code p} limbs of width {@code t} of the integer {@code x}. */
  static double limb(double x, int i, int p, int t) {
    double v = Math.floor(Math.scalb(x, -i * t)); // floor(x / 2^(it)), exact
    if (i == p - 1) {
      return v;
    }
    return v - Math.scalb(Math.floor(Math.scalb(v, -t)), t); // v mod 2^t, in [0, 2^t)
  }

  /** All limbs of an array. */
  static double[][] limbs(double[] x, int p, int t) {
    double[][] out = new double[p][x.length];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < x.length; j++) {
        out[i][j] = limb(x[j], i, p, t);
      }
    }
    return out;
  }

  /** FLOAT mode: {@code s = A * B} by the float32 kernel (exact under the bound). */
  static void floatProduct(float[] a, int aOff, float[] b, int bOff, float[] s, int m, int k, int n) {
    Fp32Kernel.INSTANCE.multiply(a, aOff, b, bOff, s, 0, m, k, n);
  }

  /**
   * The exact sums of limb products {@code sum_{i,j} G_ij 2^((i+j)t)} of a block of output
   * elements: 128-bit two's complement integers (two longs each) when they fit, else BigIntegers.
   */
  static final class WideSums {
    private final boolean fits128;
    private final long[] hi;
    private final long[] lo;
    private final BigInteger[] big;

    /** {@code size} sums of up to {@code terms} partial sums below 2^53, shifted by at most {@code maxShift}. */
    WideSums(int size, int maxShift, int terms) {
      this.fits128 = maxShift + 53 + 32 - Integer.numberOfLeadingZeros(Math.max(1, terms)) < 126;
      hi = fits128 ? new long[size] : null;
      lo = fits128 ? new long[size] : null;
      big = fits128 ? null : new BigInteger[size];
      if (!fits128) {
        java.util.Arrays.fill(big, BigInteger.ZERO);
      }
    }

    /** Adds the exact integers {@code g[e]} (|g| < 2^53) times {@code 2^shift} to sum e, for every e. */
    void add(double[] g, int shift) {
      for (int e = 0; e < (fits128 ? lo.length : big.length); e++) {
        long v = (long) g[e];
        if (v == 0) {
          continue;
        }
        if (!fits128) {
          big[e] = big[e].add(BigInteger.valueOf(v).shiftLeft(shift));
          continue;
        }
        long addLo;
        long addHi;
        if (shift == 0) {
          addLo = v;
          addHi = v >> 63;
        } else if (shift < 64) {
          addLo = v << shift;
          addHi = v >> (64 - shift);
        } else {
          addLo = 0;
          addHi = v << (shift - 64);
        }
        long sum = lo[e] + addLo;
        hi[e] += addHi + (Long.compareUnsigned(sum, lo[e]) < 0 ? 1 : 0);
        lo[e] = sum;
      }
    }

    /** The float32 rounding (ties to even) of sum e times 2^lsb. */
    float toFloat(int e, int lsb) {
      if (!fits128) {
        return scaledFloat(big[e], lsb);
      }
      long h = hi[e];
      long l = lo[e];
      if ((h == 0 && l >= 0) || (h == -1 && l < 0)) {
        return windowFloat(l, false, 0, lsb);
      }
      boolean neg = h < 0;
      if (neg) { // the magnitude, as a 128-bit number
        l = ~l + 1;
        h = ~h + (l == 0 ? 1 : 0);
      }
      int bl = h == 0 ? 64 - Long.numberOfLeadingZeros(l) : 128 - Long.numberOfLeadingZeros(h);
      int drop = bl - 62; // keep the top 62 bits
      long window;
      boolean sticky;
      if (drop >= 64) {
        window = h >>> (drop - 64);
        sticky = l != 0 || (h & ((1L << (drop - 64)) - 1)) != 0;
      } else {
        window = (h << (64 - drop)) | (l >>> drop);
        sticky = (l & ((1L << drop) - 1)) != 0;
      }
      return windowFloat(window | (sticky ? 1 : 0), neg, drop, lsb);
    }

    /**
     * The float32 of {@code +-(window * 2^(drop + lsb))} for a window of at most 62 bits whose bit 0
     * carries the sticky bit of anything dropped; exact BigDecimal conversion outside the normal range.
     */
    private static float windowFloat(long window, boolean neg, int drop, int lsb) {
      if (window == 0) {
        return 0f;
      }
      long mag = Math.abs(window);
      int exp = 63 - Long.numberOfLeadingZeros(mag) + drop + lsb;
      if (exp < -125 || exp > 126) {
        BigInteger v = BigInteger.valueOf(window).shiftLeft(drop);
        return ExactSums.scaledFloat(neg ? v.negate() : v, lsb);
      }
      float f = Math.scalb((float) window, drop + lsb);
      return neg ? -f : f;
    }
  }

  /**
   * Round to nearest even float32 of {@code v * 2^lsb}. The top 62 bits of |v| with a sticky bit
   * for the rest round to the same float as v itself (the rounding position is at least 38 bits
   * below their top); scaling that float by a power of two is exact while the result is a normal
   * float; outside that range the exact BigDecimal conversion is used.
   */
  static float scaledFloat(BigInteger v, int lsb) {
    if (v.signum() == 0) {
      return 0f;
    }
    int bl = v.bitLength();
    int exp = bl - 1 + lsb; // floor(log2 |value|)
    if (exp < -125 || exp > 126) {
      BigDecimal scaled = new BigDecimal(v).multiply(lsb >= 0 ? BigDecimal.valueOf(2).pow(lsb)
          : BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(-lsb)));
      return scaled.floatValue();
    }
    BigInteger mag = v.abs();
    int drop = Math.max(0, bl - 62);
    long window = mag.shiftRight(drop).longValueExact();
    if (drop > 0 && mag.getLowestSetBit() < drop) {
      window |= 1; // sticky: the dropped bits are not all zero
    }
    float f = Math.scalb((float) window, drop + lsb);
    return v.signum() < 0 ? -f : f;
  }
}
