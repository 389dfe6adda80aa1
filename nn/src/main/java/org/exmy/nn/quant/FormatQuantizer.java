package org.exmy.nn.quant;

import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.OperandDecoder;
import org.exmy.simulator.Overflow;

/**
 * Quantization into one number format, as the MAC hardware sees it: a float32 value {@code x} with
 * scale {@code s} becomes the code {@code encode_saturating(fl32(x / s))} (the simulator's one
 * rounding routine: round to nearest, ties to even) and enters the MAC as its fixed-point operand
 * {@code sig * 2^shift} in units of the format's quantum {@code 2^lsb} (see {@link OperandDecoder}).
 * The quantized value is {@code s * fixed * 2^lsb}.
 */
public final class FormatQuantizer {
  private final NumberFormat format;
  private final OperandDecoder decoder;
  private final float maxValue;
  private final int lsb;
  private final double maxFixed;

  public FormatQuantizer(NumberFormat format) {
    this.format = format;
    this.decoder = new OperandDecoder(format);
    this.maxValue = (float) maxValue(format);
    this.lsb = AccumulatorSpec.lsb(format);
    double m = 0;
    for (int c = 0; c < format.codeCount(); c++) {
      m = Math.max(m, Math.abs(fixedOfCode(c)));
    }
    this.maxFixed = m;
  }

  /**
   * The largest value the scale maps absmax onto: the largest finite value of a minifloat,
   * {@code 2^(n-1)-1} for INTn, {@code 2^n-1} for UINTn.
   */
  public static double maxValue(NumberFormat f) {
    if (f instanceof FloatFormat ff) {
      return ff.maxFinite().toDouble();
    }
    return ((IntFormat) f).max();
  }

  public NumberFormat format() {
    return format;
  }

  /** {@link #maxValue(NumberFormat)} as a float32 (exact for every format of at most 8 bits). */
  public float maxValue() {
    return maxValue;
  }

  /** Exponent of the format's quantum: fixed operand units are {@code 2^lsb}. */
  public int lsb() {
    return lsb;
  }

  /** Largest |fixed operand| of the format (of its largest finite value). */
  public double maxFixed() {
    return maxFixed;
  }

  /**
   * The scale of a tensor whose calibrated range is {@code absmax}: {@code fl32(absmax / max)}, 1
   * for an all-zero range; with {@code pow2}, rounded up to a power of two.
   */
  public float scale(float absmax, boolean pow2) {
    if (!(absmax > 0) || Float.isInfinite(absmax)) {
      return 1f;
    }
    float s = absmax / maxValue;
    if (s == 0) {
      return Float.MIN_VALUE;
    }
    if (pow2) {
      float p = Math.scalb(1f, Math.getExponent(s));
      s = p == s ? p : Math.scalb(p, 1);
    }
    return s;
  }

  /** The code of {@code x} at scale {@code s}: {@code encode_saturating(fl32(x / s))}. */
  public int code(float x, float s) {
    return format.encode((double) (x / s), Overflow.SATURATE);
  }

  /** The fixed-point operand of a code (0 for NaN and inf codes). */
  public double fixedOfCode(int code) {
    return Math.scalb((double) decoder.sig(code), decoder.shift(code));
  }

  /** The fixed-point operand of {@code x} at scale {@code s} (an integer, exact in a double and a float). */
  public double fixed(float x, float s) {
    return fixedOfCode(code(x, s));
  }

  /** The quantized value of {@code x} at scale {@code s}: {@code s * fixed * 2^lsb}, in float32. */
  public float dequantized(float x, float s) {
    return (float) Math.scalb(fixed(x, s), lsb) * s;
  }
}
