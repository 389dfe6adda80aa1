package org.exmy.testbench;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.exmy.simulator.AccumulatorKind;

/**
 * What an accumulator register should hold, computed in BigDecimal from the decoded products and
 * the textual definition of each {@link AccumulatorKind}, without the model's code: the model-free
 * side of {@link WorstCaseOracle}. Also reads a core's {@code io_acc} pattern back into a value.
 */
abstract class ReferenceSum {
  /** A register value: finite ({@code inf == 0}), or +inf (1) / -inf (-1), or NaN (2). */
  record Reading(BigDecimal value, int inf) {
    boolean sameAs(Reading o) {
      return inf == o.inf && (inf != 0 || value.compareTo(o.value) == 0);
    }

    @Override
    public String toString() {
      return inf == 2
          ? "nan"
          : inf > 0 ? "+inf" : inf < 0 ? "-inf" : value.stripTrailingZeros().toPlainString();
    }
  }

  /**
   * The reference of {@code kind}; the exact kind with its LSB {@code 2^exactLsb} and {@code
   * width}.
   */
  static ReferenceSum of(AccumulatorKind kind, int exactLsb, int width) {
    if (kind instanceof AccumulatorKind.Fixed f) {
      return new Fixed(f);
    }
    if (kind instanceof AccumulatorKind.Floating f) {
      return new Floating(f);
    }
    return new Exact(exactLsb, width);
  }

  /** Back to zero. */
  abstract void clear();

  /** One cycle adding the exact products {@code p} (a cycle with no product adds nothing). */
  abstract void add(BigDecimal[] p);

  /** The register now. */
  abstract Reading now();

  /** The value of a register pattern of the core. */
  abstract Reading read(BigInteger pattern);

  static BigDecimal pow2(int k) {
    BigDecimal two = BigDecimal.valueOf(2);
    return k >= 0 ? two.pow(k) : BigDecimal.ONE.divide(two.pow(-k), MathContext.UNLIMITED);
  }

  static BigInteger signed(BigInteger pattern, int width) {
    return pattern.testBit(width - 1) ? pattern.subtract(BigInteger.ONE.shiftLeft(width)) : pattern;
  }

  /** The exact sum, no wrap: the register must be wide enough for the run. */
  private static final class Exact extends ReferenceSum {
    private final int lsb;
    private final int width;
    private BigDecimal sum = BigDecimal.ZERO;

    Exact(int lsb, int width) {
      this.lsb = lsb;
      this.width = width;
    }

    @Override
    void clear() {
      sum = BigDecimal.ZERO;
    }

    @Override
    void add(BigDecimal[] p) {
      for (BigDecimal x : p) sum = sum.add(x);
    }

    @Override
    Reading now() {
      return new Reading(sum, 0);
    }

    @Override
    Reading read(BigInteger pattern) {
      return new Reading(new BigDecimal(signed(pattern, width)).multiply(pow2(lsb)), 0);
    }
  }

  /**
   * Each product divided by the LSB weight and rounded to an integer (half-even or floor), the
   * cycle's integers summed, added to the register, then clamped to its range or reduced modulo
   * 2^width into it.
   */
  private static final class Fixed extends ReferenceSum {
    private final AccumulatorKind.Fixed kind;
    private final BigDecimal unit;
    private final BigInteger max;
    private final BigInteger min;
    private BigInteger acc = BigInteger.ZERO;

    Fixed(AccumulatorKind.Fixed kind) {
      this.kind = kind;
      this.unit = pow2(kind.lsbExponent());
      this.max = BigInteger.ONE.shiftLeft(kind.width() - 1).subtract(BigInteger.ONE);
      this.min = BigInteger.ONE.shiftLeft(kind.width() - 1).negate();
    }

    @Override
    void clear() {
      acc = BigInteger.ZERO;
    }

    @Override
    void add(BigDecimal[] p) {
      BigInteger sum = BigInteger.ZERO;
      for (BigDecimal x : p) {
        sum =
            sum.add(
                x.divide(unit)
                    .setScale(0, kind.nearestEven() ? RoundingMode.HALF_EVEN : RoundingMode.FLOOR)
                    .toBigIntegerExact());
      }
      acc = acc.add(sum);
      if (kind.saturate()) {
        acc = acc.max(min).min(max);
      } else {
        acc = acc.subtract(min).mod(BigInteger.ONE.shiftLeft(kind.width())).add(min);
      }
    }

    @Override
    Reading now() {
      return new Reading(new BigDecimal(acc).multiply(unit), 0);
    }

    @Override
    Reading read(BigInteger pattern) {
      return new Reading(new BigDecimal(signed(pattern, kind.width())).multiply(unit), 0);
    }
  }

  /**
   * The register plus the cycle's exact products, rounded to nearest (ties to the even significand)
   * on the grid of E exponent and M mantissa bits with subnormals; beyond the largest finite value,
   * &plusmn;inf, which stays until a clear.
   */
  private static final class Floating extends ReferenceSum {
    private final int e;
    private final int m;
    private final int emin;
    private final BigDecimal maxFinite;
    private BigDecimal acc = BigDecimal.ZERO;
    private int inf;

    Floating(AccumulatorKind.Floating kind) {
      this.e = kind.exponentBits();
      this.m = kind.mantissaBits();
      int bias = (1 << (e - 1)) - 1;
      this.emin = 1 - bias;
      int emax = (1 << e) - 2 - bias;
      // (2 - 2^-M) * 2^emax
      this.maxFinite = BigDecimal.valueOf(2).subtract(pow2(-m)).multiply(pow2(emax));
    }

    @Override
    void clear() {
      acc = BigDecimal.ZERO;
      inf = 0;
    }

    @Override
    void add(BigDecimal[] p) {
      boolean any = false;
      BigDecimal x = acc;
      for (BigDecimal v : p) {
        any |= v.signum() != 0;
        x = x.add(v);
      }
      if (inf != 0 || !any) {
        return;
      }
      BigDecimal r = round(x.abs());
      if (r.compareTo(maxFinite) > 0) {
        inf = x.signum();
      } else {
        acc = x.signum() < 0 ? r.negate() : r;
      }
    }

    /** Nearest multiple of 2^(max(floor(log2 a), emin) - M), ties to the even multiple. */
    private BigDecimal round(BigDecimal a) {
      if (a.signum() == 0) {
        return a;
      }
      // an estimate of floor(log2 a) from the digits, a = unscaled * 10^-scale, then exact steps
      int k = a.unscaledValue().bitLength() - (int) Math.round(a.scale() * 3.321928094887362);
      while (pow2(k).compareTo(a) > 0) k--;
      while (pow2(k + 1).compareTo(a) <= 0) k++;
      int q = Math.max(k, emin) - m;
      BigDecimal n = a.divide(pow2(q)).setScale(0, RoundingMode.HALF_EVEN);
      return n.multiply(pow2(q));
    }

    @Override
    Reading now() {
      return new Reading(acc, inf);
    }

    @Override
    Reading read(BigInteger pattern) {
      boolean neg = pattern.testBit(e + m);
      int ef = pattern.shiftRight(m).intValue() & ((1 << e) - 1);
      BigInteger man = pattern.and(BigInteger.ONE.shiftLeft(m).subtract(BigInteger.ONE));
      if (ef == (1 << e) - 1) {
        // NaN cannot arise: read it as a value no reference equals
        return man.signum() == 0 ? new Reading(null, neg ? -1 : 1) : new Reading(null, 2);
      }
      BigInteger sig = ef == 0 ? man : man.setBit(m);
      BigDecimal v = new BigDecimal(sig).multiply(pow2(Math.max(ef, 1) - ((1 << (e - 1)) - 1) - m));
      return new Reading(neg ? v.negate() : v, 0);
    }
  }
}
