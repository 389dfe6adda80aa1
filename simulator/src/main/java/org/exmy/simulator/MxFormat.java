package org.exmy.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OCP Microscaling (MX v1.0) block format: {@code blockSize} elements of format {@code element}
 * share one {@link E8M0} scale {@code 2^X}. The value of element i is {@code 2^X * v_i}, where
 * {@code v_i} is its element code's value (times {@code 2^-(n-2)} for an INTn element, so MXINT8's
 * elements are two's complement with the implicit scale {@code 2^-6}).
 *
 * <p>Names ({@link #parse}): {@code MXFP8_E4M3} (elements float8_e4m3fn: bias 7, no inf, NaN only
 * at S.1111.111, max 448), {@code MXFP8_E5M2} (float8_e5m2: IEEE-like, inf and NaN, max 57344),
 * {@code MXFP6_E3M2} (float6_e3m2fn: no inf/NaN, max 28), {@code MXFP6_E2M3} (float6_e2m3fn, max
 * 7.5), {@code MXFP4_E2M1} (float4_e2m1fn, max 6), {@code MXINT8} (INT8 times 2^-6); and any ExMy
 * or INTn name (with its own options) followed by {@code :block=K}, K a power of two in 2..1024,
 * whose element has exactly the parsed format's semantics (a plain {@code E4M3} has no NaN and max
 * 480, unlike MXFP8_E4M3). The six MX names take {@code :block=K} too; their default is 32.
 *
 * <p>Quantization of a block ({@link #quantize}), as the spec's conversion defines it:
 *
 * <ol>
 *   <li>if any input is NaN or +-inf, the scale is NaN (0xFF) and every element decodes to NaN
 *       (element codes 0);
 *   <li>else {@code amax = max |x_i|}; for {@code amax = 0} the scale is the smallest, {@code
 *       2^-127} (code 0), and every element is +0;
 *   <li>else {@code X = floor(log2(amax)) - emax}, with {@code emax} the exponent of the element's
 *       largest normal ({@code floor(log2(max finite))}; 0 for INTn), clamped to -127..127;
 *   <li>element i is {@code encode(x_i / 2^X)} round to nearest even, saturating to +-max finite
 *       (the element format's own encoder; for INTn {@code x_i / 2^X * 2^(n-2)} rounded to nearest
 *       even and clamped to {@code +-(2^(n-1)-1)}: the spec clamps to the largest normal, 127/64
 *       for MXINT8, so the code -128 (-2, which decodes) is never produced by quantization).
 * </ol>
 */
public record MxFormat(String name, NumberFormat element, int blockSize) {

  /** The default block size of the spec. */
  public static final int DEFAULT_BLOCK = 32;

  private static final Map<String, String> NAMED = new LinkedHashMap<>();

  static {
    NAMED.put("mxfp8_e4m3", "float8_e4m3fn");
    NAMED.put("mxfp8_e5m2", "float8_e5m2");
    NAMED.put("mxfp6_e3m2", "float6_e3m2fn");
    NAMED.put("mxfp6_e2m3", "float6_e2m3fn");
    NAMED.put("mxfp4_e2m1", "float4_e2m1fn");
    NAMED.put("mxint8", "int8");
  }

  /** The six MX names of the spec, in its order. */
  public static final List<String> NAMES =
      List.of("MXFP8_E4M3", "MXFP8_E5M2", "MXFP6_E3M2", "MXFP6_E2M3", "MXFP4_E2M1", "MXINT8");

  public MxFormat {
    if (blockSize < 2 || blockSize > 1024 || Integer.bitCount(blockSize) != 1) {
      throw new FormatException(
          "MX block size must be a power of two in 2..1024, got " + blockSize + " for " + name);
    }
  }

  /** True when {@code name} is an MX name: one of the six, or anything with {@code :block=}. */
  public static boolean isMx(String name) {
    if (name == null) {
      return false;
    }
    String s = name.trim().toLowerCase(Locale.ROOT);
    int c = s.indexOf(':');
    return NAMED.containsKey(c < 0 ? s : s.substring(0, c)) || s.contains(":block=");
  }

  /**
   * Parses an MX name (see the class comment), case-insensitively.
   *
   * @throws FormatException if it is not one, naming what is wrong
   */
  public static MxFormat parse(String name) {
    if (!isMx(name)) {
      throw new FormatException(
          "not an MX format '"
              + name
              + "': use "
              + String.join(", ", NAMES)
              + " or an ExMy / INTn name with :block=K");
    }
    String s = name.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    int block = DEFAULT_BLOCK;
    String base = lower;
    int at = lower.indexOf(":block=");
    if (at >= 0) {
      String rest = lower.substring(at + ":block=".length());
      int end = rest.indexOf(':');
      String val = end < 0 ? rest : rest.substring(0, end);
      try {
        block = Integer.parseInt(val);
      } catch (NumberFormatException e) {
        throw new FormatException(
            "MX format '" + s + "': block must be an integer, got '" + val + "'");
      }
      base = lower.substring(0, at) + (end < 0 ? "" : rest.substring(end));
      if (base.contains(":block=")) {
        throw new FormatException("MX format '" + s + "': option 'block' given twice");
      }
    }
    int c = base.indexOf(':');
    String head = c < 0 ? base : base.substring(0, c);
    NumberFormat element;
    String canonical;
    if (NAMED.containsKey(head)) {
      if (c >= 0) {
        throw new FormatException(
            "MX format '" + s + "': " + head.toUpperCase(Locale.ROOT) + " takes only :block=K");
      }
      element = Formats.parse(NAMED.get(head));
      canonical = head.toUpperCase(Locale.ROOT);
    } else {
      try {
        element = Formats.parse(base);
      } catch (FormatException e) {
        throw new FormatException("MX format '" + s + "': element: " + e.getMessage());
      }
      if (element instanceof IntFormat i && !i.signed()) {
        throw new FormatException("MX format '" + s + "': unsigned elements are not MX; use INTn");
      }
      canonical = element.name();
    }
    // the six MX names drop the default block; an ExMy / INTn element always names its block
    boolean named = NAMED.containsKey(head);
    return new MxFormat(
        named && block == DEFAULT_BLOCK ? canonical : canonical + ":block=" + block,
        element,
        block);
  }

  /**
   * The exponent of the element's largest normal: {@code floor(log2(max finite))} for a minifloat
   * (8 for float8_e4m3fn, 15 for E5M2, 4 for E3M2, 2 for E2M3 and E2M1), 0 for INTn.
   */
  public int emax() {
    if (element instanceof FloatFormat ff) {
      return Math.getExponent(ff.maxFinite().toDouble());
    }
    return 0;
  }

  /** Exponent of the element's implicit scale: {@code -(n-2)} for INTn, 0 for a minifloat. */
  public int implicitExponent() {
    return element instanceof IntFormat i ? -(i.bits() - 2) : 0;
  }

  /** One quantized block: its E8M0 scale code and its element codes. */
  public record Block(int scaleCode, int[] codes) {}

  /**
   * Quantizes {@code len} values from {@code x[off]} (at most {@link #blockSize()}; a shorter last
   * block of a tensor is quantized the same way) as the class comment says.
   */
  public Block quantize(double[] x, int off, int len) {
    return quantize(x, off, len, false);
  }

  /**
   * Like {@link #quantize(double[], int, int)}, with {@code tiesAway}: an element exactly halfway
   * between two neighbouring element values takes the one farther from zero (the default rounding
   * of Microsoft's microxcaling emulation, {@code round="nearest"}) instead of the even one; every
   * other element, and the scale, are the same. OCP MX v1.0 asks for roundTiesToEven (the default
   * here) and allows other modes.
   */
  public Block quantize(double[] x, int off, int len, boolean tiesAway) {
    if (len < 1 || len > blockSize) {
      throw new IllegalArgumentException("block length must be 1.." + blockSize + ", got " + len);
    }
    int[] codes = new int[len];
    double amax = 0;
    for (int i = 0; i < len; i++) {
      double v = x[off + i];
      if (!Double.isFinite(v)) {
        return new Block(E8M0.NAN, codes);
      }
      amax = Math.max(amax, Math.abs(v));
    }
    if (amax == 0) {
      return new Block(0, codes);
    }
    int e = sharedExponent(amax);
    int shift = -e - implicitExponent();
    for (int i = 0; i < len; i++) {
      double y = Math.scalb(x[off + i], shift);
      codes[i] = tiesAway ? encodeTiesAway(y) : element.encode(y, Overflow.SATURATE);
      if (element instanceof IntFormat in && in.intValue(codes[i]) == in.min()) {
        codes[i] = in.codeOf(-in.max()); // clamped to -max normal, as +max: symmetric
      }
    }
    return new Block(E8M0.codeOfExponent(e), codes);
  }

  /** The element code of a finite y rounded to nearest, ties away from zero, saturating. */
  private int encodeTiesAway(double y) {
    int even = element.encode(y, Overflow.SATURATE);
    double a = Math.abs(y);
    int above = element.encode(Math.copySign(Math.nextUp(a), y), Overflow.SATURATE);
    if (above == even) {
      return even;
    }
    double ve = Math.abs(element.decode(even).toDouble());
    double va = Math.abs(element.decode(above).toDouble());
    return va > ve && (ve + va) / 2 == a ? above : even; // exact: a midpoint of two short values
  }

  /** {@code X = floor(log2(amax)) - emax} clamped to -127..127, for a positive finite amax. */
  public int sharedExponent(double amax) {
    int x = Rounding.floorLog2(amax) - emax();
    return Math.max(E8M0.MIN_EXPONENT, Math.min(E8M0.MAX_EXPONENT, x));
  }

  /** The value of an element code under a scale code: {@code 2^X * v} (NaN under a NaN scale). */
  public double value(int scaleCode, int code) {
    if (scaleCode == E8M0.NAN) {
      return Double.NaN;
    }
    double v = element.decode(code).toDouble();
    return Math.scalb(v, scaleCode - E8M0.BIAS + implicitExponent());
  }

  /**
   * The element's value times its implicit scale, for each code (NaN / inf codes as their double):
   * what a code contributes before the block scale.
   */
  public double elementValue(int code) {
    return Math.scalb(element.decode(code).toDouble(), implicitExponent());
  }

  @Override
  public String toString() {
    return name;
  }
}
