package org.exmy.simulator;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a core accumulates into. One of:
 *
 * <ul>
 *   <li>{@link Exact}: the exact fixed-point (Kulisch) register of {@link AccumulatorSpec}, sized
 *       so that {@code terms} products are summed without rounding; it wraps after that.
 *   <li>{@link Fixed}: a narrowed fixed-point register: each product is rounded to a multiple of
 *       {@code 2^lsbExponent} (round to nearest even, or floor = drop the bits), then added to a
 *       {@code width}-bit two's complement register that saturates (or wraps).
 *   <li>{@link Floating}: a rounding floating-point register (FP32, FP16, BF16 or any E/M with an
 *       IEEE bias, subnormals, inf and NaN): every addition {@code acc + products} is rounded to
 *       nearest even once, as the expanding dot products of FPnew do; overflow gives &plusmn;inf.
 * </ul>
 */
public sealed interface AccumulatorKind {

  /** {@code EeMm}, lower case, as {@link #parse} reads it. */
  Pattern FLOAT_NAME = Pattern.compile("e(\\d{1,2})m(\\d{1,2})");

  /**
   * A short name used in module names and CSV columns: {@code exact}, {@code fixed_l-8_w24_sat},
   * {@code fp32}.
   */
  String tag();

  /** The exact Kulisch accumulator. */
  record Exact() implements AccumulatorKind {
    @Override
    public String tag() {
      return "exact";
    }
  }

  /**
   * A narrowed fixed-point accumulator.
   *
   * @param lsbExponent the value of the register's LSB is {@code 2^lsbExponent}
   * @param width register bits, 2..62
   * @param saturate clamp to the register's range instead of wrapping
   * @param nearestEven round each product to nearest even (else floor: drop the bits)
   */
  record Fixed(int lsbExponent, int width, boolean saturate, boolean nearestEven)
      implements AccumulatorKind {
    public Fixed {
      if (width < 2 || width > 62) {
        throw new FormatException("a fixed-point accumulator needs 2..62 bits, got " + width);
      }
    }

    @Override
    public String tag() {
      return "fixed_l"
          + lsbExponent
          + "_w"
          + width
          + (saturate ? "_sat" : "")
          + (nearestEven ? "" : "_floor");
    }
  }

  /**
   * A rounding floating-point accumulator with an IEEE layout: bias {@code 2^(E-1)-1}, subnormals,
   * the all-ones exponent for inf and NaN.
   *
   * @param exponentBits E, 2..10
   * @param mantissaBits M, 1..50
   */
  record Floating(int exponentBits, int mantissaBits) implements AccumulatorKind {
    public static final Floating FP32 = new Floating(8, 23);
    public static final Floating FP16 = new Floating(5, 10);
    public static final Floating BF16 = new Floating(8, 7);

    public Floating {
      if (exponentBits < 2 || exponentBits > 10 || mantissaBits < 1 || mantissaBits > 50) {
        throw new FormatException(
            "a floating-point accumulator needs E in 2..10 and M in 1..50, got E"
                + exponentBits
                + "M"
                + mantissaBits);
      }
    }

    public int bias() {
      return (1 << (exponentBits - 1)) - 1;
    }

    /** Register bits: {@code 1 + E + M}. */
    public int width() {
      return 1 + exponentBits + mantissaBits;
    }

    /** The rounding grid: M mantissa bits, smallest normal {@code 2^(1-bias)}, subnormals. */
    public Rounding.Grid grid() {
      return new Rounding.Grid(mantissaBits, 1 - bias(), true);
    }

    /** The largest finite value {@code (2 - 2^-M) * 2^(2^E - 2 - bias)}. */
    public double maxFinite() {
      return Math.scalb(2.0 - Math.scalb(1.0, -mantissaBits), (1 << exponentBits) - 2 - bias());
    }

    @Override
    public String tag() {
      if (equals(FP32)) {
        return "fp32";
      }
      if (equals(FP16)) {
        return "fp16";
      }
      if (equals(BF16)) {
        return "bf16";
      }
      return "e" + exponentBits + "m" + mantissaBits;
    }
  }

  /**
   * Parses {@code exact}, {@code fp32}, {@code fp16}, {@code bf16} or {@code EeMm} (a
   * floating-point accumulator); fixed-point accumulators come from {@link
   * CoreSpec#withFixedAccumulator}.
   *
   * @throws FormatException naming what was wrong
   */
  static AccumulatorKind parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "exact":
      case "kulisch":
        return new Exact();
      case "fp32":
        return Floating.FP32;
      case "fp16":
        return Floating.FP16;
      case "bf16":
        return Floating.BF16;
      default:
        Matcher m = FLOAT_NAME.matcher(t);
        if (m.matches()) {
          return new Floating(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        throw new FormatException(
            "unknown accumulator '" + s + "': use exact, fp32, fp16, bf16 or EeMm (e.g. E6M9)");
    }
  }
}
