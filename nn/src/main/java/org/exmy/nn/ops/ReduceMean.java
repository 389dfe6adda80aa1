package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * ReduceMean: axes as an attribute (before opset 18) or an optional input (from 18, with
 * noop_with_empty_axes); no axes means all axes; keepdims.
 */
final class ReduceMean {
  private ReduceMean() {}

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    boolean axesInput = n.opset() >= 18;
    if (axesInput) {
      at.allow("keepdims", "noop_with_empty_axes");
      n.arity(1, 2, 1, 1);
      n.requireInt(1);
    } else {
      at.allow("axes", "keepdims");
      n.arity(1, 1, 1, 1);
    }
    n.requireFloat(0);
    boolean keep = at.i("keepdims", 1) != 0;
    boolean noop = at.i("noop_with_empty_axes", 0) != 0;
    long[] attrAxes = at.ints("axes");
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          long[] axes =
              axesInput ? (in.length > 1 && in[1] != null ? in[1].longs() : null) : attrAxes;
          if ((axes == null || axes.length == 0) && noop) {
            return new Tensor[] {x};
          }
          return new Tensor[] {reduce(x, axes, keep)};
        };
    return Built.of(op, DType.FLOAT);
  }

  private static Tensor reduce(Tensor x, long[] axes, boolean keep) {
    int[] s = x.shape();
    int r = s.length;
    boolean[] red = new boolean[r];
    if (axes == null || axes.length == 0) {
      java.util.Arrays.fill(red, true);
    } else {
      for (long a : axes) {
        red[Shapes.axis(a, r, "axis")] = true;
      }
    }
    int[] kept = s.clone();
    int count = 1;
    for (int i = 0; i < r; i++) {
      if (red[i]) {
        kept[i] = 1;
        count *= s[i];
      }
    }
    int[] st = Shapes.broadcastStrides(kept, s);
    double[] acc = new double[Tensor.size(kept)];
    float[] xa = x.floats();
    int[] idx = new int[r];
    int off = 0;
    for (int i = 0; i < xa.length; i++) {
      acc[off] += xa[i];
      for (int d = r - 1; d >= 0; d--) {
        off += st[d];
        if (++idx[d] < s[d]) {
          break;
        }
        off -= st[d] * s[d];
        idx[d] = 0;
      }
    }
    float[] out = new float[acc.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (acc[i] / count);
    }
    if (keep) {
      return Tensor.of(out, kept);
    }
    int nr = 0;
    for (boolean b : red) {
      nr += b ? 0 : 1;
    }
    int[] os = new int[nr];
    for (int i = 0, j = 0; i < r; i++) {
      if (!red[i]) {
        os[j++] = s[i];
      }
    }
    return Tensor.of(out, os);
  }
}
