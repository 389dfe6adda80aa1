package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * LogSoftmax and Hardmax, with {@link Softmax}'s axis semantics: before opset 13 the input is seen
 * as 2-D {@code [prod(dims before axis)][prod(rest)]} (axis default 1) and each row is normalized;
 * from opset 13 along the one axis (default -1). Hardmax marks the first maximum of each row with 1
 * (NaN compares as not larger).
 */
final class SoftmaxVariants {
  private SoftmaxVariants() {}

  static Built build(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    boolean coerce = n.opset() < 13;
    long axisAttr = n.attrs().i("axis", coerce ? 1 : -1);
    boolean hard = n.opType().equals("Hardmax");
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          int rank = s.length;
          int axis = rank == 0 ? 0 : Shapes.axis(axisAttr, rank, "axis");
          int outer = 1;
          for (int i = 0; i < axis; i++) {
            outer *= s[i];
          }
          int len;
          int inner;
          if (coerce) {
            len = outer == 0 ? 0 : x.size() / outer;
            inner = 1;
          } else {
            len = rank == 0 ? 1 : s[axis];
            inner = (outer == 0 || len == 0) ? 0 : x.size() / (outer * len);
          }
          float[] xa = x.floats();
          float[] y = new float[xa.length];
          for (int o = 0; o < outer; o++) {
            for (int in2 = 0; in2 < inner; in2++) {
              int base = o * len * inner + in2;
              float mx = Float.NEGATIVE_INFINITY;
              int arg = 0;
              for (int i = 0; i < len; i++) {
                float v = xa[base + i * inner];
                if (v > mx) {
                  mx = v;
                  arg = i;
                }
              }
              if (hard) {
                if (len > 0) {
                  y[base + arg * inner] = 1f;
                }
                continue;
              }
              double sum = 0;
              for (int i = 0; i < len; i++) {
                sum += Math.exp((double) xa[base + i * inner] - mx);
              }
              double lse = Math.log(sum);
              for (int i = 0; i < len; i++) {
                y[base + i * inner] = (float) ((double) xa[base + i * inner] - mx - lse);
              }
            }
          }
          return new Tensor[] {Tensor.of(y, s)};
        };
    return Built.of(op, DType.FLOAT);
  }
}
