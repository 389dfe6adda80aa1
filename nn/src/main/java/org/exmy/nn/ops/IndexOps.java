package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Index-driven operators on float or int64 data: GatherElements, ScatterElements (reduction none,
 * add, mul, max, min), GatherND (batch_dims), ScatterND (reduction none, add, mul, max, min),
 * OneHot, Compress and NonZero. Indices may be negative (counted from the end) and are checked
 * against the extent they index.
 */
final class IndexOps {
  private IndexOps() {}

  /** Element {@code src[i]} of a float or int64 tensor copied into {@code dst[j]}. */
  private static void copy(Tensor src, int i, Object dst, int j) {
    if (src.type() == DType.FLOAT) {
      ((float[]) dst)[j] = src.floats()[i];
    } else {
      ((long[]) dst)[j] = src.longs()[i];
    }
  }

  private static Object alloc(DType t, int n) {
    return t == DType.FLOAT ? new float[n] : new long[n];
  }

  private static Tensor wrap(DType t, Object data, int[] shape) {
    return t == DType.FLOAT
        ? Tensor.of((float[]) data, shape)
        : Tensor.ofLongs((long[]) data, shape);
  }

  private static Object dup(Tensor t) {
    return t.type() == DType.FLOAT ? t.floats().clone() : t.longs().clone();
  }

  /** An index into an extent of {@code dim}, negative ones counted from the end. */
  private static int index(long v, int dim, String what) {
    long w = v < 0 ? v + dim : v;
    if (w < 0 || w >= dim) {
      throw new OpError(what + " index " + v + " is out of range for extent " + dim);
    }
    return (int) w;
  }

  private static String reduction(NodeSpec n) {
    String red = n.attrs().s("reduction", "none");
    switch (red) {
      case "none", "add", "mul" -> {}
      case "max", "min" -> {
        if (n.opset() < 18) {
          throw new OpError("reduction '" + red + "' is not supported before opset 18");
        }
      }
      default -> throw new OpError("reduction '" + red + "' is not supported");
    }
    return red;
  }

  /** {@code dst[j] = red(dst[j], src[i])}. */
  private static void apply(String red, Tensor src, int i, Object dst, int j) {
    if (src.type() == DType.FLOAT) {
      float[] d = (float[]) dst;
      float v = src.floats()[i];
      d[j] =
          switch (red) {
            case "add" -> d[j] + v;
            case "mul" -> d[j] * v;
            case "max" -> Math.max(d[j], v);
            case "min" -> Math.min(d[j], v);
            default -> v;
          };
    } else {
      long[] d = (long[]) dst;
      long v = src.longs()[i];
      d[j] =
          switch (red) {
            case "add" -> d[j] + v;
            case "mul" -> d[j] * v;
            case "max" -> Math.max(d[j], v);
            case "min" -> Math.min(d[j], v);
            default -> v;
          };
    }
  }

  /**
   * For every element of a tensor of shape {@code idxShape}, the flat offset in a tensor of shape
   * {@code dataShape} of the same coordinates with the one along {@code axis} replaced by the index
   * value.
   */
  private static int[] elementOffsets(int[] dataShape, int[] idxShape, long[] idx, int axis) {
    int r = dataShape.length;
    if (idxShape.length != r) {
      throw new OpError("indices rank " + idxShape.length + " differs from data rank " + r);
    }
    for (int d = 0; d < r; d++) {
      if (d != axis && idxShape[d] > dataShape[d]) {
        throw new OpError(
            "indices shape "
                + Shapes.str(idxShape)
                + " exceeds data shape "
                + Shapes.str(dataShape));
      }
    }
    int[] st = Shapes.strides(dataShape);
    int[] c = new int[r];
    int[] out = new int[idx.length];
    for (int p = 0; p < idx.length; p++) {
      int off = 0;
      for (int d = 0; d < r; d++) {
        off += (d == axis ? index(idx[p], dataShape[axis], "axis " + axis) : c[d]) * st[d];
      }
      out[p] = off;
      for (int d = r - 1; d >= 0; d--) {
        if (++c[d] < idxShape[d]) {
          break;
        }
        c[d] = 0;
      }
    }
    return out;
  }

  static Built gatherElements(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    long axisAttr = n.attrs().i("axis", 0);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int axis = Shapes.axis(axisAttr, x.rank(), "axis");
          int[] off = elementOffsets(x.shape(), in[1].shape(), in[1].longs(), axis);
          Object y = alloc(x.type(), off.length);
          for (int p = 0; p < off.length; p++) {
            copy(x, off[p], y, p);
          }
          return new Tensor[] {wrap(x.type(), y, in[1].shape())};
        };
    return Built.of(o, n.type(0));
  }

  static Built scatterElements(NodeSpec n) {
    if (n.opset() >= 16) {
      n.attrs().allow("axis", "reduction");
    } else {
      n.attrs().allow("axis");
    }
    n.arity(3, 3, 1, 1);
    n.requireInt(1);
    if (n.type(0) != n.type(2)) {
      throw new OpError("data and updates have different element types");
    }
    long axisAttr = n.attrs().i("axis", 0);
    String red = reduction(n);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          Tensor u = in[2];
          if (!Arrays.equals(in[1].shape(), u.shape())) {
            throw new OpError(
                "indices shape "
                    + Shapes.str(in[1].shape())
                    + " differs from updates shape "
                    + Shapes.str(u.shape()));
          }
          int axis = Shapes.axis(axisAttr, x.rank(), "axis");
          int[] off = elementOffsets(x.shape(), u.shape(), in[1].longs(), axis);
          Object y = dup(x);
          for (int p = 0; p < off.length; p++) {
            apply(red, u, p, y, off[p]);
          }
          return new Tensor[] {wrap(x.type(), y, x.shape())};
        };
    return Built.of(o, n.type(0));
  }

  /**
   * For each index tuple (the last dimension of {@code idx}) the flat offset of the slice it
   * selects in {@code data}, whose first {@code b} dimensions are batch dimensions shared with the
   * indices.
   */
  private static int[] tupleOffsets(int[] ds, Tensor idx, int b) {
    int[] is = idx.shape();
    int q = is.length;
    if (q < 1 || ds.length < 1) {
      throw new OpError("data and indices must have rank >= 1");
    }
    int k = is[q - 1];
    if (b < 0 || b >= Math.min(q, ds.length) || k + b > ds.length) {
      throw new OpError(
          "indices last dimension "
              + k
              + " with batch_dims "
              + b
              + " does not fit data rank "
              + ds.length);
    }
    for (int d = 0; d < b; d++) {
      if (is[d] != ds[d]) {
        throw new OpError("batch dimension " + d + " differs between data and indices");
      }
    }
    int[] st = Shapes.strides(ds);
    long[] iv = idx.longs();
    int tuples = k == 0 ? Tensor.size(Arrays.copyOf(is, q - 1)) : iv.length / k;
    int perBatch = 1;
    for (int d = b; d < q - 1; d++) {
      perBatch *= is[d];
    }
    int[] out = new int[tuples];
    for (int t = 0; t < tuples; t++) {
      int off = 0;
      int rem = perBatch == 0 ? 0 : t / perBatch;
      for (int d = b - 1; d >= 0; d--) {
        off += (rem % ds[d]) * st[d];
        rem /= ds[d];
      }
      for (int j = 0; j < k; j++) {
        off += index(iv[t * k + j], ds[b + j], "dimension " + (b + j)) * st[b + j];
      }
      out[t] = off;
    }
    return out;
  }

  static Built gatherNd(NodeSpec n) {
    if (n.opset() >= 12) {
      n.attrs().allow("batch_dims");
    } else {
      n.attrs().allow();
    }
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    int b = (int) n.attrs().i("batch_dims", 0);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] ds = x.shape();
          int[] is = in[1].shape();
          int[] off = tupleOffsets(ds, in[1], b);
          int k = is[is.length - 1];
          int[] slice = Arrays.copyOfRange(ds, b + k, ds.length);
          int len = Tensor.size(slice);
          int[] os = new int[is.length - 1 + slice.length];
          System.arraycopy(is, 0, os, 0, is.length - 1);
          System.arraycopy(slice, 0, os, is.length - 1, slice.length);
          Object y = alloc(x.type(), off.length * len);
          for (int t = 0; t < off.length; t++) {
            for (int e = 0; e < len; e++) {
              copy(x, off[t] + e, y, t * len + e);
            }
          }
          return new Tensor[] {wrap(x.type(), y, os)};
        };
    return Built.of(o, n.type(0));
  }

  static Built scatterNd(NodeSpec n) {
    if (n.opset() >= 16) {
      n.attrs().allow("reduction");
    } else {
      n.attrs().allow();
    }
    n.arity(3, 3, 1, 1);
    n.requireInt(1);
    if (n.type(0) != n.type(2)) {
      throw new OpError("data and updates have different element types");
    }
    String red = reduction(n);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          Tensor u = in[2];
          int[] ds = x.shape();
          int[] is = in[1].shape();
          int[] off = tupleOffsets(ds, in[1], 0);
          int k = is[is.length - 1];
          int[] want = new int[is.length - 1 + ds.length - k];
          System.arraycopy(is, 0, want, 0, is.length - 1);
          System.arraycopy(ds, k, want, is.length - 1, ds.length - k);
          if (!Arrays.equals(want, u.shape())) {
            throw new OpError(
                "updates shape " + Shapes.str(u.shape()) + ", expected " + Shapes.str(want));
          }
          int len = Tensor.size(Arrays.copyOfRange(ds, k, ds.length));
          Object y = dup(x);
          for (int t = 0; t < off.length; t++) {
            for (int e = 0; e < len; e++) {
              apply(red, u, t * len + e, y, off[t] + e);
            }
          }
          return new Tensor[] {wrap(x.type(), y, ds)};
        };
    return Built.of(o, n.type(0));
  }

  static Built oneHot(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(3, 3, 1, 1);
    long axisAttr = n.attrs().i("axis", -1);
    Op o =
        (in, cx) -> {
          Tensor idx = in[0];
          if (in[1].size() != 1) {
            throw new OpError("depth must have one element, has " + in[1].size());
          }
          double dv = in[1].getDouble(0);
          if (!(dv >= 1) || dv > Integer.MAX_VALUE) {
            throw new OpError("depth " + dv + " is out of range");
          }
          int depth = (int) dv;
          Tensor vals = in[2];
          if (vals.size() != 2) {
            throw new OpError("values must have 2 elements, has " + vals.size());
          }
          int[] is = idx.shape();
          int r = is.length + 1;
          int axis = Shapes.axis(axisAttr, r, "axis");
          int[] os = new int[r];
          for (int d = 0, j = 0; d < r; d++) {
            os[d] = d == axis ? depth : is[j++];
          }
          int outer = 1;
          for (int d = 0; d < axis; d++) {
            outer *= os[d];
          }
          int inner = Tensor.size(is) / Math.max(outer, 1);
          long total = (long) Tensor.size(is) * depth;
          if (total > Integer.MAX_VALUE) {
            throw new OpError("output of " + total + " elements is too large");
          }
          Object y = alloc(vals.type(), (int) total);
          for (int p = 0; p < total; p++) {
            copy(vals, 0, y, p);
          }
          for (int p = 0; p < Tensor.size(is); p++) {
            double v = idx.getDouble(p);
            long w = (long) v;
            if (w < 0) {
              w += depth;
            }
            if (w < 0 || w >= depth) {
              continue;
            }
            int a = p / inner;
            int c = p % inner;
            copy(vals, 1, y, (a * depth + (int) w) * inner + c);
          }
          return new Tensor[] {wrap(vals.type(), y, os)};
        };
    return Built.of(o, n.type(2));
  }

  static Built compress(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    boolean hasAxis = n.attrs().has("axis");
    long axisAttr = n.attrs().i("axis", 0);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          if (!hasAxis) {
            x = x.reshape(x.size());
          }
          long[] cond = in[1].longs();
          if (in[1].rank() != 1) {
            throw new OpError("condition must be 1-D, has rank " + in[1].rank());
          }
          int[] s = x.shape();
          int axis = Shapes.axis(axisAttr, s.length, "axis");
          if (cond.length > s[axis]) {
            throw new OpError(
                "condition of length " + cond.length + " exceeds axis extent " + s[axis]);
          }
          int kept = 0;
          for (long c : cond) {
            kept += c != 0 ? 1 : 0;
          }
          int outer = 1;
          for (int d = 0; d < axis; d++) {
            outer *= s[d];
          }
          int inner = 1;
          for (int d = axis + 1; d < s.length; d++) {
            inner *= s[d];
          }
          int[] os = s.clone();
          os[axis] = kept;
          Object y = alloc(x.type(), outer * kept * inner);
          int q = 0;
          for (int a = 0; a < outer; a++) {
            for (int i = 0; i < cond.length; i++) {
              if (cond[i] == 0) {
                continue;
              }
              int base = (a * s[axis] + i) * inner;
              for (int c = 0; c < inner; c++) {
                copy(x, base + c, y, q++);
              }
            }
          }
          return new Tensor[] {wrap(x.type(), y, os)};
        };
    return Built.of(o, n.type(0));
  }

  static Built nonZero(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 1, 1, 1);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          int r = Math.max(s.length, 1);
          int nz = 0;
          for (int i = 0; i < x.size(); i++) {
            nz += x.getDouble(i) != 0 ? 1 : 0;
          }
          long[] y = new long[r * nz];
          int[] c = new int[s.length];
          int q = 0;
          for (int i = 0; i < x.size(); i++) {
            if (x.getDouble(i) != 0) {
              for (int d = 0; d < s.length; d++) {
                y[d * nz + q] = c[d];
              }
              q++;
            }
            for (int d = s.length - 1; d >= 0; d--) {
              if (++c[d] < s[d]) {
                break;
              }
              c[d] = 0;
            }
          }
          return new Tensor[] {Tensor.ofLongs(y, r, nz)};
        };
    return Built.of(o, DType.INT64);
  }
}
