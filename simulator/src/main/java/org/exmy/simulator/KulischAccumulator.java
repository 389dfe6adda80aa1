package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The exact register: {@code width} bits of two's complement, wrapping.
 *
 * <p>Model twin of {@code org.exmy.mac.KulischAccumulatorUnit} (proof: KulischAccumulatorUnitTest,
 * testbenches).
 */
public final class KulischAccumulator extends Accumulator {
  private final int width;
  private final int lsb;

  /** The register when width &le; 63, sign-extended. */
  private long acc;

  /**
   * The register when width &gt; 63: 64-bit limbs, little endian, sign-extended from bit width-1.
   */
  private final long[] limbs;

  KulischAccumulator(AccumulatorSpec geometry) {
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
    return v.testBit(64 * limbs.length - 1)
        ? v.subtract(BigInteger.ONE.shiftLeft(64 * limbs.length))
        : v;
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
