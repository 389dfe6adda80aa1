package org.exmy.nn.ops;

/** IEEE 754 binary16 conversions (the JDK 17 has none). */
public final class Half {
  private Half() {}

  /** The float value of a binary16 bit pattern (exact). */
  public static float toFloat(int bits) {
    int sign = (bits >>> 15) & 1;
    int exp = (bits >>> 10) & 0x1f;
    int man = bits & 0x3ff;
    float v;
    if (exp == 0x1f) {
      v = man == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else if (exp == 0) {
      v = man * 0x1p-24f; // subnormal: man * 2^-24
    } else {
      v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (man << 13));
    }
    return sign == 1 ? -v : v;
  }

  /** {@code f} rounded to the nearest binary16 value (ties to even), as a float. */
  public static float round(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      return f;
    }
    float a = Math.abs(f);
    if (a >= 65520f) { // halfway between max (65504) and 2^16 rounds up to infinity
      return Math.copySign(Float.POSITIVE_INFINITY, f);
    }
    // quantum of the binary16 grid at this magnitude: 2^(max(e, -14) - 10)
    int e = Math.getExponent(a);
    float q = Math.scalb(1f, Math.max(e, -14) - 10);
    float r = (float) (Math.rint(a / (double) q) * q);
    return Math.copySign(r, f);
  }
}
