package org.exmy.simulator;

import java.math.BigInteger;

/**
 * The accumulator register of a MAC, as a model: one of the {@link AccumulatorKind}s, fed with
 * exact products {@code sig * 2^shift} in units of {@code 2^productLsb} (the product quantum of the
 * operand formats, {@link AccumulatorSpec#lsbExponent()}). A cycle of an N-lane core adds the exact
 * sum of its N products ({@link #addLanes}); a one-lane cycle adds one ({@link #add}).
 *
 * <p>The register's bit pattern ({@link #bits()}, {@link #low64()}) is what the core drives on
 * {@code io_acc}: a two's complement integer for the fixed-point kinds, an IEEE-style encoding for
 * the floating-point kind. Not thread-safe.
 *
 * <p>Model twin of {@code org.exmy.mac.AccumulatorUnit} (proofs: KulischAccumulatorUnitTest,
 * FixedAccumulatorUnitTest, FloatAccumulatorUnitTest).
 */
public abstract sealed class Accumulator
    permits KulischAccumulator, FixedAccumulator, FloatAccumulator {

  /** The model of {@code kind} for products in units of {@code 2^geometry.lsbExponent()}. */
  public static Accumulator of(AccumulatorKind kind, AccumulatorSpec geometry) {
    if (kind instanceof AccumulatorKind.Exact) {
      return new KulischAccumulator(geometry);
    }
    if (kind instanceof AccumulatorKind.Fixed f) {
      return new FixedAccumulator(f, geometry.lsbExponent());
    }
    return new FloatAccumulator((AccumulatorKind.Floating) kind, geometry.lsbExponent());
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
}
