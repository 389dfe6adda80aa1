package org.exmy.nn.quant;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.exmy.nn.Fp32Kernel;

/**
 * Exact integer matrix products {@code S = A * B} of fixed-point operands (integers held in floats
 * or doubles), rounded once to float32, by the cheapest arithmetic that is provably right:
 *
 * <ul>
 *   <li>{@link Mode#FLOAT}: every partial sum below 2^24 in magnitude: the float32 kernel itself
 *       (every product and addition exact; a fused multiply-add's exact result is such an integer
 *       too, so it does not round either; the bound is on the sum of |products|, so it holds for
 *       every partial sum in every order and blocking);
 *   <li>{@link Mode#DOUBLE}: below 2^53: the {@link DoubleKernel} or its vectorized twin {@link
 *       DoubleGemm} (fused multiply-adds, blocked: any order is exact), likewise exact; or, when
 *       every sum of {@link #floatBlock} products is surely below 2^24 (INT8: 1,023 products of at
 *       most 128 * 128; taken as 768), float32 products over blocks of that many reduction steps
 *       (each exact, as in the FLOAT mode) added in double (exact below 2^53);
 *   <li>{@link Mode#FILTERED}: wider (e.g. E5M2, whose operands reach 2^33): the double kernel's
 *       sum {@code s}, whose products are exact and whose k-1 additions each round, is within
 *       {@code E = (k+1) u sum|a_k b_k|} of the exact sum (u = 2^-53; Higham, Accuracy and
 *       Stability of Numerical Algorithms, 2nd ed., (4.4)); with {@code sum|a_k b_k| <= sum|a_k| *
 *       max|b|}: when {@code s - E} and {@code s + E} round to the same float32, so does the exact
 *       sum (rounding is monotonic), else that element is summed exactly in BigInteger.
 * </ul>
 */
final class ExactSums {
  private ExactSums() {}

  /** Which arithmetic a product uses. */
  enum Mode {
    FLOAT,
    DOUBLE,
    FILTERED
  }

  /** The mode for products whose partial sums are bounded by {@code bound} in magnitude. */
  static Mode mode(double bound) {
    if (bound < 0x1p24) {
      return Mode.FLOAT;
    }
    return bound < 0x1p53 ? Mode.DOUBLE : Mode.FILTERED;
  }

  /**
   * The block length of the DOUBLE mode's float blocks for products bounded by {@code maxProduct}
   * in magnitude: the most terms whose sum stays below 2^24 (so a float32 product over a block is
   * exact, in any order), rounded down to a multiple of 256; 0 when that is under 256 (E4M3's
   * products reach 2^35.6: the double kernel) or without the vector module.
   */
  static int floatBlock(double maxProduct) {
    if (!org.exmy.nn.Fp32Kernel.VECTOR || !(maxProduct >= 1)) {
      return 0;
    }
    double terms = Math.floor((0x1p24 - 1) / maxProduct);
    return terms < 256 ? 0 : (int) Math.min(1 << 20, Math.floor(terms / 256) * 256);
  }

  /** Bits of the largest |x| of an integer-valued bound, at least 1. */
  static int bits(double maxAbs) {
    return maxAbs < 1 ? 1 : Math.getExponent(maxAbs) + 1;
  }

  /** FLOAT mode: {@code s = A * B} by the float32 kernel (exact under the bound). */
  static void floatProduct(
      float[] a, int aOff, float[] b, int bOff, float[] s, int m, int k, int n) {
    Fp32Kernel.INSTANCE.multiply(a, aOff, b, bOff, s, 0, m, k, n);
  }

  /**
   * FILTERED mode, one element: the float32 of {@code S * 2^lsb} from the double sum {@code s} of k
   * exact products with {@code sum|a_k b_k| <= absBound}; NaN when the error interval straddles a
   * float32 rounding boundary (then sum the element exactly).
   */
  static float filtered(double s, int k, double absBound, int lsb) {
    double e =
        (k + 1)
            * 0x1p-53
            * absBound
            * (1 + 0x1p-40); // the last factor covers this line's roundings
    if (e == 0) {
      return (float) Math.scalb(s, lsb); // every product is 0, so is s: +0
    }
    float lo = (float) Math.scalb(Math.nextDown(s - e), lsb);
    float hi = (float) Math.scalb(Math.nextUp(s + e), lsb);
    return Float.floatToRawIntBits(lo) == Float.floatToRawIntBits(hi) ? lo : Float.NaN;
  }

  /**
   * The float32 of {@code 2^lsb} times the exact sum of the k products {@code a[t] * b[t]} of
   * integer-valued doubles: in 128-bit two's complement arithmetic when {@code fitsLong} (every
   * operand below 2^62 and the sum provably below 2^127), else in BigInteger.
   */
  static float exactDotFloat(
      double[] a,
      int aOff,
      int aStride,
      double[] b,
      int bOff,
      int bStride,
      int k,
      int lsb,
      boolean fitsLong) {
    if (!fitsLong) {
      return scaledFloat(exactDot(a, aOff, aStride, b, bOff, bStride, k), lsb);
    }
    long hi = 0;
    long lo = 0;
    for (int t = 0; t < k; t++) {
      long x = (long) a[aOff + t * aStride];
      long y = (long) b[bOff + t * bStride];
      if (x == 0 || y == 0) {
        continue;
      }
      long pLo = x * y;
      long pHi = Math.multiplyHigh(x, y);
      long sum = lo + pLo;
      hi += pHi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
      lo = sum;
    }
    return scaledFloat(
        BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo))), lsb);
  }

  /** The exact sum of {@code a[i] * b[j]} pairs, integer-valued doubles, as a BigInteger. */
  static BigInteger exactDot(
      double[] a, int aOff, int aStride, double[] b, int bOff, int bStride, int k) {
    BigInteger sum = BigInteger.ZERO;
    for (int t = 0; t < k; t++) {
      double x = a[aOff + t * aStride];
      double y = b[bOff + t * bStride];
      if (x != 0 && y != 0) {
        sum =
            sum.add(
                new BigDecimal(x)
                    .toBigIntegerExact()
                    .multiply(new BigDecimal(y).toBigIntegerExact()));
      }
    }
    return sum;
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
      BigDecimal scaled =
          new BigDecimal(v)
              .multiply(
                  lsb >= 0
                      ? BigDecimal.valueOf(2).pow(lsb)
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
