package org.exmy.simulator;

import java.math.BigInteger;

/**
 * A narrowed register: products rounded to {@code 2^lsbExponent}, saturating or wrapping.
 *
 * <p>Model twin of {@code org.exmy.mac.FixedAccumulatorUnit} (proof: FixedAccumulatorUnitTest,
 * testbenches).
 */
public final class FixedAccumulator extends Accumulator {
  private static final long BIG = 1L << 62;
  private final AccumulatorKind.Fixed kind;

  /** Bits dropped from each product: register LSB exponent minus the product quantum exponent. */
  private final int drop;

  private final long max;
  private final long min;
  private long acc;

  FixedAccumulator(AccumulatorKind.Fixed kind, int productLsb) {
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
      return s + 64 - Long.numberOfLeadingZeros(Math.abs(sig)) > 62
          ? (sig < 0 ? -BIG : BIG)
          : sig << s;
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
        wide =
            wide.add(
                s >= 0
                    ? BigInteger.valueOf(sig[i]).shiftLeft(s)
                    : BigInteger.valueOf(round(sig[i], shift[i])));
      }
      sum =
          kind.saturate()
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
