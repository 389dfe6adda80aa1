package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Trilu (upper or lower triangle of the last two dimensions, diagonal offset k as an optional int64
 * input) and EyeLike (ones on diagonal k of a 2-D shape, of the input's type or the {@code dtype}
 * attribute's) on float or int64 tensors.
 */
final class TriluEye {
  private TriluEye() {}

  static Built trilu(NodeSpec n) {
    n.attrs().allow("upper");
    n.arity(1, 2, 1, 1);
    n.requireInt(1);
    boolean upper = n.attrs().i("upper", 1) != 0;
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          if (s.length < 2) {
            throw new OpError("input must have rank >= 2, has " + s.length);
          }
          long k = 0;
          if (in.length > 1 && in[1] != null) {
            if (in[1].size() != 1) {
              throw new OpError("k must have one element, has " + in[1].size());
            }
            k = in[1].longs()[0];
          }
          int rows = s[s.length - 2];
          int cols = s[s.length - 1];
          boolean flt = x.type() == DType.FLOAT;
          float[] yf = flt ? x.floats().clone() : null;
          long[] yl = flt ? null : x.longs().clone();
          int mats = rows * cols == 0 ? 0 : x.size() / (rows * cols);
          for (int m = 0; m < mats; m++) {
            for (int i = 0; i < rows; i++) {
              for (int j = 0; j < cols; j++) {
                long d = (long) j - i;
                if (upper ? d < k : d > k) {
                  int p = (m * rows + i) * cols + j;
                  if (flt) {
                    yf[p] = 0;
                  } else {
                    yl[p] = 0;
                  }
                }
              }
            }
          }
          return new Tensor[] {flt ? Tensor.of(yf, s) : Tensor.ofLongs(yl, s)};
        };
    return Built.of(o, n.type(0));
  }

  static Built eyeLike(NodeSpec n) {
    n.attrs().allow("dtype", "k");
    n.arity(1, 1, 1, 1);
    DType out = n.type(0);
    if (n.attrs().has("dtype")) {
      int dt = (int) n.attrs().i("dtype", 1);
      out =
          switch (dt) {
            case 1, 10, 11, 16 -> DType.FLOAT;
            case 2, 3, 4, 5, 6, 7, 9, 12, 13 -> DType.INT64;
            default -> throw new OpError("dtype " + dt + " is not supported");
          };
    }
    DType type = out;
    long k = n.attrs().i("k", 0);
    Op o =
        (in, cx) -> {
          int[] s = in[0].shape();
          if (s.length != 2) {
            throw new OpError("input must be 2-D, has rank " + s.length);
          }
          Tensor y = Tensor.zeros(type, s);
          for (int i = 0; i < s[0]; i++) {
            long j = i + k;
            if (j >= 0 && j < s[1]) {
              int p = i * s[1] + (int) j;
              if (type == DType.FLOAT) {
                y.floats()[p] = 1f;
              } else {
                y.longs()[p] = 1;
              }
            }
          }
          return new Tensor[] {y};
        };
    return Built.of(o, type);
  }
}
