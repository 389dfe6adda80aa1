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
 * {@code sig * 2^shift} in units of the format's quantum {@code 2^lsb} (see {@link
 * OperandDecoder}). The quantized value is {@code s * fixed * 2^lsb}.
 */
public final class FormatQuantizer {
  private final NumberFormat format;
  private final OperandDecoder decoder;
  private final float maxValue;
  private final int lsb;
  private final double maxFixed;

  /**
   * The rounding as a table (null when not used): {@code mids} the midpoints between consecutive
   * distinct finite values, ascending; {@code fixedOf[i]} the fixed operand of the i-th value;
   * {@code tieFixed[i]} that of {@code mids[i]} itself, as the encoder rounds it.
   */
  private final double[] mids;

  private final double[] fixedOf;
  private final double[] tieFixed;

  /**
   * Per float32 bit pattern's top 16 bits (sign, exponent, 7 fraction bits): the index into {@code
   * fixedOf} when every float of that bucket rounds to the same value (no midpoint in the bucket's
   * closed range), else -1 (then the search).
   */
  private final short[] bucket;

  /**
   * For an integer format whose values are every integer of [intLo, intHi] in units of its quantum:
   * the fixed operand of a finite {@code y} is {@code rint(y)} clamped, the encoder's rounding to
   * nearest, ties to even, saturating (checked against the table when built).
   */
  private final boolean intGrid;

  private final double intLo;
  private final double intHi;

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
    double[][] t = table(format.codeCount() <= 4096 ? format.codeCount() : 0);
    this.mids = t == null ? null : t[0];
    this.fixedOf = t == null ? null : t[1];
    this.tieFixed = t == null ? null : t[2];
    this.bucket = t == null || fixedOf.length > Short.MAX_VALUE ? null : buckets(mids);
    boolean grid = format instanceof IntFormat && fixedOf != null && lsb == 0;
    for (int i = 1; grid && i < fixedOf.length; i++) {
      grid = fixedOf[i] == fixedOf[i - 1] + 1;
    }
    // the ties: every midpoint k + 1/2 must round to the even neighbour in the table too
    for (int i = 0; grid && i < mids.length; i++) {
      grid = mids[i] == fixedOf[i] + 0.5 && tieFixed[i] == Math.rint(mids[i]);
    }
    this.intGrid = grid;
    this.intLo = grid ? fixedOf[0] : 0;
    this.intHi = grid ? fixedOf[fixedOf.length - 1] : 0;
  }

  private static short[] buckets(double[] md) {
    short[] out = new short[1 << 16];
    for (int b = 0; b < out.length; b++) {
      float e0 = Float.intBitsToFloat(b << 16);
      float e1 = Float.intBitsToFloat((b << 16) | 0xffff);
      double lo = Math.min(e0, e1);
      double hi = Math.max(e0, e1);
      if (Double.isNaN(lo) || Double.isNaN(hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
        out[b] = -1;
        continue;
      }
      int i1 = lowerBound(md, lo);
      int i2 = lowerBound(md, hi);
      out[b] = (short) (i1 == i2 && (i2 == md.length || md[i2] != hi) ? i1 : -1);
    }
    return out;
  }

  /** The first index whose midpoint is >= y (md.length when none). */
  private static int lowerBound(double[] md, double y) {
    int lo = 0;
    int hi = md.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (md[mid] < y) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The encoder's rounding of a finite {@code y} as a search among midpoints: the encoder rounds to
   * the nearest value (ties by its own rule) and saturates, so its result is constant strictly
   * between two consecutive midpoints and monotonic. Each midpoint's own result is taken from the
   * encoder ({@code tieFixed}), and the table is used only if, at every midpoint, the encoder's
   * results at the midpoint and at its two neighbouring doubles, and far beyond both ends, equal
   * the table's: then the table gives the encoder's result for every double. Null (use the encoder)
   * otherwise. A float's bucket (its top 16 bits) answers first when no midpoint lies in the
   * bucket's range (all its floats then have the result of either end).
   */
  private double[][] table(int codes) {
    if (codes == 0) {
      return null;
    }
    java.util.TreeMap<Double, Double> byValue = new java.util.TreeMap<>();
    for (int c = 0; c < codes; c++) {
      double f = fixedOfCode(c);
      double v = Math.scalb(f, lsb);
      if (f != 0 || c == code(0f, 1f)) {
        byValue.put(v == 0 ? 0.0 : v, f);
      }
    }
    int nv = byValue.size();
    if (nv < 2) {
      return null;
    }
    double[] vals = new double[nv];
    double[] fx = new double[nv];
    int i = 0;
    for (var e : byValue.entrySet()) {
      vals[i] = e.getKey();
      fx[i++] = e.getValue();
    }
    double[] md = new double[nv - 1];
    double[] tie = new double[nv - 1];
    for (int j = 0; j < nv - 1; j++) {
      md[j] = (vals[j] + vals[j + 1]) / 2; // exact: few significant bits
      if (md[j] - vals[j] != vals[j + 1] - md[j]) {
        return null;
      }
      tie[j] = slowFixed(md[j]);
    }
    double[][] t = {md, fx, tie};
    double[] probes = {vals[0] * 4 - 1, vals[nv - 1] * 4 + 1, Double.MAX_VALUE, -Double.MAX_VALUE};
    for (double y : probes) {
      if (Double.compare(slowFixed(y), lookup(md, fx, tie, y)) != 0) {
        return null;
      }
    }
    for (double mj : md) {
      for (double y : new double[] {Math.nextDown(mj), mj, Math.nextUp(mj)}) {
        if (Double.compare(slowFixed(y), lookup(md, fx, tie, y)) != 0) {
          return null;
        }
      }
    }
    return t;
  }

  private double slowFixed(double y) {
    return fixedOfCode(format.encode(y, Overflow.SATURATE));
  }

  private static double lookup(double[] md, double[] fx, double[] tie, double y) {
    int lo = lowerBound(md, y);
    return lo < md.length && md[lo] == y ? tie[lo] : fx[lo];
  }

  /**
   * The largest value the scale maps absmax onto: the largest finite value of a minifloat, {@code
   * 2^(n-1)-1} for INTn, {@code 2^n-1} for UINTn.
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

  /** The distinct fixed operands of the format's finite values, ascending (a copy). */
  double[] gridFixed() {
    if (fixedOf == null) {
      throw new IllegalStateException(format.name() + ": no value table");
    }
    return fixedOf.clone();
  }

  /** The fixed-point operand of a code (0 for NaN and inf codes). */
  public double fixedOfCode(int code) {
    return Math.scalb((double) decoder.sig(code), decoder.shift(code));
  }

  /**
   * The fixed-point operand of {@code x} at scale {@code s} (an integer, exact in a double and a
   * float).
   */
  public double fixed(float x, float s) {
    float q = x / s;
    if (intGrid && Math.abs(q) < Float.POSITIVE_INFINITY) {
      return Math.max(intLo, Math.min(intHi, Math.rint(q))) + 0.0; // + 0.0: no negative zero
    }
    if (bucket != null) {
      int i = bucket[Float.floatToRawIntBits(q) >>> 16];
      if (i >= 0) {
        return fixedOf[i];
      }
    }
    double y = q;
    if (mids != null && !Double.isNaN(y) && !Double.isInfinite(y)) {
      return lookup(mids, fixedOf, tieFixed, y);
    }
    return fixedOfCode(code(x, s));
  }

  /** The quantized value of {@code x} at scale {@code s}: {@code s * fixed * 2^lsb}, in float32. */
  public float dequantized(float x, float s) {
    return (float) Math.scalb(fixed(x, s), lsb) * s;
  }
}
