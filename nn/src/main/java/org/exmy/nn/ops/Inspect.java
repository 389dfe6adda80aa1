package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Size (the element count as an int64 scalar), IsNaN and IsInf ({@code detect_negative}, {@code
 * detect_positive}; booleans held as int64 0 / 1; an int64 input is never NaN or infinite).
 */
final class Inspect {
  private Inspect() {}

  static Built size(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 1, 1, 1);
    Op o = (in, cx) -> new Tensor[] {Tensor.ofLongs(new long[] {in[0].size()})};
    return Built.of(o, DType.INT64);
  }

  static Built isNanInf(NodeSpec n) {
    boolean nan = n.opType().equals("IsNaN");
    if (nan) {
      n.attrs().allow();
    } else {
      n.attrs().allow("detect_negative", "detect_positive");
    }
    n.arity(1, 1, 1, 1);
    boolean neg = n.attrs().i("detect_negative", 1) != 0;
    boolean pos = n.attrs().i("detect_positive", 1) != 0;
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          long[] y = new long[x.size()];
          if (x.type() == DType.FLOAT) {
            float[] a = x.floats();
            for (int i = 0; i < a.length; i++) {
              float v = a[i];
              boolean hit =
                  nan
                      ? Float.isNaN(v)
                      : (v == Float.POSITIVE_INFINITY && pos)
                          || (v == Float.NEGATIVE_INFINITY && neg);
              y[i] = hit ? 1 : 0;
            }
          }
          return new Tensor[] {Tensor.ofLongs(y, x.shape())};
        };
    return Built.of(o, DType.INT64);
  }
}
