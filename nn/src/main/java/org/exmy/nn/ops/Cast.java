package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Cast to a float type (FLOAT, DOUBLE held as float32; FLOAT16 rounded to half precision, BFLOAT16
 * to bfloat16, both to nearest even) or an integer type (held as int64, wrapped to the target width
 * as a C cast does; BOOL as 0 / 1). Floats convert to integers by truncation toward zero.
 */
final class Cast {
  private Cast() {}

  // ONNX TensorProto.DataType numbers
  private static final int FLOAT = 1;
  private static final int UINT8 = 2;
  private static final int INT8 = 3;
  private static final int UINT16 = 4;
  private static final int INT16 = 5;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int BOOL = 9;
  private static final int FLOAT16 = 10;
  private static final int DOUBLE = 11;
  private static final int UINT32 = 12;
  private static final int UINT64 = 13;
  private static final int BFLOAT16 = 16;

  static Built build(NodeSpec n) {
    n.attrs().allow("to", "saturate");
    n.arity(1, 1, 1, 1);
    if (!n.attrs().has("to")) {
      throw new OpError("attribute 'to' is required");
    }
    int to = (int) n.attrs().i("to", 0);
    DType out;
    switch (to) {
      case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> out = DType.FLOAT;
      case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64 -> out = DType.INT64;
      default -> throw new OpError("unsupported target type " + to);
    }
    Op op = (in, cx) -> new Tensor[] {cast(in[0], to)};
    return Built.of(op, out);
  }

  private static Tensor cast(Tensor x, int to) {
    int n = x.size();
    if (to == FLOAT || to == DOUBLE || to == FLOAT16 || to == BFLOAT16) {
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        float v = x.type() == DType.FLOAT ? x.floats()[i] : (float) x.longs()[i];
        y[i] = to == FLOAT16 ? Half.round(v) : to == BFLOAT16 ? bfloat16(v) : v;
      }
      return Tensor.of(y, x.shape());
    }
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      long v;
      if (x.type() == DType.FLOAT) {
        float f = x.floats()[i];
        if (to == BOOL) {
          y[i] = f != 0f ? 1 : 0;
          continue;
        }
        v = (long) f;
      } else {
        v = x.longs()[i];
      }
      y[i] = wrap(v, to);
    }
    return Tensor.ofLongs(y, x.shape());
  }

  /** {@code v} rounded to bfloat16 (its top 16 bits), to nearest, ties to even; NaN stays NaN. */
  static float bfloat16(float v) {
    if (Float.isNaN(v)) {
      return v;
    }
    int b = Float.floatToRawIntBits(v);
    b += 0x7fff + ((b >>> 16) & 1);
    return Float.intBitsToFloat(b & 0xffff0000);
  }

  private static long wrap(long v, int to) {
    return switch (to) {
      case UINT8 -> v & 0xff;
      case INT8 -> (byte) v;
      case UINT16 -> v & 0xffff;
      case INT16 -> (short) v;
      case INT32 -> (int) v;
      case UINT32 -> v & 0xffffffffL;
      case BOOL -> v != 0 ? 1 : 0;
      default -> v;
    };
  }
}
