package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The accumulator register of a MAC, as a model: one of the {@link AccumulatorKind}s, fed with
 * exact products {@code sig * 2^shift} in units of {@code 2^productLsb} (the product quantum of
 * the operand formats, {@link AccumulatorSpec#lsbExponent()}). A cycle of an N-lane core adds the
 * exact sum of its N products ({@link #addLanes}); a one-lane cycle adds one ({@link #add}).
 *
 * <p>The register's bit pattern ({@link #bits()}, {@link #low64()}) is what the core drives on
 * {@code io_acc}: a two's complement integer for the fixed-point kinds, an IEEE-style encoding for
 * the floating-point kind. Not thread-safe.
 */
public abstract sealed class Accumulator
    permits Accumulator.Kulisch, Accumulator.FixedPoint, Accumulator.FloatingPoint {

  /** The model of {@code kind} for products in units of {@code 2^geometry.lsbExponent()}. */
  public static Accumulator of(AccumulatorKind kind, AccumulatorSpec geometry) {
    if (kind instanceof AccumulatorKind.Exact) {
      return new Kulisch(geometry);
    }
    if (kind instanceof AccumulatorKind.Fixed f) {
      return new FixedPoint(f, geometry.lsbExponent());
    }
    return new FloatingPoint((AccumulatorKind.Floating) kind, geometry.lsbExponent());
  }

  /** Register width in bits (the width of {@code io_acc}). */
  public abstract int width();

  /** Back to zero. */
  public abstract void clear();

  /** Adds one product {@code sig * 2^shift} (units of the product quantum). */
  public abstract void add(int sig, int shift);

  /** Adds the exact sum of {@code n} products in one cycle. */
  public abstract void addLanes(int[] sig, int[] shift, int n);

  /** The low 64 bits of the register pattern (all of it when {@link #width()} &le; 64). */
  public abstract long low64();

  /** The register pattern as an unsigned integer. */
  public abstract BigInteger bits();

  /** 32-bit word {@code k} (0 = least significant) of the register pattern; 0 beyond the width. */
  public int word(int k) {
    if (32 * k >= width()) {
      return 0;
    }
    long limb = limb(k >>> 1);
    int w = (int) (limb >>> (32 * (k & 1)));
    int used = width() - 32 * k; // bits of this word inside the register
    return used >= 32 ? w : w & ((1 << used) - 1);
  }

  /** 64-bit limb {@code i} of the register pattern (beyond the width: anything). */
  long limb(int i) {
    return i == 0 ? low64() : 0;
  }

  /** The exact value of the register (finite, or &plusmn;inf for a floating-point overflow). */
  public abstract Value value();

  /** The value a register pattern stands for (to read a core's {@code io_acc}). */
  public abstract Value valueOf(BigInteger pattern);

  /** A {@code width}-bit pattern as a two's complement integer. */
  static BigInteger signed(BigInteger pattern, int width) {
    return pattern.testBit(width - 1) ? pattern.subtract(BigInteger.ONE.shiftLeft(width)) : pattern;
  }

  // ------------------------------------------------------------------ exact (Kulisch)

  /** The exact register: {@code width} bits of two's complement, wrapping. */
  public static final class Kulisch extends Accumulator {
    private final int width;
    private final int lsb;
    /** The register when width &le; 63, sign-extended. */
    private long acc;
    /** The register when width &gt; 63: 64-bit limbs, little endian, sign-extended from bit width-1. */
    private final long[] limbs;

    Kulisch(AccumulatorSpec geometry) {
      this.width = geometry.width();
      this.lsb = geometry.lsbExponent();
      this.limbs = width > 63 ? new long[(width + 63) / 64] : null;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public void clear() {
      acc = 0;
      if (limbs != null) {
        Arrays.fill(limbs, 0);
      }
    }

    /** Adds {@code v} (already in units of the LSB) to a register of at most 63 bits. */
    public void addFixed(long v) {
      acc = wrap(acc + v);
    }

    private long wrap(long v) {
      return (v << (64 - width)) >> (64 - width);
    }

    @Override
    public void add(int sig, int shift) {
      if (limbs == null) {
        acc = wrap(acc + ((long) sig << shift));
      } else {
        addWide(sig, shift);
        normalizeTop();
      }
    }

    @Override
    public void addLanes(int[] sig, int[] shift, int n) {
      if (limbs == null) {
        long sum = acc;
        for (int i = 0; i < n; i++) {
          sum += (long) sig[i] << shift[i]; // modulo 2^64, then modulo 2^width: the same wrap
        }
        acc = wrap(sum);
      } else {
        for (int i = 0; i < n; i++) {
          addWide(sig[i], shift[i]);
        }
        normalizeTop();
      }
    }

    /** Adds the sign-extended {@code sig << shift} to the limbs, modulo 2^(64 * limbs). */
    private void addWide(long sig, int shift) {
      if (sig == 0) {
        return;
      }
      int w = shift >>> 6;
      int b = shift & 63;
      long lo = sig << b;
      long hi = b == 0 ? sig >> 63 : sig >> (64 - b);
      long ext = sig >> 63;
      long carry = 0;
      for (int i = w; i < limbs.length; i++) {
        long add = i == w ? lo : i == w + 1 ? hi : ext;
        long x = limbs[i];
        long s = x + add;
        long c1 = Long.compareUnsigned(s, x) < 0 ? 1 : 0;
        long s2 = s + carry;
        long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
        limbs[i] = s2;
        carry = c1 + c2;
        if (i > w + 1 && ext == 0 && carry == 0) {
          break; // nothing more to propagate
        }
      }
    }

    /** Wraps to {@code width} bits: sign-extends the top limb from bit width-1. */
    private void normalizeTop() {
      int top = limbs.length - 1;
      int used = width - 64 * top; // 1..64 bits of the top limb belong to the register
      limbs[top] = (limbs[top] << (64 - used)) >> (64 - used);
    }

    /** The signed register value. */
    public BigInteger signedValue() {
      if (limbs == null) {
        return BigInteger.valueOf(acc);
      }
      BigInteger v = BigInteger.ZERO;
      for (int i = limbs.length - 1; i >= 0; i--) {
        v = v.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limbs[i])));
      }
      return v.testBit(64 * limbs.length - 1) ? v.subtract(BigInteger.ONE.shiftLeft(64 * limbs.length)) : v;
    }

    @Override
    public long low64() {
      return limbs == null ? acc & (-1L >>> (64 - width)) : limbs[0];
    }

    @Override
    long limb(int i) {
      return limbs == null ? (i == 0 ? acc : acc >> 63) : limbs[i];
    }

    @Override
    public BigInteger bits() {
      return signedValue().and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
    }

    @Override
    public Value value() {
      return Value.finite(signedValue(), lsb);
    }

    @Override
    public Value valueOf(BigInteger pattern) {
      return Value.finite(signed(pattern, width), lsb);
    }
  }

  // ------------------------------------------------------------------ narrowed fixed point

  /** A narrowed register: products rounded to {@code 2^lsbExponent}, saturating or wrapping. */
  public static final class FixedPoint extends Accumulator {
    private static final long BIG = 1L << 62;
    private final AccumulatorKind.Fixed kind;
    /** Bits dropped from each product: register LSB exponent minus the product quantum exponent. */
    private final int drop;
    private final long max;
    private final long min;
    private long acc;

    FixedPoint(AccumulatorKind.Fixed kind, int productLsb) {
      this.kind = kind;
      this.drop = kind.lsbExponent() - productLsb;
      this.max = (1L << (kind.width() - 1)) - 1;
      this.min = -(1L << (kind.width() - 1));
    }

    @Override
    public int width() {
      return kind.width();
    }

    @Override
    public void clear() {
      acc = 0;
    }

    /**
     * The product {@code sig * 2^shift} rounded to the register's LSB; when it does not fit in
     * &plusmn;2^62 it is clamped there (the saturating register cannot tell the difference; the
     * wrapping one gets the value modulo 2^64, which is all it keeps).
     */
    long round(long sig, int shift) {
      int s = shift - drop;
      if (s >= 0) {
        if (!kind.saturate()) {
          return s >= 64 ? 0 : sig << s;
        }
        if (sig == 0) {
          return 0;
        }
        return s + 64 - Long.numberOfLeadingZeros(Math.abs(sig)) > 62 ? (sig < 0 ? -BIG : BIG) : sig << s;
      }
      return kind.nearestEven() ? Rounding.shiftRight(sig, -s) : sig >> Math.min(-s, 63);
    }

    private long settle(long v) {
      if (kind.saturate()) {
        return Math.max(min, Math.min(max, v));
      }
      int w = kind.width();
      return (v << (64 - w)) >> (64 - w);
    }

    @Override
    public void add(int sig, int shift) {
      acc = settle(acc + round(sig, shift));
    }

    @Override
    public void addLanes(int[] sig, int[] shift, int n) {
      long sum = 0;
      boolean exact = true;
      for (int i = 0; i < n && exact; i++) {
        long r = round(sig[i], shift[i]);
        long t = sum + r;
        exact = Math.abs(r) < BIG && ((sum ^ t) & (r ^ t)) >= 0; // no clamp, no overflow
        sum = t;
      }
      if (!exact) {
        // a product beyond 2^62: the adder tree's exact sum, then what the register keeps of it
        BigInteger wide = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
          int s = shift[i] - drop;
          wide = wide.add(s >= 0
              ? BigInteger.valueOf(sig[i]).shiftLeft(s)
              : BigInteger.valueOf(round(sig[i], shift[i])));
        }
        sum = kind.saturate()
            ? (wide.bitLength() > 62 ? (wide.signum() < 0 ? -BIG : BIG) : wide.longValue())
            : wide.longValue(); // modulo 2^64, then modulo 2^width
      } else if (kind.saturate()) {
        // an exact sum may reach 2^63 - 2 (two products just below 2^62): clamp it to +-2^62 so
        // that acc + sum cannot overflow a long (|acc| < 2^61, so the saturated result is the same)
        sum = Math.max(-BIG, Math.min(BIG, sum));
      }
      acc = settle(acc + sum);
    }

    /** The signed register value, in units of {@code 2^lsbExponent}. */
    public long signedValue() {
      return acc;
    }

    @Override
    public long low64() {
      return acc & (-1L >>> (64 - kind.width()));
    }

    @Override
    public BigInteger bits() {
      return BigInteger.valueOf(low64());
    }

    @Override
    public Value value() {
      return Value.finite(BigInteger.valueOf(acc), kind.lsbExponent());
    }

    @Override
    public Value valueOf(BigInteger pattern) {
      return Value.finite(signed(pattern, kind.width()), kind.lsbExponent());
    }
  }

  // ------------------------------------------------------------------ rounding floating point

  /** A floating-point register rounded to nearest even after every cycle's addition. */
  public static final class FloatingPoint extends Accumulator {
    private final AccumulatorKind.Floating kind;
    private final Rounding.Grid grid;
    private final double maxFinite;
    private final int productLsb;
    private double acc;

    FloatingPoint(AccumulatorKind.Floating kind, int productLsb) {
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

    /** acc = round(acc + n * 2^(shift + productLsb)) for a non-zero |n| < 2^53 (exact as a double). */
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
      BigDecimal exact = Value.of(acc).toBigDecimal().add(Value.finite(n, shift + productLsb).toBigDecimal());
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
     * least two more bits in a double than in {@code g}, the double rounding is then exact
     * (Boldo and Melquiond). Returns +0 for an exact cancellation.
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
}
