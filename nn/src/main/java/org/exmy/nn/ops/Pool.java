package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * MaxPool and AveragePool over any number of spatial dimensions (strides, pads, dilations,
 * auto_pad, ceil_mode, count_include_pad; float input, and for MaxPool integer input and the
 * Indices output: flat indices into the whole input, the spatial part column-major with
 * storage_order=1), and GlobalAveragePool over any number. 1-D and 2-D float windows without
 * Indices take a fast path, the others a general one. With count_include_pad the divisor is the
 * whole window size, also for a ceil_mode window that reaches past the end padding (as ONNX Runtime
 * does; PyTorch counts only positions inside the padding there).
 */
final class Pool implements Op {
  private final boolean max;
  private final Window win;
  private final int rank;
  private final boolean includePad;

  /** MaxPool's second output: the flat index into the input of each maximum. */
  private final boolean indices;

  /** storage_order=1: Indices count the spatial dimensions column-major. */
  private final boolean colMajor;

  private Pool(
      boolean max, Window win, int rank, boolean includePad, boolean indices, boolean colMajor) {
    this.indices = indices;
    this.colMajor = colMajor;
    this.max = max;
    this.win = win;
    this.rank = rank;
    this.includePad = includePad;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    boolean max = n.opType().equals("MaxPool");
    if (max) {
      at.allow(
          "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
    } else {
      at.allow(
          "auto_pad",
          "ceil_mode",
          "count_include_pad",
          "dilations",
          "kernel_shape",
          "pads",
          "strides");
    }
    n.arity(1, 1, 1, max ? 2 : 1);
    if (!max) {
      n.requireFloat(0);
    }
    int[] ks = at.intArray("kernel_shape");
    if (ks == null) {
      throw new OpError("kernel_shape is required");
    }
    Window w = Window.parseAny(at, ks.length, ks, at.i("ceil_mode", 0) != 0);
    Pool p =
        new Pool(
            max,
            w,
            ks.length,
            at.i("count_include_pad", 0) != 0,
            n.numOutputs() > 1,
            at.i("storage_order", 0) != 0);
    return n.numOutputs() > 1 ? Built.of(p, n.type(0), DType.INT64) : Built.of(p, n.type(0));
  }

  /** GlobalAveragePool: the mean over every spatial dimension. */
  static Built buildGlobal(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          if (x.rank() < 3) {
            throw new OpError("input must have rank >= 3, is " + x);
          }
          int[] s = x.shape();
          int planes = s[0] * s[1];
          int area = x.size() / Math.max(1, planes);
          float[] xa = x.floats();
          float[] out = new float[planes];
          for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = 0; i < area; i++) {
              sum += xa[p * area + i];
            }
            out[p] = (float) (sum / area);
          }
          for (int i = 2; i < s.length; i++) {
            s[i] = 1;
          }
          return new Tensor[] {Tensor.of(out, s)};
        };
    return Built.of(op, DType.FLOAT);
  }

  /** For each output position, the first and end tap index whose input lies inside [0, in). */
  private static void taps(
      int outs, int stride, int pad, int dil, int k, int in, int[] lo, int[] hi) {
    for (int o = 0; o < outs; o++) {
      int start = o * stride - pad;
      int l = 0;
      while (l < k && start + l * dil < 0) {
        l++;
      }
      int h = k;
      while (h > l && start + (h - 1) * dil >= in) {
        h--;
      }
      lo[o] = l;
      hi[o] = h;
    }
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor x = in[0];
    if (x.rank() != rank + 2) {
      throw new OpError("input " + x + " does not have " + rank + " spatial dimensions");
    }
    if (rank > 2 || x.type() != DType.FLOAT || indices) {
      return general(x);
    }
    int planes = x.dim(0) * x.dim(1);
    int ih = rank == 2 ? x.dim(2) : 1;
    int iw = x.dim(-1);
    Window.Out g = win.out(ih, iw);
    int oh = g.oh();
    int ow = g.ow();
    float[] xa = x.floats();
    float[] out = new float[Tensor.size(new int[] {planes, oh, ow})];
    // per output row/column: the window taps that fall inside the input, [lo, hi)
    int[] rLo = new int[oh];
    int[] rHi = new int[oh];
    int[] cLo = new int[ow];
    int[] cHi = new int[ow];
    taps(oh, win.sh, g.padTop(), win.dh, win.kh, ih, rLo, rHi);
    taps(ow, win.sw, g.padLeft(), win.dw, win.kw, iw, cLo, cHi);
    float div = win.kh * win.kw;
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int base = p * ih * iw;
      for (int r = 0; r < oh; r++) {
        int y0 = r * win.sh - g.padTop();
        for (int c = 0; c < ow; c++, o++) {
          int x0 = c * win.sw - g.padLeft();
          if (max) {
            // as ONNX Runtime: start from the lowest float (an all-padding window gives it) and
            // keep strictly greater values; NaN inputs are skipped (ORT's result for a NaN
            // depends on where in the window it is)
            float best = -Float.MAX_VALUE;
            for (int i = rLo[r]; i < rHi[r]; i++) {
              int row = base + (y0 + i * win.dh) * iw + x0;
              for (int j = cLo[c]; j < cHi[c]; j++) {
                float v = xa[row + j * win.dw];
                best = v > best ? v : best;
              }
            }
            out[o] = best;
          } else {
            double sum = 0;
            for (int i = rLo[r]; i < rHi[r]; i++) {
              int row = base + (y0 + i * win.dh) * iw + x0;
              for (int j = cLo[c]; j < cHi[c]; j++) {
                sum += xa[row + j * win.dw];
              }
            }
            int count = (rHi[r] - rLo[r]) * (cHi[c] - cLo[c]);
            out[o] = (float) (sum / (includePad ? div : Math.max(count, 1)));
          }
        }
      }
    }
    int[] os =
        rank == 2 ? new int[] {x.dim(0), x.dim(1), oh, ow} : new int[] {x.dim(0), x.dim(1), ow};
    return new Tensor[] {Tensor.of(out, os)};
  }

  /** Any rank and element type: the same rules as the fast path, one output element at a time. */
  private Tensor[] general(Tensor x) {
    int[] xs = x.shape();
    int[] sp = java.util.Arrays.copyOfRange(xs, 2, xs.length);
    int[][] g = win.outAny(sp);
    int[] os = xs.clone();
    int[][] lo = new int[rank][];
    int[][] hi = new int[rank][];
    int[] stride = new int[rank]; // input element stride of each spatial dimension
    int area = 1;
    for (int i = rank - 1; i >= 0; i--) {
      stride[i] = area;
      area *= sp[i];
      os[2 + i] = g[i][0];
      lo[i] = new int[g[i][0]];
      hi[i] = new int[g[i][0]];
      taps(g[i][0], win.s[i], g[i][1], win.d[i], win.k[i], sp[i], lo[i], hi[i]);
    }
    int total = Tensor.size(os);
    boolean floats = x.type() == DType.FLOAT;
    float[] fo = floats ? new float[total] : null;
    long[] lo64 = floats ? null : new long[total];
    long[] idx = indices ? new long[total] : null;
    double window = 1;
    for (int kk : win.k) {
      window *= kk;
    }
    int planes = xs[0] * xs[1];
    int[] o = new int[rank];
    int[] t = new int[rank];
    int at = 0;
    for (int p = 0; p < planes; p++) {
      int base = p * area;
      java.util.Arrays.fill(o, 0);
      do {
        int start = base;
        int count = 1;
        boolean empty = false;
        for (int i = 0; i < rank; i++) {
          start += (o[i] * win.s[i] - g[i][1]) * stride[i];
          t[i] = lo[i][o[i]];
          count *= hi[i][o[i]] - lo[i][o[i]];
          empty |= hi[i][o[i]] <= lo[i][o[i]];
        }
        double best = floats ? -Float.MAX_VALUE : Long.MIN_VALUE;
        long bestL = Long.MIN_VALUE;
        int bestAt = -1; // no tap inside the input
        double sum = 0;
        while (!empty) {
          int off = start;
          for (int i = 0; i < rank; i++) {
            off += t[i] * win.d[i] * stride[i];
          }
          if (floats) {
            float v = x.floats()[off];
            if (v > best || bestAt < 0 && v >= best) { // NaN never wins
              best = v;
              bestAt = off;
            }
            sum += v;
          } else if (x.longs()[off] > bestL || bestAt < 0) {
            bestL = x.longs()[off];
            bestAt = off;
          }
          int i = rank - 1;
          while (i >= 0 && ++t[i] >= hi[i][o[i]]) {
            t[i] = lo[i][o[i]];
            i--;
          }
          empty = i < 0;
        }
        if (floats) {
          fo[at] = max ? (float) best : (float) (sum / (includePad ? window : Math.max(count, 1)));
        } else {
          lo64[at] = bestL;
        }
        if (idx != null) {
          idx[at] = bestAt < 0 || !colMajor ? bestAt : base + colMajor(bestAt - base, sp, stride);
        }
        at++;
      } while (next(o, os));
    }
    Tensor y = floats ? Tensor.of(fo, os) : Tensor.ofLongs(lo64, os);
    return indices ? new Tensor[] {y, Tensor.ofLongs(idx, os)} : new Tensor[] {y};
  }

  /** A row-major spatial offset as the column-major one (storage_order=1). */
  private static int colMajor(int rowMajor, int[] sp, int[] stride) {
    int out = 0;
    int colStride = 1;
    for (int i = 0; i < sp.length; i++) {
      out += (rowMajor / stride[i]) % sp[i] * colStride;
      colStride *= sp[i];
    }
    return out;
  }

  /** Advances the spatial output index {@code o} (odometer over {@code os[2..]}). */
  private static boolean next(int[] o, int[] os) {
    for (int i = o.length - 1; i >= 0; i--) {
      if (++o[i] < os[2 + i]) {
        return true;
      }
      o[i] = 0;
    }
    return false;
  }
}
