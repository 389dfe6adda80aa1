package org.exmy.nn.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Shape and data-movement operators on float or int64 tensors: Identity, Dropout, Shape,
 * Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Gather, Slice, Split, Expand,
 * ConstantOfShape.
 */
final class ShapeOps {
  private ShapeOps() {}

  static Built identity(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 1, 1, 1);
    return Built.of((in, cx) -> new Tensor[] {in[0]}, n.type(0));
  }

  private static final String TRAINING =
      "training_mode=true with a ratio other than 0 (random dropout) is not supported";

  /** Dropout: the identity at inference, and in training mode with ratio 0; mask all true. */
  static Built dropout(NodeSpec n) {
    Attrs at = n.attrs();
    if (n.opset() < 12) {
      at.allow("ratio", "is_test");
      n.arity(1, 1, 1, 2);
      if (n.opset() < 7 && at.i("is_test", 0) == 0) {
        throw new OpError("is_test=0 (training mode) is not supported");
      }
    } else {
      at.allow("seed");
      n.arity(1, 3, 1, 2);
      n.requireInt(2);
      if (n.isConst(2) && n.consts()[2].size() == 1 && n.consts()[2].getLong(0) != 0
          && !(n.isConst(1) && n.consts()[1].size() == 1 && n.consts()[1].getDouble(0) == 0)) {
        throw new OpError(TRAINING);
      }
    }
    int outs = n.numOutputs();
    n.requireFloat(0);
    Op op =
        (in, cx) -> {
          // training mode drops at random unless the ratio is 0
          if (in.length > 2 && in[2] != null && in[2].size() == 1 && in[2].getLong(0) != 0
              && (in[1] == null || in[1].size() != 1 || in[1].getDouble(0) != 0)) {
            throw new OpError(TRAINING);
          }
          Tensor[] r = new Tensor[outs];
          r[0] = in[0];
          if (outs > 1) {
            long[] mask = new long[in[0].size()];
            Arrays.fill(mask, 1L);
            r[1] = Tensor.ofLongs(mask, in[0].shape());
          }
          return r;
        };
    return outs > 1 ? Built.of(op, n.type(0), DType.INT64) : Built.of(op, n.type(0));
  }

  static Built shape(NodeSpec n) {
    n.attrs().allow("start", "end");
    n.arity(1, 1, 1, 1);
    long start = n.attrs().i("start", 0);
    Long end = n.attrs().has("end") ? n.attrs().i("end", 0) : null;
    Op op =
        (in, cx) -> {
          int[] s = in[0].shape();
          int r = s.length;
          int a = (int) clamp(start < 0 ? start + r : start, 0, r);
          int b = end == null ? r : (int) clamp(end < 0 ? end + r : end, 0, r);
          return new Tensor[] {Shapes.vector(Arrays.copyOfRange(s, a, Math.max(a, b)))};
        };
    return Built.of(op, DType.INT64);
  }

  static Built reshape(NodeSpec n) {
    n.attrs().allow("allowzero");
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    boolean allowZero = n.attrs().i("allowzero", 0) != 0;
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          long[] spec = in[1].longs();
          int[] xs = x.shape();
          int[] out = new int[spec.length];
          int infer = -1;
          long known = 1;
          for (int i = 0; i < spec.length; i++) {
            long v = spec[i];
            if (v == -1) {
              if (infer >= 0) {
                throw new OpError("more than one -1 in shape " + Arrays.toString(spec));
              }
              infer = i;
              continue;
            }
            if (v == 0 && !allowZero) {
              if (i >= xs.length) {
                throw new OpError("shape " + Arrays.toString(spec) + " copies a missing dim");
              }
              v = xs[i];
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
              throw new OpError("invalid shape value " + v);
            }
            out[i] = (int) v;
            known *= v;
          }
          if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
              throw new OpError("cannot reshape " + x + " to " + Arrays.toString(spec));
            }
            out[infer] = (int) (x.size() / known);
          } else if (known != x.size()) {
            throw new OpError("cannot reshape " + x + " to " + Arrays.toString(spec));
          }
          return new Tensor[] {x.reshape(out)};
        };
    return Built.of(op, n.type(0));
  }

  static Built flatten(NodeSpec n) {
    n.attrs().allow("axis");
    n.arity(1, 1, 1, 1);
    long axisAttr = n.attrs().i("axis", 1);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int r = x.rank();
          long a = axisAttr < 0 ? axisAttr + r : axisAttr;
          if (a < 0 || a > r) {
            throw new OpError("axis " + axisAttr + " out of range for rank " + r);
          }
          int outer = Tensor.size(Arrays.copyOf(x.shape(), (int) a));
          int inner = outer == 0 ? 0 : x.size() / outer;
          if (outer == 0) {
            inner = Tensor.size(Arrays.copyOfRange(x.shape(), (int) a, r));
          }
          return new Tensor[] {x.reshape(outer, inner)};
        };
    return Built.of(op, n.type(0));
  }

  static Built squeeze(NodeSpec n) {
    boolean input = n.opset() >= 13;
    long[] attrAxes = axesSetup(n, input, 1, 2);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          long[] axes = input ? (in.length > 1 && in[1] != null ? in[1].longs() : null) : attrAxes;
          int[] s = x.shape();
          boolean[] drop = new boolean[s.length];
          if (axes == null) {
            for (int i = 0; i < s.length; i++) {
              drop[i] = s[i] == 1;
            }
          } else {
            for (long a : axes) {
              int ax = Shapes.axis(a, s.length, "axis");
              if (s[ax] != 1) {
                throw new OpError("cannot squeeze axis " + a + " of " + x);
              }
              drop[ax] = true;
            }
          }
          List<Integer> keep = new ArrayList<>();
          for (int i = 0; i < s.length; i++) {
            if (!drop[i]) {
              keep.add(s[i]);
            }
          }
          return new Tensor[] {x.reshape(keep.stream().mapToInt(Integer::intValue).toArray())};
        };
    return Built.of(op, n.type(0));
  }

  static Built unsqueeze(NodeSpec n) {
    boolean input = n.opset() >= 13;
    long[] attrAxes = axesSetup(n, input, 2, 2);
    if (!input && attrAxes == null) {
      throw new OpError("axes is required");
    }
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          long[] axes = input ? in[1].longs() : attrAxes;
          int r = x.rank() + axes.length;
          boolean[] added = new boolean[r];
          for (long a : axes) {
            int ax = Shapes.axis(a, r, "axis");
            if (added[ax]) {
              throw new OpError("repeated axis " + a);
            }
            added[ax] = true;
          }
          int[] s = x.shape();
          int[] out = new int[r];
          for (int i = 0, j = 0; i < r; i++) {
            out[i] = added[i] ? 1 : s[j++];
          }
          return new Tensor[] {x.reshape(out)};
        };
    return Built.of(op, n.type(0));
  }

  /** Common checks of Squeeze/Unsqueeze; returns the axes attribute (opset < 13) or null. */
  private static long[] axesSetup(NodeSpec n, boolean input, int minIn, int maxIn) {
    if (input) {
      n.attrs().allow();
      n.arity(minIn, maxIn, 1, 1);
      n.requireInt(1);
      return null;
    }
    n.attrs().allow("axes");
    n.arity(1, 1, 1, 1);
    return n.attrs().ints("axes");
  }

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
          return new Tensor[] {fl ? Tensor.of((float[]) dst, os) : Tensor.ofLongs((long[]) dst, os)};
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
          return new Tensor[] {fl ? Tensor.of((float[]) dst, os) : Tensor.ofLongs((long[]) dst, os)};
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
    if (ends.length != starts.length || (axes != null && axes.length != starts.length)
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
          long[] parts = opset < 13 ? splitAttr : (in.length > 1 && in[1] != null ? in[1].longs() : null);
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
              throw new OpError("dimension " + dim + " does not split into " + outs + " equal parts");
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

  static Built expand(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int[] target = Shapes.toInts(in[1], "shape");
          int[] os = Shapes.broadcast(x.shape(), target);
          int[] st = Shapes.broadcastStrides(x.shape(), os);
          return new Tensor[] {strided(x, os, st, 0)};
        };
    return Built.of(op, n.type(0));
  }

  static Built constantOfShape(NodeSpec n) {
    n.attrs().allow("value");
    n.arity(1, 1, 1, 1);
    n.requireInt(0);
    Tensor value = n.attrs().t("value");
    if (value != null && value.size() != 1) {
      throw new OpError("value must have one element, has " + value.size());
    }
    Tensor v = value == null ? Tensor.scalar(0f) : value;
    Op op =
        (in, cx) -> {
          int[] shape = Shapes.toInts(in[0], "shape");
          for (int d : shape) {
            if (d < 0) {
              throw new OpError("negative dimension in shape " + Arrays.toString(shape));
            }
          }
          int size = Tensor.size(shape);
          if (v.type() == DType.FLOAT) {
            float[] a = new float[size];
            Arrays.fill(a, v.floats()[0]);
            return new Tensor[] {Tensor.of(a, shape)};
          }
          long[] a = new long[size];
          Arrays.fill(a, v.longs()[0]);
          return new Tensor[] {Tensor.ofLongs(a, shape)};
        };
    return Built.of(op, v.type());
  }

  static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
