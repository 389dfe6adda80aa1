package org.exmy.nn.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Operators that change only a shape, or make a tensor from one, on float or int64 tensors:
 * Identity, Dropout, Shape, Reshape, Flatten, Squeeze, Unsqueeze, Expand, ConstantOfShape (the
 * data-movement operators are in {@link ShapeOps}).
 */
final class ReshapeOps {
  private ReshapeOps() {}

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
      if (n.isConst(2)
          && n.consts()[2].size() == 1
          && n.consts()[2].getLong(0) != 0
          && !(n.isConst(1) && n.consts()[1].size() == 1 && n.consts()[1].getDouble(0) == 0)) {
        throw new OpError(TRAINING);
      }
    }
    int outs = n.numOutputs();
    n.requireFloat(0);
    Op op =
        (in, cx) -> {
          // training mode drops at random unless the ratio is 0
          if (in.length > 2
              && in[2] != null
              && in[2].size() == 1
              && in[2].getLong(0) != 0
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
          int a = (int) ShapeOps.clamp(start < 0 ? start + r : start, 0, r);
          int b = end == null ? r : (int) ShapeOps.clamp(end < 0 ? end + r : end, 0, r);
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
          return new Tensor[] {ShapeOps.strided(x, os, st, 0)};
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
}
