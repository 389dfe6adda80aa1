package org.exmy.nn.qonnx;

import java.util.Locale;
import java.util.Set;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;
import org.exmy.nn.ops.Built;
import org.exmy.nn.ops.NodeSpec;
import org.exmy.nn.ops.Op;
import org.exmy.nn.ops.OpError;
import org.exmy.nn.ops.Shapes;

/**
 * The QONNX quantization operators as float32 operators of the engine: each gives the dequantized
 * float values the qonnx operator documentation defines (domain {@code qonnx.custom_op.general},
 * and the older names {@code finn.custom_op.general}, {@code finn}, {@code onnx.brevitas}). Every
 * parameter input may be a scalar or a tensor that broadcasts to X; the arithmetic the
 * documentation writes in float32 (the divisions by the scale, the zero-point additions, the final
 * products) is float32 here, and the rounding to the integer or minifloat grid is exact.
 *
 * <ul>
 *   <li>{@code Quant} (= {@code IntQuant}): inputs X, scale, zeropt, bitwidth; attributes {@code
 *       signed} (1), {@code narrow} (0), {@code rounding_mode} (ROUND). {@code y = fl32(x / s) + z}
 *       in float32, clamped to the integer range, rounded, then {@code (y - z) * s}. A 1-bit signed
 *       Quant is bipolar ({@code y >= 0 ? 1 : -1}), as in qonnx.
 *   <li>{@code BipolarQuant}: X, scale: {@code (x >= 0 ? 1 : -1) * s}.
 *   <li>{@code Trunc}: version 1 (5 inputs: X, scale, zeropt, in_bitwidth, out_bitwidth; attribute
 *       {@code rounding_mode}, default FLOOR): {@code y = round_half_even(x / s + z)}, divided by
 *       2^(in - out), rounded by the mode, then {@code (y - z) * s}; version 2 (6 inputs: X, scale,
 *       zeropt, in_bitwidth, out_scale, out_bitwidth; attributes also {@code signed}, {@code
 *       narrow}): divided by {@code 2^round(log2(out_scale / s))}, clamped to the output integer
 *       range, rounded, then {@code (y - z / t) * out_scale}.
 *   <li>{@code FloatQuant}: X, scale, exponent_bitwidth, mantissa_bitwidth, exponent_bias, max_val
 *       (optional); attributes {@code has_inf}, {@code has_nan}, {@code has_subnormal}, {@code
 *       saturation} (1), {@code rounding_mode} (ROUND). {@code X = fl32(x / s)}; the internal scale
 *       is {@code 2^max(floor(log2(|X| + 2^-126)) - M, 1 - bias - M)}; {@code X} is rounded to a
 *       multiple of it, clamped to {@code ±min(max_val, (2 - 2^-M) * 2^(2^E - 1 - bias))}, and
 *       multiplied by {@code s} in float32. {@code has_inf}, {@code has_nan} and {@code
 *       has_subnormal} do not change the values (the documentation says so), except that with
 *       {@code saturation = 0} values beyond the range become ±inf ({@code has_inf}) or NaN ({@code
 *       has_nan}); a NaN or infinite {@code X} gives NaN (as the formula does).
 * </ul>
 *
 * Rounding modes (any case): ROUND and HALF_EVEN (ties to even), CEIL, FLOOR, UP (away from zero),
 * DOWN (toward zero), HALF_UP (ties away from zero), HALF_DOWN (ties toward zero), each exact on
 * the float32 quotient. The floor of log2 is the exact binary exponent; the qonnx reference
 * computes it with a float32 log2, which can round up for an X a few ulps below a power of two
 * (that changes nothing for ROUND, but can for FLOOR, CEIL, UP and DOWN).
 */
public final class QonnxOps {
  /** The domains of the QONNX operators. */
  public static final Set<String> DOMAINS =
      Set.of("qonnx.custom_op.general", "finn.custom_op.general", "finn", "onnx.brevitas");

  /** The operator names (in any of {@link #DOMAINS}). */
  public static final Set<String> OPS =
      Set.of("Quant", "IntQuant", "BipolarQuant", "Trunc", "FloatQuant");

  private QonnxOps() {}

  /** Whether {@code domain} is a QONNX domain. */
  public static boolean isDomain(String domain) {
    return DOMAINS.contains(domain);
  }

  /** A rounding mode of the QONNX operators. */
  public enum Rounding {
    ROUND,
    CEIL,
    FLOOR,
    UP,
    DOWN,
    HALF_UP,
    HALF_DOWN;

    /** The mode named {@code s} (any case; HALF_EVEN is ROUND), or an {@link OpError}. */
    static Rounding parse(String s) {
      String u = s.toUpperCase(Locale.ROOT);
      if (u.equals("HALF_EVEN")) {
        return ROUND;
      }
      for (Rounding r : values()) {
        if (r.name().equals(u)) {
          return r;
        }
      }
      throw new OpError(
          "rounding_mode '"
              + s
              + "' is not one of ROUND, HALF_EVEN, CEIL, FLOOR, UP, DOWN,"
              + " HALF_UP, HALF_DOWN");
    }

    /** {@code y} rounded to an integer by this mode (exact; a zero result keeps y's sign). */
    double apply(double y) {
      if (Double.isNaN(y) || Double.isInfinite(y)) {
        return y;
      }
      double a = Math.abs(y);
      double f = Math.floor(a);
      double r =
          switch (this) {
            case ROUND -> Math.rint(y);
            case CEIL -> Math.ceil(y);
            case FLOOR -> Math.floor(y);
            case UP -> Math.copySign(Math.ceil(a), y);
            case DOWN -> Math.copySign(f, y);
            case HALF_UP -> Math.copySign(a - f >= 0.5 ? f + 1 : f, y);
            case HALF_DOWN -> Math.copySign(a - f > 0.5 ? f + 1 : f, y);
          };
      return r;
    }
  }

  /** Validates a QONNX node and builds its operator; throws {@link OpError} when it cannot. */
  public static Built build(NodeSpec n) {
    return switch (n.opType()) {
      case "Quant", "IntQuant" -> intQuant(n);
      case "BipolarQuant" -> bipolar(n);
      case "Trunc" -> trunc(n);
      case "FloatQuant" -> floatQuant(n);
      default ->
          throw new OpError(
              "unsupported QONNX operator (supported: "
                  + String.join(", ", new java.util.TreeSet<>(OPS))
                  + ")");
    };
  }

  private static boolean flag(NodeSpec n, String name, long def) {
    long v = n.attrs().i(name, def);
    if (v != 0 && v != 1) {
      throw new OpError("attribute '" + name + "' must be 0 or 1, is " + v);
    }
    return v == 1;
  }

  /** X and the scale must be float tensors; the other parameters may be float or integer. */
  private static void floats(NodeSpec n) {
    n.requireFloat(0);
    n.requireFloat(1);
  }

  // ---- Quant / IntQuant

  private static Built intQuant(NodeSpec n) {
    n.attrs().allow("signed", "narrow", "rounding_mode");
    n.arity(4, 4, 1, 1);
    floats(n);
    boolean signed = flag(n, "signed", 1);
    boolean narrow = flag(n, "narrow", 0);
    Rounding mode = Rounding.parse(n.attrs().s("rounding_mode", "ROUND"));
    if (n.isConst(3)) {
      bitwidth(n.consts()[3], "bitwidth");
    }
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int bw = bitwidth(in[3], "bitwidth");
          Param s = new Param(x, in[1], "scale");
          Param z = new Param(x, in[2], "zeropt");
          float lo = (float) minInt(signed, narrow, bw);
          float hi = (float) maxInt(signed, narrow, bw);
          boolean bipolar = bw == 1 && signed;
          float[] xv = x.floats();
          float[] out = new float[xv.length];
          for (int i = 0; i < xv.length; i++) {
            float si = s.at(i);
            float zi = z.at(i);
            float y = xv[i] / si + zi;
            if (bipolar) {
              y = y >= 0 ? 1f : -1f;
            } else {
              if (y > hi) {
                y = hi;
              }
              if (y < lo) {
                y = lo;
              }
              y = (float) mode.apply(y);
            }
            out[i] = (y - zi) * si;
          }
          return new Tensor[] {Tensor.of(out, x.shape())};
        };
    return Built.of(op, DType.FLOAT);
  }

  /** The smallest integer of the range (qonnx's min_int). */
  static double minInt(boolean signed, boolean narrow, int bits) {
    if (!signed) {
      return 0;
    }
    double m = -Math.scalb(1.0, bits - 1);
    return narrow ? m + 1 : m;
  }

  /** The largest integer of the range (qonnx's max_int). */
  static double maxInt(boolean signed, boolean narrow, int bits) {
    if (signed) {
      return Math.scalb(1.0, bits - 1) - 1;
    }
    return Math.scalb(1.0, bits) - (narrow ? 2 : 1);
  }

  /** A bit width input: one positive integer value (float or integer tensor), at most 64. */
  static int bitwidth(Tensor t, String what) {
    if (t == null) {
      throw new OpError(what + " is missing");
    }
    if (t.size() != 1) {
      throw new OpError(what + " must be a single value, has " + t.size());
    }
    double v = t.getDouble(0);
    if (!(v >= 1 && v <= 64) || v != Math.rint(v)) {
      throw new OpError(what + " must be an integer in 1..64, is " + v);
    }
    return (int) v;
  }

  // ---- BipolarQuant

  private static Built bipolar(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    floats(n);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          Param s = new Param(x, in[1], "scale");
          float[] xv = x.floats();
          float[] out = new float[xv.length];
          for (int i = 0; i < xv.length; i++) {
            out[i] = (xv[i] >= 0 ? 1f : -1f) * s.at(i);
          }
          return new Tensor[] {Tensor.of(out, x.shape())};
        };
    return Built.of(op, DType.FLOAT);
  }

  // ---- Trunc

  private static Built trunc(NodeSpec n) {
    n.arity(5, 6, 1, 1);
    boolean v2 = n.inTypes().length == 6;
    if (v2) {
      n.attrs().allow("rounding_mode", "signed", "narrow");
      floats(n);
      n.requireFloat(4);
    } else {
      n.attrs().allow("rounding_mode");
      floats(n);
    }
    boolean signed = flag(n, "signed", 1);
    boolean narrow = flag(n, "narrow", 0);
    Rounding mode = Rounding.parse(n.attrs().s("rounding_mode", "FLOOR"));
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          Param s = new Param(x, in[1], "scale");
          Param z = new Param(x, in[2], "zeropt");
          int inBw = bitwidth(in[3], "in_bitwidth");
          int outBw = bitwidth(in[v2 ? 5 : 4], "out_bitwidth");
          Param os = v2 ? new Param(x, in[4], "out_scale") : null;
          float lo = (float) minInt(signed, narrow, outBw);
          float hi = (float) maxInt(signed, narrow, outBw);
          float[] xv = x.floats();
          float[] out = new float[xv.length];
          for (int i = 0; i < xv.length; i++) {
            float si = s.at(i);
            float zi = z.at(i);
            float y = (float) Math.rint(xv[i] / si + zi);
            float t;
            if (v2) {
              t = pow2Nearest(os.at(i) / si);
            } else {
              t = (float) Math.scalb(1.0, inBw - outBw);
            }
            y = y / t;
            if (v2) {
              if (y > hi) {
                y = hi;
              }
              if (y < lo) {
                y = lo;
              }
            }
            y = (float) mode.apply(y);
            out[i] = v2 ? (y - zi / t) * os.at(i) : (y - zi) * si;
          }
          return new Tensor[] {Tensor.of(out, x.shape())};
        };
    return Built.of(op, DType.FLOAT);
  }

  /**
   * {@code 2^round(log2(r))} for a positive finite r: with {@code r = f * 2^k}, f in [1, 2), the
   * exponent is k when {@code f < sqrt(2)}, else k + 1 (f is never exactly sqrt(2)).
   */
  static float pow2Nearest(float r) {
    if (!(r > 0) || Float.isInfinite(r)) {
      throw new OpError("out_scale / scale must be positive and finite, is " + r);
    }
    int k = Math.getExponent((double) r);
    double f = Math.scalb((double) r, -k);
    return (float) Math.scalb(1.0, f < Math.sqrt(2) ? k : k + 1);
  }

  // ---- FloatQuant

  private static Built floatQuant(NodeSpec n) {
    n.attrs()
        .allow(
            "has_inf",
            "has_infinity",
            "has_nan",
            "has_subnormal",
            "saturation",
            "rounding_mode",
            "signed");
    n.arity(5, 6, 1, 1);
    floats(n);
    boolean hasInf = flag(n, "has_inf", 0) || flag(n, "has_infinity", 0);
    boolean hasNan = flag(n, "has_nan", 0);
    flag(n, "has_subnormal", 1);
    boolean saturation = flag(n, "saturation", 1);
    if (!flag(n, "signed", 1)) {
      throw new OpError("signed=0 is not supported (qonnx's FloatQuant is always signed)");
    }
    if (!saturation && !hasInf && !hasNan) {
      throw new OpError("saturation=0 needs has_inf or has_nan (where else would overflow go?)");
    }
    Rounding mode = Rounding.parse(n.attrs().s("rounding_mode", "ROUND"));
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          Param s = new Param(x, in[1], "scale");
          Param pe = new Param(x, in[2], "exponent_bitwidth");
          Param pm = new Param(x, in[3], "mantissa_bitwidth");
          Param pb = new Param(x, in[4], "exponent_bias");
          Param pmax = in.length > 5 && in[5] != null ? new Param(x, in[5], "max_val") : null;
          float[] xv = x.floats();
          float[] out = new float[xv.length];
          boolean uniform =
              pe.scalar() && pm.scalar() && pb.scalar() && (pmax == null || pmax.scalar());
          int m = 0;
          int b = 0;
          double maxv = 0;
          for (int i = 0; i < xv.length; i++) {
            if (i == 0 || !uniform) {
              int e = integer(pe.at(i), 1, 30, "exponent_bitwidth");
              m = integer(pm.at(i), 0, 52, "mantissa_bitwidth");
              b = integer(pb.at(i), -4096, 4096, "exponent_bias");
              maxv = plainMax(e, m, b);
              if (pmax != null) {
                maxv = Math.min(maxv, pmax.at(i));
              }
            }
            float si = s.at(i);
            double q = floatQuantScaled(xv[i] / si, m, b, mode, maxv, saturation, hasInf);
            out[i] = (float) q * si;
          }
          return new Tensor[] {Tensor.of(out, x.shape())};
        };
    return Built.of(op, DType.FLOAT);
  }

  /** The largest magnitude of the minifloat grid whose every code is finite. */
  static double plainMax(int e, int m, int b) {
    return (2 - Math.scalb(1.0, -m)) * Math.pow(2, Math.scalb(1.0, e) - 1 - b);
  }

  /**
   * FloatQuant of the scaled value {@code X} (already {@code fl32(x / s)}): rounded on the grid,
   * clamped to ±{@code maxv}, or ±inf / NaN beyond it without saturation.
   */
  static double floatQuantScaled(
      float xs, int m, int b, Rounding mode, double maxv, boolean saturation, boolean hasInf) {
    if (Float.isNaN(xs) || Float.isInfinite(xs)) {
      return Double.NaN;
    }
    float t = Math.abs(xs) + Float.MIN_NORMAL; // |X| + eps in float32, as the formula
    int lg = Math.getExponent(t); // floor(log2(t)), exact (t is normal)
    int isc = Math.max(lg - m, 1 - b - m);
    double q = Math.scalb(mode.apply(Math.scalb((double) xs, -isc)), isc);
    if (q > maxv) {
      return saturation ? maxv : hasInf ? Double.POSITIVE_INFINITY : Double.NaN;
    }
    if (q < -maxv) {
      return saturation ? -maxv : hasInf ? Double.NEGATIVE_INFINITY : Double.NaN;
    }
    return q;
  }

  private static int integer(float v, int lo, int hi, String what) {
    if (!(v >= lo && v <= hi) || v != Math.rint(v)) {
      throw new OpError(what + " must be an integer in " + lo + ".." + hi + ", is " + v);
    }
    return (int) v;
  }

  /** A parameter input broadcast to X: its value for each flat index of X. */
  static final class Param {
    private final float[] v;
    private final int[] index;

    Param(Tensor x, Tensor p, String what) {
      if (p == null) {
        throw new OpError(what + " is missing");
      }
      Tensor f = p.type() == DType.FLOAT ? p : p.toFloat();
      this.v = f.floats();
      if (v.length == 0) {
        throw new OpError(what + " is empty");
      }
      if (v.length == 1) {
        index = null;
        return;
      }
      int[] out;
      try {
        out = Shapes.broadcast(x.shape(), p.shape());
      } catch (OpError e) {
        throw new OpError(
            what
                + " of shape "
                + java.util.Arrays.toString(p.shape())
                + " does not broadcast to X of shape "
                + java.util.Arrays.toString(x.shape()));
      }
      if (!java.util.Arrays.equals(out, x.shape())) {
        throw new OpError(
            what
                + " of shape "
                + java.util.Arrays.toString(p.shape())
                + " would broadcast X of shape "
                + java.util.Arrays.toString(x.shape())
                + " to a larger shape");
      }
      int[] st = Shapes.broadcastStrides(p.shape(), out);
      int n = x.size();
      index = new int[n];
      int rank = out.length;
      int[] pos = new int[rank];
      int off = 0;
      for (int i = 0; i < n; i++) {
        index[i] = off;
        for (int d = rank - 1; d >= 0; d--) {
          pos[d]++;
          off += st[d];
          if (pos[d] < out[d]) {
            break;
          }
          off -= st[d] * pos[d];
          pos[d] = 0;
        }
      }
    }

    boolean scalar() {
      return index == null;
    }

    float at(int i) {
      return index == null ? v[0] : v[index[i]];
    }
  }
}
