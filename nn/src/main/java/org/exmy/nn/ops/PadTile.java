package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Tile (int64 repeats), Pad (constant, reflect, edge; pads and value as attributes before opset 11,
 * as inputs from 11, the optional axes input from 18; negative pads crop) and Range (float or
 * int64; each value is the previous plus delta, as ONNX Runtime computes it).
 */
final class PadTile {
  private PadTile() {}

  /** Copies {@code x} into a tensor of {@code os} where output index maps to a source index. */
  @FunctionalInterface
  private interface SourceOf {
    /** Source coordinate along {@code dim} of output coordinate {@code o}, or -1 for padding. */
    int map(int dim, int o);
  }

  private static Tensor gather(Tensor x, int[] os, SourceOf f, float fpad, long lpad) {
    int r = os.length;
    int[] xs = x.shape();
    int[] st = Shapes.strides(xs);
    int n = Tensor.size(os);
    int[][] map = new int[r][];
    for (int d = 0; d < r; d++) {
      map[d] = new int[os[d]];
      for (int o = 0; o < os[d]; o++) {
        int s = f.map(d, o);
        map[d][o] = s < 0 ? -1 : s * st[d];
      }
    }
    boolean fl = x.type() == DType.FLOAT;
    float[] fo = fl ? new float[n] : null;
    long[] lo = fl ? null : new long[n];
    int[] idx = new int[r];
    for (int i = 0; i < n; i++) {
      int src = 0;
      for (int d = 0; d < r && src >= 0; d++) {
        int m = map[d][idx[d]];
        src = m < 0 ? -1 : src + m;
      }
      if (fl) {
        fo[i] = src < 0 ? fpad : x.floats()[src];
      } else {
        lo[i] = src < 0 ? lpad : x.longs()[src];
      }
      for (int d = r - 1; d >= 0; d--) {
        if (++idx[d] < os[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return fl ? Tensor.of(fo, os) : Tensor.ofLongs(lo, os);
  }

  static Built tile(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] rep = Shapes.toInts(in[1], "repeats");
          if (rep.length != x.rank()) {
            throw new OpError("repeats has " + rep.length + " values for rank " + x.rank());
          }
          int[] xs = x.shape();
          int[] os = new int[xs.length];
          for (int d = 0; d < os.length; d++) {
            if (rep[d] < 0) {
              throw new OpError("negative repeat " + rep[d]);
            }
            os[d] = small((long) xs[d] * rep[d]);
          }
          Tensor.size(os);
          return new Tensor[] {gather(x, os, (d, i) -> i % xs[d], 0, 0)};
        };
    return Built.of(o, n.type(0));
  }

  static Built pad(NodeSpec n) {
    Attrs at = n.attrs();
    boolean inputs = n.opset() >= 11;
    if (inputs) {
      at.allow("mode");
      n.arity(2, n.opset() >= 18 ? 4 : 3, 1, 1);
      n.requireInt(1);
      n.requireInt(3);
      if (n.has(2) && n.type(2) != n.type(0)) {
        throw new OpError("constant_value has another element type than the data");
      }
    } else {
      at.allow("mode", "pads", "value");
      n.arity(1, 1, 1, 1);
      if (!at.has("pads")) {
        throw new OpError("attribute 'pads' is required");
      }
    }
    String mode = at.s("mode", "constant");
    if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
      throw new OpError("unsupported mode '" + mode + "'");
    }
    long[] attrPads = at.ints("pads");
    float attrValue = at.f("value", 0f);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int r = x.rank();
          long[] raw = inputs ? in[1].longs() : attrPads;
          float fv = attrValue;
          long lv = 0;
          if (inputs && in.length > 2 && in[2] != null) {
            if (in[2].size() != 1) {
              throw new OpError("constant_value must be a scalar, is " + in[2]);
            }
            fv = (float) in[2].getDouble(0);
            lv = in[2].getLong(0);
          }
          int[] axes;
          if (inputs && in.length > 3 && in[3] != null) {
            int[] a = Shapes.toInts(in[3], "axes");
            axes = new int[a.length];
            for (int i = 0; i < a.length; i++) {
              axes[i] = Shapes.axis(a[i], r, "axis");
            }
          } else {
            axes = new int[r];
            for (int i = 0; i < r; i++) {
              axes[i] = i;
            }
          }
          if (raw.length != 2 * axes.length) {
            throw new OpError("pads has " + raw.length + " values for " + axes.length + " axes");
          }
          int[] begin = new int[r];
          int[] end = new int[r];
          for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = small(raw[i]);
            end[axes[i]] = small(raw[i + axes.length]);
          }
          int[] xs = x.shape();
          int[] os = new int[r];
          for (int d = 0; d < r; d++) {
            long v = (long) xs[d] + begin[d] + end[d];
            if (v < 0 || v > Integer.MAX_VALUE) {
              throw new OpError("padded dimension " + d + " would be " + v);
            }
            os[d] = (int) v;
            if (!mode.equals("constant") && os[d] > 0) {
              if (xs[d] == 0) {
                throw new OpError(mode + " padding of the empty dimension " + d);
              }
              if (mode.equals("reflect") && (begin[d] >= xs[d] || end[d] >= xs[d])) {
                throw new OpError(
                    "reflect pads "
                        + begin[d]
                        + ", "
                        + end[d]
                        + " exceed dimension "
                        + d
                        + " of size "
                        + xs[d]
                        + " minus 1");
              }
            }
          }
          Tensor.size(os);
          SourceOf f =
              (d, i) -> {
                int s = i - begin[d];
                int len = xs[d];
                if (s >= 0 && s < len) {
                  return s;
                }
                return switch (mode) {
                  case "edge" -> s < 0 ? 0 : len - 1;
                  case "reflect" -> s < 0 ? -s : 2 * (len - 1) - s;
                  default -> -1;
                };
              };
          return new Tensor[] {gather(x, os, f, fv, lv)};
        };
    return Built.of(o, n.type(0));
  }

  static Built range(NodeSpec n) {
    n.attrs().allow();
    n.arity(3, 3, 1, 1);
    if (n.type(1) != n.type(0) || n.type(2) != n.type(0)) {
      throw new OpError("start, limit and delta have different element types");
    }
    Op o =
        (in, cx) -> {
          for (int i = 0; i < 3; i++) {
            if (in[i].size() != 1) {
              throw new OpError("input " + i + " must be a scalar, is " + in[i]);
            }
          }
          if (in[0].type() == DType.FLOAT) {
            float start = in[0].floats()[0];
            float limit = in[1].floats()[0];
            float delta = in[2].floats()[0];
            if (delta == 0) {
              throw new OpError("delta is 0");
            }
            double cnt = Math.ceil(((double) limit - start) / delta);
            int len = count(cnt);
            float[] y = new float[len];
            float v = start;
            for (int i = 0; i < len; i++) {
              y[i] = v;
              v += delta;
            }
            return new Tensor[] {Tensor.of(y, len)};
          }
          long start = in[0].longs()[0];
          long limit = in[1].longs()[0];
          long delta = in[2].longs()[0];
          if (delta == 0) {
            throw new OpError("delta is 0");
          }
          double cnt = Math.ceil(((double) limit - start) / delta);
          int len = count(cnt);
          long[] y = new long[len];
          for (int i = 0; i < len; i++) {
            y[i] = start + i * delta;
          }
          return new Tensor[] {Tensor.ofLongs(y, len)};
        };
    return Built.of(o, n.type(0));
  }

  private static int small(long v) {
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new OpError("size " + v + " out of range");
    }
    return (int) v;
  }

  private static int count(double cnt) {
    if (cnt > Integer.MAX_VALUE) {
      throw new OpError("range of " + cnt + " elements is too large");
    }
    return (int) Math.max(0, cnt);
  }
}
