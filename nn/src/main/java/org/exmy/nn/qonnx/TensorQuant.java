package org.exmy.nn.qonnx;

import java.util.Arrays;
import org.exmy.nn.Tensor;
import org.exmy.nn.ops.NodeSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.exmy.simulator.Specials;

/**
 * The exmy number format that the output of one QONNX quantization node denotes: every output value
 * is {@code scale * v} with v a finite value of {@code format} (the zero-point must be 0). When the
 * node's values have no exmy format, {@code format} is null and {@code refusal} says why in one
 * line.
 *
 * <p>The mapping:
 *
 * <ul>
 *   <li>{@code Quant} / {@code IntQuant} of n bits: {@code INTn} (signed; narrow is a subset) or
 *       {@code UINTn} for n in 2..8; a 1-bit signed Quant (bipolar) is {@code INT2} (its values
 *       ±1), a 1-bit unsigned one {@code UINT2};
 *   <li>{@code BipolarQuant}: {@code INT2};
 *   <li>{@code Trunc} version 2: {@code INTn} / {@code UINTn} of its output bit width, scale {@code
 *       out_scale}; version 1 does not clamp, so its values are unbounded: refused;
 *   <li>{@code FloatQuant} ExMy with bias b: a minifloat with subnormals (the operator computes
 *       them whatever {@code has_subnormal} says) whose finite values are exactly the grid values
 *       up to {@code max = min(max_val, (2 - 2^-M) * 2^(2^E - 1 - b))}: specials {@code ieee} when
 *       its largest finite value is max (E5M2 with 57344), else {@code fn} (E4M3 with 448), else
 *       {@code none} when max is its largest value or one of its values (a narrower range, still on
 *       its grid); the attributes' choice ({@code has_inf}: ieee, {@code has_nan}: fn) is tried
 *       first. A max_val that is not a grid value is refused (clamping there leaves the grid).
 * </ul>
 *
 * Every parameter must be a constant, the bit widths scalars, the scale positive and finite.
 *
 * @param node the quantization node's name
 * @param op its operator
 * @param format the format of {@code value / scale}, or null
 * @param scale the scale as given (a scalar or a tensor that broadcasts to the quantized one), or
 *     null with the format
 * @param refusal why there is no format, or null
 */
public record TensorQuant(
    String node, String op, NumberFormat format, Tensor scale, String refusal) {

  /** Whether the scale is one value for the whole tensor. */
  public boolean perTensor() {
    return scale != null && scale.size() == 1;
  }

  /** The format's name and the scale, for messages. */
  public String describe() {
    if (format == null) {
      return op + " node '" + node + "' (no exmy format: " + refusal + ")";
    }
    return op
        + " node '"
        + node
        + "' = "
        + format.name()
        + " × scale"
        + (perTensor() ? " " + scale.floats()[0] : " of shape " + Arrays.toString(scale.shape()));
  }

  private static TensorQuant refuse(NodeSpec n, String why) {
    return new TensorQuant(n.name(), n.opType(), null, null, why);
  }

  /** The format of a QONNX node's output (never throws: a refusal instead). */
  static TensorQuant of(NodeSpec n) {
    for (int i = 1; i < n.inTypes().length; i++) {
      if (n.has(i) && !n.isConst(i)) {
        return refuse(n, "its input " + i + " is computed at run time, not a constant");
      }
    }
    Tensor[] c = n.consts();
    try {
      return switch (n.opType()) {
        case "Quant", "IntQuant" -> integer(n, c[1], c[2], c[3], n.attrs().i("signed", 1) == 1);
        case "BipolarQuant" -> scaled(n, new IntFormat(2, true), c[1]);
        case "Trunc" ->
            c.length == 6
                ? integer(n, c[4], c[2], c[5], n.attrs().i("signed", 1) == 1)
                : refuse(
                    n,
                    "Trunc version 1 does not clamp its output, so its values have no bounded format");
        case "FloatQuant" -> minifloat(n, c);
        default -> refuse(n, "not a quantization operator");
      };
    } catch (RuntimeException e) {
      return refuse(n, e.getMessage());
    }
  }

  private static TensorQuant integer(
      NodeSpec n, Tensor scale, Tensor zeropt, Tensor bitwidth, boolean signed) {
    for (float z : zeropt.toFloat().floats()) {
      if (z != 0) {
        return refuse(
            n, "zero-point " + z + " is not 0 (exmy's MAC cores take symmetric integer codes)");
      }
    }
    int bw = QonnxOps.bitwidth(bitwidth, "bitwidth");
    if (bw < 1 || bw > 8) {
      return refuse(n, "a " + bw + "-bit integer has no exmy format (INT2..INT8, UINT2..UINT8)");
    }
    return scaled(n, new IntFormat(Math.max(2, bw), signed), scale);
  }

  private static TensorQuant scaled(NodeSpec n, NumberFormat f, Tensor scale) {
    for (float s : scale.toFloat().floats()) {
      if (!(s > 0) || Float.isInfinite(s)) {
        return refuse(n, "scale " + s + " is not positive and finite");
      }
    }
    return new TensorQuant(n.name(), n.opType(), f, scale.toFloat(), null);
  }

  private static TensorQuant minifloat(NodeSpec n, Tensor[] c) {
    int e = scalarInt(c[2], "exponent_bitwidth");
    int m = scalarInt(c[3], "mantissa_bitwidth");
    int b = scalarInt(c[4], "exponent_bias");
    if (1 + e + m < 3 || 1 + e + m > 8) {
      return refuse(
          n, "E" + e + "M" + m + " has " + (1 + e + m) + " bits; exmy's minifloats have 3..8");
    }
    double max = QonnxOps.plainMax(e, m, b);
    if (c.length > 5 && c[5] != null) {
      if (c[5].size() != 1) {
        return refuse(n, "max_val is not a single value");
      }
      max = Math.min(max, c[5].toFloat().floats()[0]);
    }
    boolean hasInf = n.attrs().i("has_inf", 0) == 1 || n.attrs().i("has_infinity", 0) == 1;
    boolean hasNan = n.attrs().i("has_nan", 0) == 1;
    Specials first = hasInf ? Specials.IEEE : hasNan ? Specials.FN : Specials.NONE;
    for (Specials s : new Specials[] {first, Specials.IEEE, Specials.FN, Specials.NONE}) {
      FloatFormat f = format(e, m, b, s);
      if (f != null && f.maxFinite().toDouble() == max) {
        return scaled(n, f, c[1]);
      }
    }
    FloatFormat plain = format(e, m, b, Specials.NONE);
    if (plain != null
        && max > 0
        && plain.decode(plain.encode(max, Overflow.SATURATE)).toDouble() == max) {
      return scaled(n, plain, c[1]);
    }
    return refuse(
        n,
        "max_val "
            + max
            + " is not a value of E"
            + e
            + "M"
            + m
            + " with bias "
            + b
            + ", so clamping there leaves the format's grid");
  }

  private static FloatFormat format(int e, int m, int b, Specials s) {
    try {
      return new FloatFormat(e, m, b, s, true);
    } catch (FormatException ex) {
      return null;
    }
  }

  private static int scalarInt(Tensor t, String what) {
    if (t.size() != 1) {
      throw new IllegalArgumentException(what + " is not a single value");
    }
    double v = t.getDouble(0);
    if (v != Math.rint(v) || Math.abs(v) > 4096) {
      throw new IllegalArgumentException(what + " " + v + " is not an integer");
    }
    return (int) v;
  }
}
