package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Encode checked against a brute-force reference: nearest representable value by exact BigDecimal
 * distance to every finite code, ties to the even mantissa, and the overflow rule.
 */
class EncodeProperties {

  static final List<FloatFormat> FORMATS = new ArrayList<>();

  static {
    for (NumberFormat f : Formats.catalogue()) {
      if (f instanceof FloatFormat) {
        FORMATS.add((FloatFormat) f);
      }
    }
    for (String n :
        List.of(
            "float8_e5m2fnuz",
            "float8_e3m4",
            "float8_e4m3",
            "float8_e4m3b11fnuz",
            "E4M3:subnormals=off",
            "E3M2:bias=5:specials=fn",
            "E2M2:specials=fnuz:subnormals=off",
            "E5M2:specials=ieee:subnormals=off",
            "E1M2",
            "E3M3:bias=-2")) {
      FORMATS.add((FloatFormat) Formats.parse(n));
    }
  }

  private static final java.util.Map<FloatFormat, List<Integer>> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Positive finite codes with distinct values, ascending by value. */
  static List<Integer> positiveCodes(FloatFormat f) {
    return CACHE.computeIfAbsent(f, EncodeProperties::computePositiveCodes);
  }

  private static List<Integer> computePositiveCodes(FloatFormat f) {
    List<Integer> codes = new ArrayList<>();
    List<BigDecimal> seen = new ArrayList<>();
    for (int c = 0; c < f.codeCount() / 2; c++) {
      Ref.R r = Ref.decode(f, c);
      if (!r.kind().equals("finite")) {
        continue;
      }
      boolean dup = false;
      for (BigDecimal s : seen) {
        dup |= s.compareTo(r.value()) == 0;
      }
      if (!dup) {
        seen.add(r.value());
        codes.add(c);
      }
    }
    codes.sort((a, b) -> Ref.decode(f, a).value().compareTo(Ref.decode(f, b).value()));
    return codes;
  }

  /** Reference encoder. */
  static int expected(FloatFormat f, BigDecimal x, boolean neg, Overflow p) {
    int signMask = 1 << (f.bits() - 1);
    BigDecimal ax = x.abs();
    List<Integer> codes = positiveCodes(f);
    int maxCode = codes.get(codes.size() - 1);
    BigDecimal max = Ref.decode(f, maxCode).value();
    // Next grid point above max in an unbounded exponent range: max + 2^(floor(log2 max) - M).
    int k = 0;
    while (Ref.pow2(k + 1).compareTo(max) <= 0) {
      k++;
    }
    while (Ref.pow2(k).compareTo(max) > 0) {
      k--;
    }
    BigDecimal mid = max.add(Ref.pow2(k - f.mantissaBits()).divide(Ref.TWO));
    int c = ax.compareTo(mid);
    boolean maxOdd = (maxCode & 1) == 1;
    if (c > 0 || (c == 0 && maxOdd)) {
      if (p == Overflow.SATURATE) {
        return neg ? maxCode | signMask : maxCode;
      }
      int eAll = ((1 << f.exponentBits()) - 1) << f.mantissaBits();
      switch (f.specials()) {
        case IEEE:
          return neg ? eAll | signMask : eAll;
        case FN:
          int nan = eAll | ((1 << f.mantissaBits()) - 1);
          return neg ? nan | signMask : nan;
        case FNUZ:
          return signMask;
        default:
          return neg ? maxCode | signMask : maxCode;
      }
    }
    int best = -1;
    BigDecimal bestDist = null;
    for (int code : codes) {
      BigDecimal d = Ref.decode(f, code).value().subtract(ax).abs();
      int cmp = bestDist == null ? -1 : d.compareTo(bestDist);
      if (cmp < 0) {
        best = code;
        bestDist = d;
      } else if (cmp == 0) {
        // tie: even mantissa wins; if both even (0 vs min normal with subnormals off) zero wins
        boolean bestEven = (best & 1) == 0;
        boolean thisEven = (code & 1) == 0;
        if (thisEven && !bestEven) {
          best = code;
        }
      }
    }
    boolean zero = Ref.decode(f, best).value().signum() == 0;
    if (zero) {
      return neg && f.specials() != Specials.FNUZ ? signMask : 0;
    }
    return neg ? best | signMask : best;
  }

  /** A double in the interesting range of f, built deterministically from the random inputs. */
  static double sample(FloatFormat f, int mode, long r1, int r2, boolean neg) {
    double v;
    List<Integer> codes = positiveCodes(f);
    if (mode == 0) {
      // random magnitude across the format's range, +-3 binades
      int lo = (int) Math.floor(Math.log(f.minPositive().toDouble()) / Math.log(2)) - 3;
      int hi = (int) Math.ceil(Math.log(f.maxFinite().toDouble()) / Math.log(2)) + 3;
      int exp = lo + Math.floorMod(r2, hi - lo + 1);
      v = Math.scalb(1.0 + (r1 >>> 12) * 0x1p-52, exp);
    } else {
      // midpoint between adjacent grid values (incl. 0 and the point above max), maybe nudged
      int i = Math.floorMod(r2, codes.size());
      double a = f.decode(codes.get(i)).toDouble();
      double b;
      if (i + 1 < codes.size()) {
        b = f.decode(codes.get(i + 1)).toDouble();
      } else {
        b = a + Math.scalb(1.0, Math.getExponent(a) - f.mantissaBits());
      }
      v = (a + b) / 2;
      if (mode == 2) {
        v = (r1 & 1) == 0 ? Math.nextUp(v) : Math.nextDown(v);
      } else if (mode == 3) {
        v = a;
      }
    }
    return neg ? -v : v;
  }

  @Property(tries = 3000)
  void encodeIsNearestTiesToEvenAndRespectsOverflow(
      @ForAll @IntRange(min = 0, max = 21) int fi,
      @ForAll @IntRange(min = 0, max = 3) int mode,
      @ForAll long r1,
      @ForAll int r2,
      @ForAll boolean neg,
      @ForAll boolean saturate) {
    FloatFormat f = FORMATS.get(fi % FORMATS.size());
    Overflow p = saturate ? Overflow.SATURATE : Overflow.NONSAT;
    double x = sample(f, mode, r1, r2, neg);
    int want = expected(f, new BigDecimal(x), neg, p);
    assertEquals(want, f.encode(x, p), f.name() + " x=" + x + " " + p);
    if (x != 0) {
      assertEquals(want, f.encode(new BigDecimal(x), p), f.name() + " BigDecimal x=" + x + " " + p);
    }
  }

  @Property(tries = 500)
  void doubleAndBigDecimalPathsAgreeForArbitraryDoubles(
      @ForAll @IntRange(min = 0, max = 21) int fi, @ForAll double x, @ForAll boolean saturate) {
    if (!Double.isFinite(x) || x == 0) {
      return;
    }
    FloatFormat f = FORMATS.get(fi % FORMATS.size());
    Overflow p = saturate ? Overflow.SATURATE : Overflow.NONSAT;
    assertEquals(f.encode(new BigDecimal(x), p), f.encode(x, p), f.name() + " x=" + x);
  }

  @Property(tries = 500)
  void intEncodeMatchesHalfEvenThenClamp(
      @ForAll @IntRange(min = 2, max = 8) int bits,
      @ForAll boolean signed,
      @ForAll @IntRange(min = -1200, max = 1200) int quarters) {
    IntFormat f = new IntFormat(bits, signed);
    double x = quarters / 4.0; // includes exact .5 ties
    // reference: floor, then round up if the fraction is > 1/2, or == 1/2 and floor is odd
    long n = (long) Math.floor(x);
    double frac = x - n;
    if (frac > 0.5 || (frac == 0.5 && (n & 1) == 1)) {
      n++;
    }
    long want = Math.max(f.min(), Math.min(f.max(), n));
    for (Overflow p : Overflow.values()) {
      assertEquals(want, f.decode(f.encode(x, p)).toBigDecimal().longValueExact(), f + " " + x);
      assertEquals(want, f.decode(f.encode(new BigDecimal(x), p)).toBigDecimal().longValueExact());
    }
  }
}
