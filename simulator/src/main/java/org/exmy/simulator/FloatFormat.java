package org.exmy.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A sign-exponent-mantissa minifloat of 3..8 bits: {@code 1 + exponentBits + mantissaBits}.
 *
 * <h2>Decoding</h2>
 *
 * Code layout is {@code S | E (exponentBits) | M (mantissaBits)}. With exponent field {@code e},
 * mantissa field {@code m}:
 *
 * <ul>
 *   <li>{@code e > 0}: normal, {@code (-1)^S * (2^M + m) * 2^(e - bias - M)};
 *   <li>{@code e == 0}, subnormals on: {@code (-1)^S * m * 2^(1 - bias - M)};
 *   <li>{@code e == 0}, subnormals off: the value is zero ({@code -0} for S=1 when the format has a
 *       negative zero, else {@code +0}) <em>regardless of the mantissa field</em>;
 *   <li>codes reserved by {@link Specials} decode to NaN / &plusmn;inf.
 * </ul>
 *
 * <h2>Encoding (bit-compatible with ml_dtypes' {@code ConvertImpl})</h2>
 *
 * Rounding is exact round-to-nearest, ties-to-even on the format's grid including subnormals. The
 * value is rounded as if the exponent range were unbounded above; if the rounded magnitude exceeds
 * {@link #maxFinite()} it overflows (so for float8_e4m3fn 464 rounds to 448 but anything above 464
 * overflows; for float8_e5m2 61440 already overflows because 57344 has an odd mantissa). With
 * subnormals off, magnitudes below the smallest normal {@code 2^(1-bias)} are rounded to nearest
 * among {0, min normal}; an exact tie (half the min normal) goes to 0 (0 is the "even" multiple of
 * the min normal). Values that round to zero keep their sign when the format has {@code -0} ({@code
 * -0.0001} in float8_e4m3fn gives 0x80); FNUZ gives +0.
 *
 * <p>This is ml_dtypes' conversion of one value. NumPy's {@code astype} of a float64 array to an
 * ml_dtypes type goes through float32 first, so near a midpoint its result can differ (double
 * rounding): {@link DecimalInput#encodeViaFloat32} reproduces that path.
 *
 * <p>Special cases, as verified in ml_dtypes' source ({@code ml_dtypes/include/float8.h}, {@code
 * ConvertImpl<From, To, kSaturate, kTruncate>::run}, numeric_limits specializations, and {@code
 * ml_dtypes/include/mxfloat.h} numeric_limits for float6/float4, test {@code mxfloat_test.cc
 * NoInfinity}):
 *
 * <table>
 *   <caption>encode() special cases</caption>
 *   <tr><th>input</th><th>IEEE</th><th>FN</th><th>FNUZ</th><th>NONE</th></tr>
 *   <tr><td>finite overflow, SATURATE</td><td>&plusmn;max</td><td>&plusmn;max</td><td>&plusmn;max</td><td>&plusmn;max</td></tr>
 *   <tr><td>finite overflow, NONSAT</td><td>&plusmn;inf</td><td>NaN with the input's sign (0x7F / 0xFF)</td><td>NaN 0x80</td><td>&plusmn;max</td></tr>
 *   <tr><td>&plusmn;Infinity (either policy)</td><td>&plusmn;inf</td><td>NaN with sign (0x7F / 0xFF)</td><td>NaN 0x80</td><td>&plusmn;max</td></tr>
 *   <tr><td>NaN</td><td>+quiet NaN (exp all ones, mantissa MSB set: 0x7C e4m3, 0x7E e5m2)</td><td>0x7F</td><td>0x80</td><td>code 100...0 (the -0 code)</td></tr>
 * </table>
 *
 * <ul>
 *   <li>ml_dtypes returns {@code from_sign ? -NumTraits<To>::infinity() : infinity()} for infinite
 *       inputs <em>before</em> looking at {@code kSaturate}, so SATURATE does not clamp an infinite
 *       input. For FN/FNUZ types {@code infinity()} is the NaN code (e4m3fn: 0b0'1111'111, fnuz:
 *       0x80); for float6/float4 {@code infinity()} is max finite (mxfloat_test: {@code
 *       static_cast<float4_e2m1fn>(INFINITY) == max()}).
 *   <li>Finite overflow: {@code kSaturate ? highest() : infinity()} then the sign is applied with
 *       the type's negation, hence 0xFF for negative overflow in e4m3fn and 0x80 (negation of 0x80
 *       is itself) in FNUZ; for float6/float4 NONSAT overflow therefore saturates.
 *   <li>NaN input: ml_dtypes keeps the NaN's sign bit; Java cannot carry a meaningful NaN sign
 *       through {@code double} arithmetic, so this model always returns the positive NaN code. For
 *       float6/float4 ml_dtypes' {@code quiet_NaN()} is 0b1'00...0 (commented "Conversion from NaNs
 *       is implementation-defined (by MX specification)"), i.e. the -0 code; this model does the
 *       same for every {@link Specials#NONE} format.
 * </ul>
 *
 * <p>Instances are immutable; {@link #equals} and {@link #hashCode} use only the five parameters
 * (not the name: {@code Formats.parse("E2M1")} equals {@code Formats.parse("float4_e2m1fn")}).
 */
public final class FloatFormat implements NumberFormat {

  private static final int MAX_ABS_BIAS = 1 << 12;

  private final int exponentBits;
  private final int mantissaBits;
  private final int bias;
  private final Specials specials;
  private final boolean subnormals;
  private final String name;

  // Derived tables (all codes are < 256, so tabulating is cheap).
  private final Value[] table;
  private final Map<Value, Integer> positiveCode;
  private final int maxFiniteCode;
  private final int minPositiveCode;
  private final Rounding.Grid grid;

  /** {@link #maxFinite()} as a double, or NaN when the grid does not fit a double. */
  private final double maxFiniteDouble;

  /**
   * Creates a format.
   *
   * @param exponentBits E &ge; 1
   * @param mantissaBits M &ge; 0
   * @param bias exponent bias (|bias| &le; 4096)
   * @param specials reserved codes; IEEE needs E &ge; 2 and M &ge; 1
   * @param subnormals whether exponent field 0 encodes subnormals (else it encodes zero)
   * @throws FormatException if the parameters are invalid (1+E+M must be in 3..8, the format must
   *     have at least one positive finite value)
   */
  public FloatFormat(
      int exponentBits, int mantissaBits, int bias, Specials specials, boolean subnormals) {
    this(exponentBits, mantissaBits, bias, specials, subnormals, null);
  }

  FloatFormat(
      int exponentBits,
      int mantissaBits,
      int bias,
      Specials specials,
      boolean subnormals,
      String nameOverride) {
    if (specials == null) {
      throw new FormatException("specials must not be null (one of IEEE, FN, FNUZ, NONE)");
    }
    if (exponentBits < 1) {
      throw new FormatException("exponentBits must be >= 1, got " + exponentBits);
    }
    if (mantissaBits < 0) {
      throw new FormatException("mantissaBits must be >= 0, got " + mantissaBits);
    }
    int total = 1 + exponentBits + mantissaBits;
    if (total < 3 || total > 8) {
      throw new FormatException(
          "ExMy needs 3..8 total bits (1 sign + E + M), got "
              + total
              + " for E"
              + exponentBits
              + "M"
              + mantissaBits);
    }
    if (Math.abs(bias) > MAX_ABS_BIAS) {
      throw new FormatException("bias must be in -4096..4096, got " + bias);
    }
    if (specials == Specials.IEEE && (exponentBits < 2 || mantissaBits < 1)) {
      throw new FormatException(
          "IEEE specials need E >= 2 (the all-ones exponent is reserved for inf/NaN) and M >= 1"
              + " (so a NaN code exists), got E"
              + exponentBits
              + "M"
              + mantissaBits);
    }
    this.exponentBits = exponentBits;
    this.mantissaBits = mantissaBits;
    this.bias = bias;
    this.specials = specials;
    this.subnormals = subnormals;

    int n = 1 << total;
    table = new Value[n];
    for (int c = 0; c < n; c++) {
      table[c] = computeDecode(c);
    }
    Map<Value, Integer> pos = new HashMap<>();
    int maxCode = -1;
    int minPosCode = -1;
    for (int c = 0; c < n / 2; c++) {
      Value v = table[c];
      if (!v.isFinite()) {
        continue;
      }
      pos.putIfAbsent(v, c);
      if (v.signum() > 0) {
        if (maxCode < 0 || compareFinite(v, table[maxCode]) > 0) {
          maxCode = c;
        }
        if (minPosCode < 0 || compareFinite(v, table[minPosCode]) < 0) {
          minPosCode = c;
        }
      }
    }
    if (maxCode < 0) {
      throw new FormatException(
          "format E"
              + exponentBits
              + "M"
              + mantissaBits
              + " with specials="
              + specials
              + (subnormals ? "" : ", subnormals off")
              + " has no positive finite value (the reserved codes eat every code)");
    }
    this.positiveCode = pos;
    this.maxFiniteCode = maxCode;
    this.minPositiveCode = minPosCode;
    this.grid = new Rounding.Grid(mantissaBits, 1 - bias, subnormals);
    this.maxFiniteDouble = grid.fitsDouble() ? maxFinite().toDouble() : Double.NaN;
    this.name =
        nameOverride != null
            ? nameOverride
            : FormatRegistry.canonicalName(exponentBits, mantissaBits, bias, specials, subnormals);
  }

  /**
   * The plain "ExMy" format of "Shedding the Bits" (no code reserved for inf/NaN): bias {@code
   * 2^(E-1)-1}, subnormals on, {@link Specials#NONE}.
   */
  public static FloatFormat of(int e, int m) {
    if (e < 1) {
      throw new FormatException("exponentBits must be >= 1, got " + e);
    }
    return new FloatFormat(e, m, FormatRegistry.plainBias(e), Specials.NONE, true);
  }

  // ---------------------------------------------------------------- parameters

  public int exponentBits() {
    return exponentBits;
  }

  public int mantissaBits() {
    return mantissaBits;
  }

  public int bias() {
    return bias;
  }

  public Specials specials() {
    return specials;
  }

  public boolean subnormals() {
    return subnormals;
  }

  @Override
  public int bits() {
    return 1 + exponentBits + mantissaBits;
  }

  /**
   * The canonical name: "ExMy" for the plain default ({@link #of}); else the ml_dtypes name when
   * the parameters equal an ml_dtypes type; else a parseable spec such as {@code
   * E4M3:bias=8:specials=fn:subnormals=off} listing only non-default options. A format obtained
   * from {@link Formats#parse} with an ml_dtypes name keeps that name (so float4_e2m1fn, which has
   * the same parameters as plain E2M1, is named "float4_e2m1fn" when parsed as such).
   */
  @Override
  public String name() {
    return name;
  }

  public boolean hasInf() {
    return specials == Specials.IEEE;
  }

  public boolean hasNaN() {
    return specials != Specials.NONE;
  }

  public boolean hasNegativeZero() {
    return specials != Specials.FNUZ;
  }

  // ---------------------------------------------------------------- fields

  private int exponentMask() {
    return (1 << exponentBits) - 1;
  }

  private int mantissaMask() {
    return (1 << mantissaBits) - 1;
  }

  private int signMask() {
    return 1 << (exponentBits + mantissaBits);
  }

  private void checkCode(int code) {
    if (code < 0 || code >= codeCount()) {
      throw new IllegalArgumentException(
          "code " + code + " out of range 0.." + (codeCount() - 1) + " for " + name);
    }
  }

  /** Sign field (0 or 1). */
  public int signBit(int code) {
    checkCode(code);
    return code >>> (exponentBits + mantissaBits);
  }

  /** Biased exponent field. */
  public int exponentField(int code) {
    checkCode(code);
    return (code >>> mantissaBits) & exponentMask();
  }

  /** Mantissa (trailing significand) field. */
  public int mantissaField(int code) {
    checkCode(code);
    return code & mantissaMask();
  }

  public boolean isNaN(int code) {
    checkCode(code);
    return table[code].isNaN();
  }

  public boolean isInf(int code) {
    checkCode(code);
    return table[code].isInfinite();
  }

  /** Largest finite value. */
  public Value maxFinite() {
    return table[maxFiniteCode];
  }

  /** Positive code of {@link #maxFinite()}. */
  public int maxFiniteCode() {
    return maxFiniteCode;
  }

  /** Smallest positive value (the smallest subnormal when subnormals are on and M &ge; 1). */
  public Value minPositive() {
    return table[minPositiveCode];
  }

  // ---------------------------------------------------------------- decode

  @Override
  public Value decode(int code) {
    checkCode(code);
    return table[code];
  }

  private Value computeDecode(int code) {
    int s = code >>> (exponentBits + mantissaBits);
    int e = (code >>> mantissaBits) & exponentMask();
    int m = code & mantissaMask();
    switch (specials) {
      case IEEE:
        if (e == exponentMask()) {
          return m == 0 ? Value.inf(s == 1) : Value.nan();
        }
        break;
      case FN:
        if (e == exponentMask() && m == mantissaMask()) {
          return Value.nan();
        }
        break;
      case FNUZ:
        if (code == signMask()) {
          return Value.nan();
        }
        break;
      default:
        break;
    }
    long sig;
    int exp;
    if (e == 0) {
      if (!subnormals || m == 0) {
        return Value.zero(s == 1 && hasNegativeZero());
      }
      sig = m;
      exp = 1 - bias - mantissaBits;
    } else {
      sig = (1L << mantissaBits) | m;
      exp = e - bias - mantissaBits;
    }
    return Value.finite(BigInteger.valueOf(s == 1 ? -sig : sig), exp);
  }

  // ---------------------------------------------------------------- encode

  @Override
  public int encode(BigDecimal x, Overflow policy) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(policy, "policy");
    int sgn = x.signum();
    if (sgn == 0) {
      return zeroCode(false);
    }
    BigDecimal a = Decimals.tame(x).abs();
    BigInteger n;
    BigInteger d;
    if (a.scale() <= 0) {
      n = a.unscaledValue().multiply(BigInteger.TEN.pow(-a.scale()));
      d = BigInteger.ONE;
    } else {
      n = a.unscaledValue();
      d = BigInteger.TEN.pow(a.scale());
    }
    return encodeMagnitude(n, d, 0, sgn < 0, policy);
  }

  @Override
  public int encode(double x, Overflow policy) {
    Objects.requireNonNull(policy, "policy");
    if (Double.isNaN(x)) {
      return nanCode();
    }
    boolean neg = Double.doubleToRawLongBits(x) < 0;
    if (Double.isInfinite(x)) {
      return infinityInputCode(neg);
    }
    if (x == 0.0) {
      return zeroCode(neg);
    }
    if (!grid.fitsDouble()) {
      return encodeExact(x, neg, policy);
    }
    double r = Rounding.round(Math.abs(x), grid);
    if (r == 0) {
      return zeroCode(neg);
    }
    if (r > maxFiniteDouble) {
      return overflowCode(neg, policy);
    }
    return signed(positiveCodeOf(r), neg);
  }

  /** The grid this format rounds onto: M mantissa bits, smallest normal exponent 1 - bias. */
  public Rounding.Grid grid() {
    return grid;
  }

  /** The code of a positive value {@code r} that lies on the grid and is at most max finite. */
  private int positiveCodeOf(double r) {
    int emin = 1 - bias;
    if (r < Math.scalb(1.0, emin)) {
      // subnormal: r = m * 2^(emin - M)
      return (int) Math.scalb(r, mantissaBits - emin);
    }
    int k = Math.getExponent(r);
    int m = (int) Math.scalb(r, mantissaBits - k) - (1 << mantissaBits);
    return ((k + bias) << mantissaBits) | m;
  }

  /** Slow path for grids beyond the double range: the exact value of {@code x}. */
  private int encodeExact(double x, boolean neg, Overflow policy) {
    Value v = Value.of(Math.abs(x));
    BigInteger n = v.significand();
    return encodeMagnitude(n, BigInteger.ONE, v.exponent(), neg, policy);
  }

  /** Encodes the positive value n * 2^e2 / d. */
  private int encodeMagnitude(BigInteger n, BigInteger d, int e2, boolean neg, Overflow policy) {
    Value rounded = Rounding.round(n, d, e2, grid);
    if (rounded.isZero()) {
      return zeroCode(neg);
    }
    if (compareFinite(rounded, maxFinite()) > 0) {
      return overflowCode(neg, policy);
    }
    Integer code = positiveCode.get(rounded);
    if (code == null) {
      throw new AssertionError("rounded value " + rounded + " not representable in " + name);
    }
    return signed(code, neg);
  }

  /** Compares two finite values exactly. */
  static int compareFinite(Value a, Value b) {
    BigInteger sa = a.significand();
    BigInteger sb = b.significand();
    int ea = a.exponent();
    int eb = b.exponent();
    int e = Math.min(ea, eb);
    return sa.shiftLeft(ea - e).compareTo(sb.shiftLeft(eb - e));
  }

  private int zeroCode(boolean neg) {
    return neg && hasNegativeZero() ? signMask() : 0;
  }

  private int signed(int magnitudeCode, boolean neg) {
    return neg ? magnitudeCode | signMask() : magnitudeCode;
  }

  private int infPattern() {
    return exponentMask() << mantissaBits;
  }

  /** Code for a finite input whose rounded magnitude exceeds max finite. */
  private int overflowCode(boolean neg, Overflow policy) {
    return policy == Overflow.SATURATE ? signed(maxFiniteCode, neg) : infinityInputCode(neg);
  }

  /**
   * Code for +-Infinity input, and for NONSAT finite overflow: ml_dtypes' {@code +-infinity()}
   * (returned for an infinite input whatever kSaturate says).
   */
  private int infinityInputCode(boolean neg) {
    switch (specials) {
      case IEEE:
        return signed(infPattern(), neg);
      case FN:
        return signed(infPattern() | mantissaMask(), neg);
      case FNUZ:
        return signMask();
      default:
        return signed(maxFiniteCode, neg);
    }
  }

  /** Code for a NaN input (positive quiet NaN; for NONE formats ml_dtypes' 100...0). */
  private int nanCode() {
    switch (specials) {
      case IEEE:
        return infPattern() | (1 << (mantissaBits - 1));
      case FN:
        return infPattern() | mantissaMask();
      case FNUZ:
      case NONE:
      default:
        return signMask();
    }
  }

  // ---------------------------------------------------------------- object

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FloatFormat)) {
      return false;
    }
    FloatFormat f = (FloatFormat) o;
    return exponentBits == f.exponentBits
        && mantissaBits == f.mantissaBits
        && bias == f.bias
        && specials == f.specials
        && subnormals == f.subnormals;
  }

  @Override
  public int hashCode() {
    return Objects.hash(exponentBits, mantissaBits, bias, specials, subnormals);
  }

  @Override
  public String toString() {
    return name;
  }
}
