package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number read from text exactly, with its sign kept even for zero: the input syntax of {@code
 * exmy quantize}.
 *
 * <p>Grammar (ASCII only, no blanks inside; letters in any case):
 *
 * <pre>
 *   input    = [sign] (decimal | "nan" | "inf" | "infinity")
 *   decimal  = (digits ["." [digits]] | "." digits) [("e" | "E") [sign] digits]
 *   sign     = "+" | "-"
 *   digits   = 1*("0" .. "9")
 * </pre>
 *
 * So {@code 1}, {@code -2.5}, {@code .5}, {@code 5.}, {@code 1e-3}, {@code -0}, {@code +inf} are
 * numbers; {@code １} (full-width), {@code 1_000}, {@code 0x10}, {@code 1,5}, {@code e5} are not. A
 * negative decimal zero ({@code -0}, {@code -0.0e7}) is -0, like any negative value that rounds to
 * zero. The exponent may have any number of digits: a value whose magnitude is beyond every
 * format's range (10^&plusmn;1300) is replaced by &plusmn;10^&plusmn;1300, which rounds the same
 * way in every format (overflow, or a zero of the input's sign), so {@code 1e99999999999} overflows
 * and {@code -1e-99999999999} is -0.
 *
 * @param kind finite, infinite or NaN
 * @param negative the sign ({@code true} for -0 and -nan too)
 * @param magnitude for {@link Kind#FINITE}: the exact absolute value, or 10^&plusmn;1300 when it is
 *     beyond that; {@code null} otherwise
 */
public record DecimalInput(Kind kind, boolean negative, BigDecimal magnitude) {

  /** What the text denotes. */
  public enum Kind {
    FINITE,
    INFINITE,
    NAN
  }

  private static final Pattern DECIMAL =
      Pattern.compile("([+-]?)(?:([0-9]+)(?:\\.([0-9]*))?|\\.([0-9]+))(?:[eE]([+-]?)([0-9]+))?");

  /** Exponent digits beyond which the value is surely out of every format's range. */
  private static final int MAX_EXPONENT_DIGITS = 18;

  public DecimalInput {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.FINITE) != (magnitude != null)
        || magnitude != null && magnitude.signum() < 0) {
      throw new IllegalArgumentException("a finite input needs a magnitude >= 0, others none");
    }
  }

  /**
   * Reads {@code text} (already stripped of surrounding blanks).
   *
   * @throws NumberFormatException when {@code text} is not in the grammar
   */
  public static DecimalInput parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.chars().allMatch(c -> c > ' ' && c < 0x7f)) throw notANumber(text);
    String lower = text.toLowerCase(Locale.ROOT);
    boolean neg = lower.startsWith("-");
    String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    switch (unsigned) {
      case "nan" -> {
        return new DecimalInput(Kind.NAN, neg, null);
      }
      case "inf", "infinity" -> {
        return new DecimalInput(Kind.INFINITE, neg, null);
      }
      default -> {
        // a decimal, below
      }
    }
    Matcher m = DECIMAL.matcher(text);
    if (!m.matches()) throw notANumber(text);
    String whole = m.group(2) != null ? m.group(2) : "";
    String fraction = m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
    String digits = stripLeadingZeros(whole + fraction);
    if (digits.isEmpty()) return new DecimalInput(Kind.FINITE, neg, BigDecimal.ZERO);
    long exponent = 0;
    if (m.group(6) != null) {
      String e = stripLeadingZeros(m.group(6));
      exponent =
          e.length() > MAX_EXPONENT_DIGITS ? (long) 1e18 : e.isEmpty() ? 0 : Long.parseLong(e);
      if (m.group(5).equals("-")) exponent = -exponent;
    }
    // value = digits * 10^(exponent - fraction.length()); its decimal order (floor log10):
    long scale = fraction.length() - exponent;
    long order = digits.length() - 1 - scale;
    if (order > Decimals.FAR) return new DecimalInput(Kind.FINITE, neg, Decimals.HUGE);
    if (order < -Decimals.FAR) return new DecimalInput(Kind.FINITE, neg, Decimals.TINY);
    if (scale != (int) scale)
      throw new NumberFormatException("'" + abbreviate(text) + "' has too many digits");
    return new DecimalInput(Kind.FINITE, neg, new BigDecimal(new BigInteger(digits), (int) scale));
  }

  /** True for -0 (a negative finite zero). */
  public boolean isNegativeZero() {
    return kind == Kind.FINITE && negative && magnitude.signum() == 0;
  }

  /**
   * Exact round-to-nearest-even into {@code f} (see {@link NumberFormat#encode(BigDecimal,
   * Overflow)}). A NaN keeps its sign as in ml_dtypes: {@code -nan} is the NaN code with the sign
   * bit flipped (0xff in float8_e4m3fn, 0xfe in float8_e5m2; for float6/float4, whose NaN input
   * gives the -0 code, that is +0), except in FNUZ formats, whose single NaN 0x80 has no sign.
   */
  public int encode(NumberFormat f, Overflow policy) {
    return switch (kind) {
      case NAN -> {
        int c = f.encode(Double.NaN, policy);
        yield negative && f instanceof FloatFormat ff && ff.specials() != Specials.FNUZ
            ? c ^ (1 << (f.bits() - 1))
            : c;
      }
      case INFINITE ->
          f.encode(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, policy);
      case FINITE ->
          magnitude.signum() == 0
              ? f.encode(negative ? -0.0 : 0.0, policy)
              : f.encode(negative ? magnitude.negate() : magnitude, policy);
    };
  }

  /**
   * ml_dtypes' conversion of a float64 array ({@code np.array([float(text)]).astype(dtype)}): the
   * decimal rounded to the nearest binary64 (ties to even, as Python's {@code float()} does), that
   * rounded to binary32 (ties to even), and that rounded exactly into {@code f}. Differs from
   * {@link #encode} for inputs near a midpoint of {@code f} (double rounding).
   */
  public int encodeViaFloat32(NumberFormat f, Overflow policy) {
    if (kind != Kind.FINITE) return encode(f, policy);
    float x = (float) toDouble(); // Java's narrowing conversion rounds to nearest, ties to even
    return f.encode((double) x, policy);
  }

  /**
   * The nearest binary64 value, ties to even (&plusmn;Infinity when the rounded magnitude reaches
   * 2^1024; -0.0 for a negative value that rounds to zero), computed exactly.
   */
  public double toDouble() {
    double m =
        switch (kind) {
          case NAN -> Double.NaN;
          case INFINITE -> Double.POSITIVE_INFINITY;
          case FINITE -> magnitude.signum() == 0 ? 0.0 : nearestDouble(magnitude);
        };
    return negative ? -m : m;
  }

  /** Nearest binary64 to the positive {@code x}, ties to even. */
  static double nearestDouble(BigDecimal x) {
    BigInteger n =
        x.scale() <= 0
            ? x.unscaledValue().multiply(BigInteger.TEN.pow(-x.scale()))
            : x.unscaledValue();
    BigInteger d = x.scale() <= 0 ? BigInteger.ONE : BigInteger.TEN.pow(x.scale());
    int k = n.bitLength() - d.bitLength(); // floor(log2(n/d)) is k or k - 1
    if (k >= 0 ? n.compareTo(d.shiftLeft(k)) < 0 : n.shiftLeft(-k).compareTo(d) < 0) k--;
    if (k > Double.MAX_EXPONENT) return Double.POSITIVE_INFINITY;
    int e = Math.max(k, Double.MIN_EXPONENT) - 52; // weight of the last significand bit
    BigInteger num = e >= 0 ? n : n.shiftLeft(-e);
    BigInteger den = e >= 0 ? d.shiftLeft(e) : d;
    BigInteger[] qr = num.divideAndRemainder(den);
    BigInteger q = qr[0];
    int half = qr[1].shiftLeft(1).compareTo(den);
    if (half > 0 || half == 0 && q.testBit(0)) q = q.add(BigInteger.ONE);
    return Math.scalb(q.doubleValue(), e); // q <= 2^53: exact; scalb is exact or overflows to inf
  }

  private static String stripLeadingZeros(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '0') i++;
    return s.substring(i);
  }

  private static NumberFormatException notANumber(String text) {
    return new NumberFormatException("'" + abbreviate(text) + "' is not a decimal number");
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
