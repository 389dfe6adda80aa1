package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Data-movement operators on float or int64 tensors: Transpose, Concat, Gather, Slice, Split (the
 * operators that only change a shape are in {@link ReshapeOps}).
 */
final class ShapeOps {
  private ShapeOps() {}

  static Built transpose(NodeSpec n) {
    n.attrs().allow("perm");
    n.arity(1, 1, 1, 1);
    int[] permAttr = n.attrs().intArray("perm");
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int r = x.rank();
          int[] perm = permAttr;
          if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
              perm[i] = r - 1 - i;
            }
          }
          if (perm.length != r) {
            throw new OpError("perm " + Arrays.toString(perm) + " does not fit " + x);
          }
          boolean[] seen = new boolean[r];
          for (int p : perm) {
            if (p < 0 || p >= r || seen[p]) {
              throw new OpError("perm " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[p] = true;
          }
          int[] s = x.shape();
          int[] st = Shapes.strides(s);
          int[] os = new int[r];
          int[] srcStride = new int[r];
          for (int i = 0; i < r; i++) {
            os[i] = s[perm[i]];
            srcStride[i] = st[perm[i]];
          }
          return new Tensor[] {strided(x, os, srcStride, 0)};
        };
    return Built.of(op, n.type(0));
  }

  /** Copies the elements {@code offset + sum idx[d]*stride[d]} of {@code x} into a new tensor. */
  static Tensor strided(Tensor x, int[] outShape, int[] stride, int offset) {
    int size = Tensor.size(outShape);
    int r = outShape.length;
    int[] idx = new int[r];
    int off = offset;
    if (x.type() == DType.FLOAT) {
      float[] src = x.floats();
      float[] dst = new float[size];
      for (int i = 0; i < size; i++) {
        dst[i] = src[off];
        for (int d = r - 1; d >= 0; d--) {
          off += stride[d];
          if (++idx[d] < outShape[d]) {
            break;
          }
          off -= stride[d] * outShape[d];
          idx[d] = 0;
        }
      }
      return Tensor.of(dst, outShape);
    }
    long[] src = x.longs();
    long[] dst = new long[size];
    for (int i = 0; i < size; i++) {
      dst[i] = src[off];
      for (int d = r - 1; d >= 0; d--) {
        off += stride[d];
        if (++idx[d] < outShape[d]) {
          break;
        }
        off -= stride[d] * outShape[d];
        idx[d] = 0;
      }
    }
    return Tensor.ofLongs(dst, outShape);
  }

  static Built concat(NodeSpec n) {
    n.attrs().allow("axis");
    if (!n.attrs().has("axis")) {
      throw new OpError("axis is required");
    }
    n.arity(1, Integer.MAX_VALUE, 1, 1);
    for (int i = 1; i < n.inTypes().length; i++) {
      if (n.type(i) != n.type(0)) {
        throw new OpError("inputs have different element types");
      }
    }
    long axisAttr = n.attrs().i("axis", 0);
    Op op =
        (in, cx) -> {
          int[] s0 = in[0].shape();
          int r = s0.length;
          int axis = Shapes.axis(axisAttr, r, "axis");
          int total = 0;
          for (Tensor t : in) {
            int[] s = t.shape();
            for (int d = 0; d < r; d++) {
              if (s.length != r || (d != axis && s[d] != s0[d])) {
                throw new OpError("cannot concatenate " + in[0] + " and " + t);
              }
            }
            total += s[axis];
          }
          int[] os = s0.clone();
          os[axis] = total;
          int outer = Tensor.size(Arrays.copyOf(s0, axis));
          int inner = Tensor.size(Arrays.copyOfRange(s0, axis + 1, r));
          boolean fl = in[0].type() == DType.FLOAT;
          Object dst = fl ? new float[Tensor.size(os)] : new long[Tensor.size(os)];
          int rowOut = total * inner;
          int at = 0;
          for (Tensor t : in) {
            int chunk = t.dim(axis) * inner;
            Object src = fl ? t.floats() : t.longs();
            for (int o = 0; o < outer; o++) {
              System.arraycopy(src, o * chunk, dst, o * rowOut + at, chunk);
            }
            at += chunk;
          }
          return new Tensor[] {
            fl ? Tensor.of((float[]) dst, os) : Tensor.ofLongs((long[]) dst, os)
          };
        };
    return Built.of(op, n.type(0));
  }

  static Built gather(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    long axisAttr = n.attrs().i("axis", 0);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          Tensor ind = in[1];
          int r = x.rank();
          int axis = Shapes.axis(axisAttr, r, "axis");
          int[] s = x.shape();
          int dim = s[axis];
          int outer = Tensor.size(Arrays.copyOf(s, axis));
          int inner = Tensor.size(Arrays.copyOfRange(s, axis + 1, r));
          long[] idx = ind.longs();
          int[] os = new int[r - 1 + ind.rank()];
          System.arraycopy(s, 0, os, 0, axis);
          System.arraycopy(ind.shape(), 0, os, axis, ind.rank());
          System.arraycopy(s, axis + 1, os, axis + ind.rank(), r - axis - 1);
          int[] rows = new int[idx.length];
          for (int i = 0; i < idx.length; i++) {
            long v = idx[i] < 0 ? idx[i] + dim : idx[i];
            if (v < 0 || v >= dim) {
              throw new OpError("index " + idx[i] + " out of range for dimension " + dim);
            }
            rows[i] = (int) v;
          }
          boolean fl = x.type() == DType.FLOAT;
          Object src = fl ? x.floats() : x.longs();
          Object dst = fl ? new float[Tensor.size(os)] : new long[Tensor.size(os)];
          int p = 0;
          for (int o = 0; o < outer; o++) {
            for (int row : rows) {
              System.arraycopy(src, (o * dim + row) * inner, dst, p, inner);
              p += inner;
            }
          }
          return new Tensor[] {
            fl ? Tensor.of((float[]) dst, os) : Tensor.ofLongs((long[]) dst, os)
          };
        };
    return Built.of(op, n.type(0));
  }

  static Built slice(NodeSpec n) {
    boolean inputs = n.opset() >= 10;
    long[][] attr = new long[3][];
    if (inputs) {
      n.attrs().allow();
      n.arity(3, 5, 1, 1);
      for (int i = 1; i < 5; i++) {
        n.requireInt(i);
      }
    } else {
      n.attrs().allow("starts", "ends", "axes");
      n.arity(1, 1, 1, 1);
      attr[0] = n.attrs().ints("starts");
      attr[1] = n.attrs().ints("ends");
      attr[2] = n.attrs().ints("axes");
      if (attr[0] == null || attr[1] == null) {
        throw new OpError("starts and ends are required");
      }
    }
    Op op =
        (in, cx) -> {
          long[] starts = inputs ? in[1].longs() : attr[0];
          long[] ends = inputs ? in[2].longs() : attr[1];
          long[] axes = inputs ? (in.length > 3 && in[3] != null ? in[3].longs() : null) : attr[2];
          long[] steps = inputs && in.length > 4 && in[4] != null ? in[4].longs() : null;
          return new Tensor[] {slice(in[0], starts, ends, axes, steps)};
        };
    return Built.of(op, n.type(0));
  }

  private static Tensor slice(Tensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = x.rank();
    int[] s = x.shape();
    if (ends.length != starts.length
        || (axes != null && axes.length != starts.length)
        || (steps != null && steps.length != starts.length)) {
      throw new OpError("starts, ends, axes and steps differ in length");
    }
    int[] begin = new int[r];
    int[] step = new int[r];
    int[] os = s.clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[r];
    for (int i = 0; i < starts.length; i++) {
      int ax = axes == null ? i : Shapes.axis(axes[i], r, "axis");
      if (seen[ax]) {
        throw new OpError("repeated axis " + ax);
      }
      seen[ax] = true;
      long st = steps == null ? 1 : steps[i];
      if (st == 0 || st > Integer.MAX_VALUE || st < -Integer.MAX_VALUE) {
        throw new OpError("invalid step " + st);
      }
      long dim = s[ax];
      long b = starts[i] < 0 ? starts[i] + dim : starts[i];
      long e = ends[i] < 0 ? ends[i] + dim : ends[i];
      long len;
      if (st > 0) {
        b = clamp(b, 0, dim);
        e = clamp(e, 0, dim);
        len = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = clamp(b, 0, dim - 1);
        e = clamp(e, -1, dim - 1);
        len = b > e ? (b - e - st - 1) / -st : 0;
      }
      begin[ax] = (int) Math.max(b, 0);
      step[ax] = (int) st;
      os[ax] = (int) len;
    }
    int[] st = Shapes.strides(s);
    int offset = 0;
    int[] stride = new int[r];
    for (int d = 0; d < r; d++) {
      stride[d] = st[d] * step[d];
      if (os[d] > 0) {
        offset += begin[d] * st[d];
      }
    }
    if (Tensor.size(os) == 0) {
      return Tensor.zeros(x.type(), os);
    }
    return strided(x, os, stride, offset);
  }

  static Built split(NodeSpec n) {
    Attrs at = n.attrs();
    int opset = n.opset();
    if (opset < 13) {
      at.allow("axis", "split");
      n.arity(1, 1, 1, Integer.MAX_VALUE);
    } else {
      if (opset >= 18) {
        at.allow("axis", "num_outputs");
      } else {
        at.allow("axis");
      }
      n.arity(1, 2, 1, Integer.MAX_VALUE);
      n.requireInt(1);
    }
    long axisAttr = at.i("axis", 0);
    long[] splitAttr = at.ints("split");
    int outs = n.numOutputs();
    if (at.has("num_outputs") && at.i("num_outputs", 0) != outs) {
      throw new OpError("num_outputs " + at.i("num_outputs", 0) + " but " + outs + " outputs");
    }
    boolean ceilParts = opset >= 18;
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int axis = Shapes.axis(axisAttr, x.rank(), "axis");
          int dim = x.dim(axis);
          long[] parts =
              opset < 13 ? splitAttr : (in.length > 1 && in[1] != null ? in[1].longs() : null);
          int[] sizes = new int[outs];
          if (parts != null && parts.length > 0) {
            if (parts.length != outs) {
              throw new OpError("split has " + parts.length + " values for " + outs + " outputs");
            }
            long sum = 0;
            for (int i = 0; i < outs; i++) {
              if (parts[i] < 0) {
                throw new OpError("negative split size " + parts[i]);
              }
              sizes[i] = (int) parts[i];
              sum += parts[i];
            }
            if (sum != dim) {
              throw new OpError("split sizes sum to " + sum + ", dimension is " + dim);
            }
          } else if (ceilParts) {
            int chunk = (dim + outs - 1) / outs;
            for (int i = 0; i < outs; i++) {
              sizes[i] = Math.max(0, Math.min(chunk, dim - i * chunk));
            }
            if (chunk * (outs - 1) >= dim && outs > 1) {
              throw new OpError("cannot split dimension " + dim + " into " + outs + " parts");
            }
          } else {
            if (dim % outs != 0) {
              throw new OpError(
                  "dimension " + dim + " does not split into " + outs + " equal parts");
            }
            Arrays.fill(sizes, dim / outs);
          }
          Tensor[] res = new Tensor[outs];
          long at0 = 0;
          for (int i = 0; i < outs; i++) {
            long[] axesArr = {axis};
            res[i] = slice(x, new long[] {at0}, new long[] {at0 + sizes[i]}, axesArr, null);
            at0 += sizes[i];
          }
          return res;
        };
    DType[] types = new DType[outs];
    Arrays.fill(types, n.type(0));
    return Built.of(op, types);
  }

  static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
