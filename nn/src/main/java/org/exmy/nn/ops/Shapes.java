package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.Tensor;

/** Shape arithmetic shared by the operators. */
public final class Shapes {
  private Shapes() {}

  /** Row-major strides (in elements) of a shape. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** Normalizes a possibly negative axis into {@code [0, rank)}, or throws. */
  public static int axis(long axis, int rank, String what) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new OpError(what + " " + axis + " out of range for rank " + rank);
    }
    return (int) a;
  }

  /** numpy broadcast of two shapes, or throws. */
  public static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da == db || db == 1) {
        out[i] = da;
      } else if (da == 1) {
        out[i] = db;
      } else {
        throw new OpError(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
    }
    return out;
  }

  /**
   * Strides of {@code shape} seen through the broadcast output shape {@code out}: 0 for a broadcast
   * (size 1 or missing) dimension.
   */
  public static int[] broadcastStrides(int[] shape, int[] out) {
    int[] own = strides(shape);
    int[] s = new int[out.length];
    int off = out.length - shape.length;
    for (int i = 0; i < out.length; i++) {
      int j = i - off;
      s[i] = j < 0 || shape[j] == 1 ? 0 : own[j];
    }
    return s;
  }

  /** Converts an int64 tensor's values to ints (each must fit), naming {@code what} on error. */
  public static int[] toInts(Tensor t, String what) {
    long[] v = t.longs();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] > Integer.MAX_VALUE || v[i] < Integer.MIN_VALUE) {
        throw new OpError(what + " value " + v[i] + " out of range");
      }
      out[i] = (int) v[i];
    }
    return out;
  }

  /** An int64 vector tensor of the given values. */
  public static Tensor vector(int[] values) {
    long[] l = new long[values.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = values[i];
    }
    return Tensor.ofLongs(l, l.length);
  }

  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Iterates over the elements of a broadcast output in rows: the dimensions are coalesced where
   * possible so that the last one (the row) is as long as possible.
   */
  public static final class Broadcast {
    final int[] dims;
    final int[][] strides;

    /** Number of rows and elements per row. */
    public final int rows;

    public final int inner;

    /** Per operand: its stride along the row (0 or 1). */
    public final int[] innerStride;

    /** Builds the iteration of {@code out} over operands of the given shapes. */
    public Broadcast(int[] out, int[]... operands) {
      int n = operands.length;
      int[][] st = new int[n][];
      for (int o = 0; o < n; o++) {
        st[o] = broadcastStrides(operands[o], out);
      }
      // drop size-1 dims, then merge neighbours that stay contiguous for every operand
      int[] d = new int[out.length];
      int[][] s = new int[n][out.length];
      int r = 0;
      for (int i = 0; i < out.length; i++) {
        if (out[i] == 1) {
          continue;
        }
        boolean merge = r > 0;
        for (int o = 0; o < n && merge; o++) {
          merge = s[o][r - 1] == st[o][i] * out[i];
        }
        if (merge) {
          d[r - 1] *= out[i];
          for (int o = 0; o < n; o++) {
            s[o][r - 1] = st[o][i];
          }
        } else {
          d[r] = out[i];
          for (int o = 0; o < n; o++) {
            s[o][r] = st[o][i];
          }
          r++;
        }
      }
      if (r == 0) {
        dims = new int[] {1};
        strides = new int[n][1];
      } else {
        dims = Arrays.copyOf(d, r);
        strides = new int[n][];
        for (int o = 0; o < n; o++) {
          strides[o] = Arrays.copyOf(s[o], r);
        }
      }
      int last = dims.length - 1;
      inner = dims[last];
      int rws = 1;
      for (int i = 0; i < last; i++) {
        rws *= dims[i];
      }
      rows = Tensor.size(out) == 0 ? 0 : rws;
      innerStride = new int[n];
      for (int o = 0; o < n; o++) {
        innerStride[o] = strides[o][last];
      }
    }

    /** Start offset of operand {@code o} for row {@code row}. */
    public int offset(int o, int row) {
      int off = 0;
      int[] s = strides[o];
      for (int i = dims.length - 2; i >= 0; i--) {
        int q = row / dims[i];
        off += (row - q * dims[i]) * s[i];
        row = q;
      }
      return off;
    }
  }
}
