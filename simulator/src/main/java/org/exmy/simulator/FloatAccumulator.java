package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A floating-point register rounded to nearest even after every cycle's addition.
 *
 * <p>Model twin of {@code org.exmy.mac.FloatAccumulatorUnit} (proof: FloatAccumulatorUnitTest,
 * testbenches).
 */
public final class FloatAccumulator extends Accumulator {
  private final AccumulatorKind.Floating kind;
  private final Rounding.Grid grid;
  private final double maxFinite;
  private final int productLsb;
  private double acc;

  FloatAccumulator(AccumulatorKind.Floating kind, int productLsb) {
    this.kind = kind;
    this.grid = kind.grid();
    this.maxFinite = kind.maxFinite();
    this.productLsb = productLsb;
  }

  @Override
  public int width() {
    return kind.width();
  }

  @Override
  public void clear() {
    acc = 0;
  }

  @Override
  public void add(int sig, int shift) {
    if (sig == 0 || Double.isInfinite(acc)) {
      return; // x + 0 = x (also +0 + 0 = +0); inf + finite = inf
    }
    addSmall(sig, shift);
  }

  /**
   * acc = round(acc + n * 2^(shift + productLsb)) for a non-zero |n| < 2^53 (exact as a double).
   */
  private void addSmall(long n, int shift) {
    double p = Math.scalb((double) n, shift + productLsb);
    if (Math.abs(p) >= 0x1p1000 || Math.abs(p) < 0x1p-1000) {
      addExact(BigInteger.valueOf(n), shift);
    } else {
      acc = settle(roundSum(acc, p, grid));
    }
  }

  @Override
  public void addLanes(int[] sig, int[] shift, int n) {
    if (Double.isInfinite(acc)) {
      return;
    }
    // the adder tree's exact sum, in units of 2^productLsb
    int minShift = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (sig[i] != 0) {
        minShift = Math.min(minShift, shift[i]);
      }
    }
    if (minShift == Integer.MAX_VALUE) {
      return;
    }
    // fast path: the lanes' exact sum fits a long with room (each |sig| < 2^31), and then a double
    long small = 0;
    boolean fits = true;
    for (int i = 0; i < n && fits; i++) {
      if (sig[i] != 0) {
        int up = shift[i] - minShift;
        fits = up <= 24;
        small += fits ? (long) sig[i] << up : 0;
      }
    }
    if (fits && Math.abs(small) < (1L << 53)) {
      if (small == 0) {
        acc = acc == 0 ? 0 : acc; // as the exact path: a zero register becomes +0
      } else {
        addSmall(small, minShift);
      }
      return;
    }
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      if (sig[i] != 0) {
        sum = sum.add(BigInteger.valueOf(sig[i]).shiftLeft(shift[i] - minShift));
      }
    }
    addExact(sum, minShift);
  }

  /** acc = round(acc + n * 2^(shift + productLsb)), exactly, by the rational rounding path. */
  private void addExact(BigInteger n, int shift) {
    BigDecimal exact =
        Value.of(acc).toBigDecimal().add(Value.finite(n, shift + productLsb).toBigDecimal());
    if (exact.signum() == 0) {
      acc = 0;
      return;
    }
    BigDecimal mag = exact.abs();
    BigInteger num = mag.unscaledValue();
    BigInteger den = BigInteger.ONE;
    if (mag.scale() > 0) {
      den = BigInteger.TEN.pow(mag.scale());
    } else {
      num = num.multiply(BigInteger.TEN.pow(-mag.scale()));
    }
    double d = Rounding.round(num, den, 0, grid).toDouble();
    acc = settle(exact.signum() < 0 ? -d : d);
  }

  /** Overflow of the rounded value gives inf of its sign. */
  private double settle(double r) {
    return Math.abs(r) > maxFinite ? Math.copySign(Double.POSITIVE_INFINITY, r) : r;
  }

  /**
   * Round to nearest even onto {@code g} of the exact sum {@code a + b} of two doubles: the double
   * sum is made round-to-odd from its exact error (TwoSum), then rounded onto {@code g}; with at
   * least two more bits in a double than in {@code g}, the double rounding is then exact (Boldo and
   * Melquiond). Returns +0 for an exact cancellation.
   */
  public static double roundSum(double a, double b, Rounding.Grid g) {
    double s = a + b;
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    if (err != 0 && (Double.doubleToRawLongBits(s) & 1) == 0) {
      s = err > 0 ? Math.nextUp(s) : Math.nextDown(s);
    }
    return Rounding.round(s, g);
  }

  /** The register's value as a double (exact: every grid value is a double). */
  public double doubleValue() {
    return acc;
  }

  @Override
  public long low64() {
    return encode(acc);
  }

  /** The IEEE-style bit pattern of {@code v}, which lies on the grid or is infinite. */
  long encode(double v) {
    long sign = Math.copySign(1.0, v) < 0 ? 1L << (kind.exponentBits() + kind.mantissaBits()) : 0;
    int m = kind.mantissaBits();
    double a = Math.abs(v);
    if (Double.isInfinite(a)) {
      return sign | ((long) ((1 << kind.exponentBits()) - 1) << m);
    }
    int emin = 1 - kind.bias();
    if (a < Math.scalb(1.0, emin)) {
      return sign | (long) Math.scalb(a, m - emin);
    }
    int k = Math.getExponent(a);
    long mant = (long) Math.scalb(a, m - k) - (1L << m);
    return sign | ((long) (k + kind.bias()) << m) | mant;
  }

  @Override
  public BigInteger bits() {
    return BigInteger.valueOf(low64());
  }

  @Override
  public Value value() {
    return Value.of(acc);
  }

  @Override
  public Value valueOf(BigInteger pattern) {
    int m = kind.mantissaBits();
    long bits = pattern.longValue();
    boolean neg = (bits >>> (kind.exponentBits() + m) & 1) != 0;
    int e = (int) ((bits >>> m) & ((1 << kind.exponentBits()) - 1));
    long man = bits & ((1L << m) - 1);
    if (e == (1 << kind.exponentBits()) - 1) {
      return man == 0 ? Value.inf(neg) : Value.nan();
    }
    long sig = e == 0 ? man : man | (1L << m);
    Value v = Value.finite(BigInteger.valueOf(neg ? -sig : sig), Math.max(e, 1) - kind.bias() - m);
    return sig == 0 ? Value.zero(neg) : v;
  }
}
