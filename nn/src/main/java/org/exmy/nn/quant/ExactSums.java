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
   * The exact sum of limb products {@code sum_{i,j} G_ij 2^((i+j)t)} of one output element, as
   * float32 times {@code 2^lsb}: accumulated in a 128-bit two's complement integer when it fits,
   * else in a BigInteger.
   */
  static final class Wide {
    private final boolean fits128;
    private long hi;
    private long lo;
    private BigInteger big;

    /** For limb shifts up to {@code maxShift} of partial sums below 2^53 (and up to {@code terms} of them). */
    Wide(int maxShift, int terms) {
      this.fits128 = maxShift + 53 + 32 - Integer.numberOfLeadingZeros(Math.max(1, terms)) < 126;
    }

    void clear() {
      hi = 0;
      lo = 0;
      big = fits128 ? null : BigInteger.ZERO;
    }

    /** Adds the exact integer {@code g} (|g| < 2^53) times {@code 2^shift}. */
    void add(double g, int shift) {
      long v = (long) g;
      if (v == 0) {
        return;
      }
      if (!fits128) {
        big = big.add(BigInteger.valueOf(v).shiftLeft(shift));
        return;
      }
      // v << shift as a 128-bit two's complement number
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
      long s = lo + addLo;
      long carry = Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
      lo = s;
      hi = hi + addHi + carry;
    }

    /** The float32 rounding (ties to even) of the sum times 2^lsb. */
    float toFloat(int lsb) {
      BigInteger v = fits128 ? to128(hi, lo) : big;
      return scaledFloat(v, lsb);
    }

    private static BigInteger to128(long hi, long lo) {
      return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
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
