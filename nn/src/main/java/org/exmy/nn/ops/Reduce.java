package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum,
 * ReduceLogSumExp (axes as an attribute, or as an optional int64 input from opset 13 for ReduceSum
 * and 18 for the others; keepdims; noop_with_empty_axes; no axes means all), ArgMax / ArgMin (axis,
 * keepdims, select_last_index), TopK (largest, sorted; values and int64 indices, ties to the lower
 * index) and CumSum (exclusive, reverse). Float sums and products accumulate in double (LogSumExp
 * around the maximum); Max, Min, Sum, Prod, L1, SumSquare and the Arg and TopK operators also take
 * int64.
 */
final class Reduce {
  private Reduce() {}

  static final String[] REDUCE = {
    "ReduceSum",
    "ReduceMax",
    "ReduceMin",
    "ReduceProd",
    "ReduceL2",
    "ReduceL1",
    "ReduceSumSquare",
    "ReduceLogSum",
    "ReduceLogSumExp"
  };

  /** Geometry of a reduction: out index of every input element and the reduced count. */
  record Plan(int[] kept, int[] outShape, int[] outIndex, int count) {}

  static Plan plan(int[] s, boolean[] red, boolean keep) {
    int r = s.length;
    int[] kept = s.clone();
    int count = 1;
    for (int i = 0; i < r; i++) {
      if (red[i]) {
        kept[i] = 1;
        count *= s[i];
      }
    }
    int[] st = Shapes.broadcastStrides(kept, s);
    int n = Tensor.size(s);
    int[] outIndex = new int[n];
    int[] idx = new int[r];
    int off = 0;
    for (int i = 0; i < n; i++) {
      outIndex[i] = off;
      for (int d = r - 1; d >= 0; d--) {
        off += st[d];
        if (++idx[d] < s[d]) {
          break;
        }
        off -= st[d] * s[d];
        idx[d] = 0;
      }
    }
    int[] os = kept;
    if (!keep) {
      int nr = 0;
      for (boolean b : red) {
        nr += b ? 0 : 1;
      }
      os = new int[nr];
      for (int i = 0, j = 0; i < r; i++) {
        if (!red[i]) {
          os[j++] = s[i];
        }
      }
    }
    return new Plan(kept, os, outIndex, count);
  }

  static Built reduce(NodeSpec n) {
    Attrs at = n.attrs();
    String op = n.opType();
    int since = op.equals("ReduceSum") ? 13 : 18;
    boolean axesInput = n.opset() >= since;
    if (axesInput) {
      at.allow("keepdims", "noop_with_empty_axes");
      n.arity(1, 2, 1, 1);
      n.requireInt(1);
    } else {
      at.allow("axes", "keepdims");
      n.arity(1, 1, 1, 1);
    }
    if (op.equals("ReduceL2") || op.equals("ReduceLogSum") || op.equals("ReduceLogSumExp")) {
      n.requireFloat(0);
    }
    boolean keep = at.i("keepdims", 1) != 0;
    boolean noop = at.i("noop_with_empty_axes", 0) != 0;
    long[] attrAxes = at.ints("axes");
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          long[] axes =
              axesInput ? (in.length > 1 && in[1] != null ? in[1].longs() : null) : attrAxes;
          boolean empty = axes == null || axes.length == 0;
          if (empty && noop) {
            return new Tensor[] {x};
          }
          int r = x.rank();
          boolean[] red = new boolean[r];
          if (empty) {
            Arrays.fill(red, true);
          } else {
            for (long a : axes) {
              red[Shapes.axis(a, r, "axis")] = true;
            }
          }
          Plan p = plan(x.shape(), red, keep);
          int outN = Tensor.size(p.kept());
          if (p.count() == 0 && (op.equals("ReduceMax") || op.equals("ReduceMin")) && outN > 0) {
            throw new OpError(op + " over an empty axis");
          }
          return new Tensor[] {apply(op, x, p, outN)};
        };
    return Built.of(o, n.type(0));
  }

  private static Tensor apply(String op, Tensor x, Plan p, int outN) {
    int[] oi = p.outIndex();
    if (x.type() == DType.INT64) {
      long[] xa = x.longs();
      long[] acc = new long[outN];
      switch (op) {
        case "ReduceMax" -> Arrays.fill(acc, Long.MIN_VALUE);
        case "ReduceMin" -> Arrays.fill(acc, Long.MAX_VALUE);
        case "ReduceProd" -> Arrays.fill(acc, 1);
        default -> {}
      }
      for (int i = 0; i < xa.length; i++) {
        int j = oi[i];
        long v = xa[i];
        acc[j] =
            switch (op) {
              case "ReduceMax" -> Math.max(acc[j], v);
              case "ReduceMin" -> Math.min(acc[j], v);
              case "ReduceProd" -> acc[j] * v;
              case "ReduceL1" -> acc[j] + Math.abs(v);
              case "ReduceSumSquare" -> acc[j] + v * v;
              default -> acc[j] + v;
            };
      }
      return Tensor.ofLongs(acc, p.outShape());
    }
    float[] xa = x.floats();
    float[] out = new float[outN];
    if (op.equals("ReduceMax") || op.equals("ReduceMin")) {
      boolean max = op.equals("ReduceMax");
      Arrays.fill(out, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
      for (int i = 0; i < xa.length; i++) {
        int j = oi[i];
        float v = xa[i];
        if (Float.isNaN(v) || Float.isNaN(out[j])) {
          out[j] = Float.NaN;
        } else {
          out[j] = max ? Math.max(out[j], v) : Math.min(out[j], v);
        }
      }
      return Tensor.of(out, p.outShape());
    }
    double[] acc = new double[outN];
    if (op.equals("ReduceProd")) {
      Arrays.fill(acc, 1);
    }
    double[] mx = null;
    if (op.equals("ReduceLogSumExp")) {
      mx = new double[outN];
      Arrays.fill(mx, Double.NEGATIVE_INFINITY);
      for (int i = 0; i < xa.length; i++) {
        mx[oi[i]] = Math.max(mx[oi[i]], xa[i]);
      }
      for (int j = 0; j < outN; j++) {
        if (Double.isInfinite(mx[j])) {
          mx[j] = 0; // all -inf (or empty): the sum is 0 (or inf), its log -inf (or inf)
        }
      }
    }
    for (int i = 0; i < xa.length; i++) {
      int j = oi[i];
      double v = xa[i];
      switch (op) {
        case "ReduceProd" -> acc[j] *= v;
        case "ReduceL2", "ReduceSumSquare" -> acc[j] += v * v;
        case "ReduceL1" -> acc[j] += Math.abs(v);
        case "ReduceLogSumExp" -> acc[j] += Math.exp(v - mx[j]);
        default -> acc[j] += v;
      }
    }
    for (int j = 0; j < outN; j++) {
      out[j] =
          (float)
              switch (op) {
                case "ReduceL2" -> Math.sqrt(acc[j]);
                case "ReduceLogSum" -> Math.log(acc[j]);
                case "ReduceLogSumExp" -> Math.log(acc[j]) + mx[j];
                default -> acc[j];
              };
    }
    return Tensor.of(out, p.outShape());
  }

  /** Outer, axis and inner extents of a shape around {@code axis}. */
  private static int[] split(int[] s, int axis) {
    int outer = 1;
    int inner = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s[i];
    }
    for (int i = axis + 1; i < s.length; i++) {
      inner *= s[i];
    }
    return new int[] {outer, s[axis], inner};
  }

  static Built arg(NodeSpec n) {
    Attrs at = n.attrs();
    if (n.opset() >= 12) {
      at.allow("axis", "keepdims", "select_last_index");
    } else {
      at.allow("axis", "keepdims");
    }
    n.arity(1, 1, 1, 1);
    boolean max = n.opType().equals("ArgMax");
    long axisAttr = at.i("axis", 0);
    boolean keep = at.i("keepdims", 1) != 0;
    boolean last = at.i("select_last_index", 0) != 0;
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          int axis = Shapes.axis(axisAttr, s.length, "axis");
          int[] e = split(s, axis);
          if (e[1] == 0) {
            throw new OpError("axis " + axis + " is empty");
          }
          long[] y = new long[e[0] * e[2]];
          for (int a = 0; a < e[0]; a++) {
            for (int c = 0; c < e[2]; c++) {
              int base = a * e[1] * e[2] + c;
              int best = 0;
              for (int i = 1; i < e[1]; i++) {
                int cmp = compare(x, base + i * e[2], base + best * e[2]);
                if (!max) {
                  cmp = -cmp;
                }
                if (cmp > 0 || (cmp == 0 && last)) {
                  best = i;
                }
              }
              y[a * e[2] + c] = best;
            }
          }
          int[] os;
          if (keep) {
            os = s.clone();
            os[axis] = 1;
          } else {
            os = new int[s.length - 1];
            for (int i = 0, j = 0; i < s.length; i++) {
              if (i != axis) {
                os[j++] = s[i];
              }
            }
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, DType.INT64);
  }

  /** Compares elements {@code i} and {@code j} of {@code x} (floats by value, NaN largest). */
  private static int compare(Tensor x, int i, int j) {
    if (x.type() == DType.INT64) {
      return Long.compare(x.longs()[i], x.longs()[j]);
    }
    float p = x.floats()[i];
    float q = x.floats()[j];
    return p < q ? -1 : (p > q ? 1 : 0);
  }

  static Built topK(NodeSpec n) {
    Attrs at = n.attrs();
    if (n.opset() >= 11) {
      at.allow("axis", "largest", "sorted");
      n.arity(2, 2, 2, 2);
      n.requireInt(1);
    } else if (n.opset() == 10) {
      at.allow("axis");
      n.arity(2, 2, 2, 2);
      n.requireInt(1);
    } else {
      at.allow("axis", "k");
      n.arity(1, 1, 2, 2);
      if (!at.has("k")) {
        throw new OpError("attribute 'k' is required");
      }
    }
    long axisAttr = at.i("axis", -1);
    boolean largest = at.i("largest", 1) != 0;
    long kAttr = at.i("k", -1);
    boolean kInput = n.opset() >= 10;
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          long kv;
          if (kInput) {
            if (in[1].size() != 1) {
              throw new OpError("K must have one element, is " + in[1]);
            }
            kv = in[1].longs()[0];
          } else {
            kv = kAttr;
          }
          int[] s = x.shape();
          int axis = Shapes.axis(axisAttr, s.length, "axis");
          if (kv < 0 || kv > s[axis]) {
            throw new OpError("K " + kv + " out of range for axis of size " + s[axis]);
          }
          int k = (int) kv;
          int[] e = split(s, axis);
          int[] os = s.clone();
          os[axis] = k;
          int outN = e[0] * k * e[2];
          long[] idx = new long[outN];
          float[] fv = x.type() == DType.FLOAT ? new float[outN] : null;
          long[] lv = x.type() == DType.INT64 ? new long[outN] : null;
          Integer[] order = new Integer[e[1]];
          for (int a = 0; a < e[0]; a++) {
            for (int c = 0; c < e[2]; c++) {
              int base = a * e[1] * e[2] + c;
              for (int i = 0; i < e[1]; i++) {
                order[i] = i;
              }
              Arrays.sort(
                  order,
                  (p, q) -> {
                    int cmp = compare(x, base + p * e[2], base + q * e[2]);
                    cmp = largest ? -cmp : cmp;
                    return cmp != 0 ? cmp : Integer.compare(p, q);
                  });
              for (int j = 0; j < k; j++) {
                int dst = (a * k + j) * e[2] + c;
                int src = base + order[j] * e[2];
                idx[dst] = order[j];
                if (fv != null) {
                  fv[dst] = x.floats()[src];
                } else {
                  lv[dst] = x.longs()[src];
                }
              }
            }
          }
          Tensor values = fv != null ? Tensor.of(fv, os) : Tensor.ofLongs(lv, os);
          return new Tensor[] {values, Tensor.ofLongs(idx, os)};
        };
    return Built.of(o, n.type(0), DType.INT64);
  }

  static Built cumSum(NodeSpec n) {
    Attrs at = n.attrs();
    at.allow("exclusive", "reverse");
    n.arity(2, 2, 1, 1);
    n.requireInt(1);
    boolean exclusive = at.i("exclusive", 0) != 0;
    boolean reverse = at.i("reverse", 0) != 0;
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          if (in[1].size() != 1 || in[1].rank() > 1) {
            throw new OpError("axis must be a scalar, is " + in[1]);
          }
          int[] s = x.shape();
          int axis = Shapes.axis(in[1].longs()[0], s.length, "axis");
          int[] e = split(s, axis);
          boolean fl = x.type() == DType.FLOAT;
          float[] fo = fl ? new float[x.size()] : null;
          long[] lo = fl ? null : new long[x.size()];
          for (int a = 0; a < e[0]; a++) {
            for (int c = 0; c < e[2]; c++) {
              int base = a * e[1] * e[2] + c;
              float fs = 0;
              long ls = 0;
              for (int t = 0; t < e[1]; t++) {
                int i = reverse ? e[1] - 1 - t : t;
                int at2 = base + i * e[2];
                if (fl) {
                  float v = x.floats()[at2];
                  if (exclusive) {
                    fo[at2] = fs;
                    fs += v;
                  } else {
                    fs += v;
                    fo[at2] = fs;
                  }
                } else {
                  long v = x.longs()[at2];
                  if (exclusive) {
                    lo[at2] = ls;
                    ls += v;
                  } else {
                    ls += v;
                    lo[at2] = ls;
                  }
                }
              }
            }
          }
          return new Tensor[] {fl ? Tensor.of(fo, s) : Tensor.ofLongs(lo, s)};
        };
    return Built.of(o, n.type(0));
  }
}
