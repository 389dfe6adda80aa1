package org.exmy.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The named minifloat formats: the ml_dtypes types with their exact parameters, the plain "ExMy"
 * default of <em>Shedding the Bits</em>, and the canonical name of any parameter set.
 */
final class FormatRegistry {
  private FormatRegistry() {}

  /** An ml_dtypes type's parameters; all have subnormals. */
  record Params(int exponentBits, int mantissaBits, int bias, Specials specials) {}

  /** ml_dtypes type name to parameters, in the order {@link Formats#knownNames()} lists them. */
  static final Map<String, Params> ML_DTYPES;

  static {
    Map<String, Params> m = new LinkedHashMap<>();
    m.put("float8_e4m3fn", new Params(4, 3, 7, Specials.FN));
    m.put("float8_e4m3fnuz", new Params(4, 3, 8, Specials.FNUZ));
    m.put("float8_e5m2", new Params(5, 2, 15, Specials.IEEE));
    m.put("float8_e5m2fnuz", new Params(5, 2, 16, Specials.FNUZ));
    m.put("float8_e3m4", new Params(3, 4, 3, Specials.IEEE));
    m.put("float8_e4m3", new Params(4, 3, 7, Specials.IEEE));
    m.put("float8_e4m3b11fnuz", new Params(4, 3, 11, Specials.FNUZ));
    m.put("float6_e2m3fn", new Params(2, 3, 1, Specials.NONE));
    m.put("float6_e3m2fn", new Params(3, 2, 3, Specials.NONE));
    m.put("float4_e2m1fn", new Params(2, 1, 1, Specials.NONE));
    ML_DTYPES = Collections.unmodifiableMap(m);
  }

  /** The plain bias {@code 2^(E-1)-1}. */
  static int plainBias(int e) {
    return (1 << (e - 1)) - 1;
  }

  /** The ml_dtypes type of that (lower-case) name, or null. */
  static FloatFormat mlDtypes(String lowerName) {
    Params p = ML_DTYPES.get(lowerName);
    if (p == null) {
      return null;
    }
    return new FloatFormat(
        p.exponentBits(), p.mantissaBits(), p.bias(), p.specials(), true, lowerName);
  }

  /**
   * The canonical name of a parameter set: "ExMy" for the plain default; else the ml_dtypes name
   * when the parameters equal an ml_dtypes type; else a parseable spec such as {@code
   * E4M3:bias=8:specials=fn:subnormals=off} listing only non-default options.
   */
  static String canonicalName(
      int exponentBits, int mantissaBits, int bias, Specials specials, boolean subnormals) {
    String plain = "E" + exponentBits + "M" + mantissaBits;
    boolean defaultBias = bias == plainBias(exponentBits);
    if (defaultBias && specials == Specials.NONE && subnormals) {
      return plain;
    }
    if (subnormals) {
      for (Map.Entry<String, Params> e : ML_DTYPES.entrySet()) {
        Params p = e.getValue();
        if (p.equals(new Params(exponentBits, mantissaBits, bias, specials))) {
          return e.getKey();
        }
      }
    }
    StringBuilder sb = new StringBuilder(plain);
    if (!defaultBias) {
      sb.append(":bias=").append(bias);
    }
    if (specials != Specials.NONE) {
      sb.append(":specials=").append(specials.name().toLowerCase(Locale.ROOT));
    }
    if (!subnormals) {
      sb.append(":subnormals=off");
    }
    return sb.toString();
  }
}
