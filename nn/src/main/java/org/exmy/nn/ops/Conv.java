package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * Conv over any number of spatial dimensions (group, depthwise, strides, pads, dilations, auto_pad;
 * 1-D and 2-D on a fast path, 3-D and more on a general one) by im2col: per image and group, {@code
 * out[ocPerGroup][P] = W[ocPerGroup][K] * patches[K][P]} through the node's {@link LinearKernel};
 * the bias is added afterwards.
 */
final class Conv implements Op {
  private final Attrs attrs;
  private final int group;
  private final int siteIndex;
  private final boolean constantWeight;

  private Conv(Attrs attrs, int group, int siteIndex, boolean constantWeight) {
    this.attrs = attrs;
    this.group = group;
    this.siteIndex = siteIndex;
    this.constantWeight = constantWeight;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    at.allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    n.arity(2, 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    long g = at.i("group", 1);
    if (g < 1 || g > Integer.MAX_VALUE) {
      throw new OpError("group must be positive, is " + g);
    }
    int group = (int) g;
    LinearSite site;
    if (n.isConst(1)) {
      Tensor w = n.consts()[1];
      if (w.rank() < 3) {
        throw new OpError("weight must have rank >= 3, is " + w);
      }
      if (w.dim(0) % group != 0) {
        throw new OpError("output channels " + w.dim(0) + " not divisible by group " + group);
      }
      int[] ws = w.shape();
      Window.parseAny(at, ws.length - 2, Arrays.copyOfRange(ws, 2, ws.length), false);
      int k = w.size() / w.dim(0);
      site =
          new LinearSite(
              n.name(),
              "Conv",
              n.linearIndex(),
              k,
              LinearSite.Operand.A,
              0,
              w.reshape(w.dim(0), k));
    } else {
      int[] ks = at.intArray("kernel_shape");
      int k = -1;
      if (ks != null) {
        Window.parseAny(at, ks.length, ks, false);
      }
      site =
          new LinearSite(n.name(), "Conv", n.linearIndex(), k, LinearSite.Operand.NONE, -1, null);
    }
    return new Built(
        new Conv(at, group, n.linearIndex(), n.isConst(1)), new DType[] {DType.FLOAT}, site);
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor x = in[0];
    Tensor w = in[1];
    Tensor bias = in.length > 2 ? in[2] : null;
    int rank = w.rank();
    if (rank < 3) {
      throw new OpError("weight must have rank >= 3, is " + w);
    }
    if (x.rank() != rank) {
      throw new OpError("input " + x + " does not match weight " + w);
    }
    int[] ws = w.shape();
    Window win = Window.parseAny(attrs, rank - 2, Arrays.copyOfRange(ws, 2, rank), false);
    int n = x.dim(0);
    int c = x.dim(1);
    int oc = ws[0];
    int cg = ws[1];
    if (cg * group != c || oc % group != 0) {
      throw new OpError(
          "input channels " + c + " do not match weight " + w + " with group " + group);
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != oc)) {
      throw new OpError("bias " + bias + " does not match " + oc + " output channels");
    }
    if (rank > 4) {
      return new Tensor[] {general(x, w, bias, win, cx)};
    }
    int ih = rank == 4 ? x.dim(2) : 1;
    int iw = x.dim(-1);
    Window.Out g = win.out(ih, iw);
    int oh = g.oh();
    int ow = g.ow();
    int p = oh * ow;
    int k = cg * win.kh * win.kw;
    int ocg = oc / group;
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] xa = kernel.activations(LinearSite.Operand.B, x.floats());
    float[] wa = constantWeight ? w.floats() : kernel.activations(LinearSite.Operand.A, w.floats());
    float[] out = new float[Tensor.size(new int[] {n, oc, p})];
    boolean direct =
        win.kh == 1
            && win.kw == 1
            && win.sh == 1
            && win.sw == 1
            && g.padTop() == 0
            && g.padLeft() == 0
            && oh == ih
            && ow == iw;
    float[] cols = direct ? null : cx.scratch(Tensor.size(new int[] {k, p}));
    for (int img = 0; img < n; img++) {
      for (int gi = 0; gi < group; gi++) {
        int xOff = (img * c + gi * cg) * ih * iw;
        float[] bArr;
        int bOff;
        if (direct) {
          bArr = xa;
          bOff = xOff;
        } else {
          im2col(xa, xOff, cg, ih, iw, win, g, cols);
          bArr = cols;
          bOff = 0;
        }
        kernel.multiply(wa, gi * ocg * k, bArr, bOff, out, (img * oc + gi * ocg) * p, ocg, k, p);
      }
      if (bias != null) {
        float[] ba = bias.floats();
        for (int o = 0; o < oc; o++) {
          int base = (img * oc + o) * p;
          float bv = ba[o];
          for (int i = 0; i < p; i++) {
            out[base + i] += bv;
          }
        }
      }
    }
    int[] os = rank == 4 ? new int[] {n, oc, oh, ow} : new int[] {n, oc, ow};
    return new Tensor[] {Tensor.of(out, os)};
  }

  /** 3-D and more: the same product over patches gathered one element at a time. */
  private Tensor general(Tensor x, Tensor w, Tensor bias, Window win, ExecContext cx) {
    int[] xs = x.shape();
    int[] ws = w.shape();
    int r = xs.length - 2;
    int[] sp = Arrays.copyOfRange(xs, 2, xs.length);
    int[][] g = win.outAny(sp);
    int[] os = new int[xs.length];
    os[0] = xs[0];
    os[1] = ws[0];
    int area = 1;
    int p = 1;
    int taps = 1;
    for (int i = 0; i < r; i++) {
      os[2 + i] = g[i][0];
      area *= sp[i];
      p *= g[i][0];
      taps *= win.k[i];
    }
    int n = xs[0];
    int c = xs[1];
    int oc = ws[0];
    int cg = ws[1];
    int ocg = oc / group;
    int k = cg * taps;
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] xa = kernel.activations(LinearSite.Operand.B, x.floats());
    float[] wa = constantWeight ? w.floats() : kernel.activations(LinearSite.Operand.A, w.floats());
    float[] out = new float[Tensor.size(new int[] {n, oc, p})];
    float[] cols = cx.scratch(Tensor.size(new int[] {k, p}));
    int[] stride = new int[r];
    for (int i = r - 1, st = 1; i >= 0; i--) {
      stride[i] = st;
      st *= sp[i];
    }
    int[] t = new int[r];
    int[] o = new int[r];
    for (int img = 0; img < n; img++) {
      for (int gi = 0; gi < group; gi++) {
        int row = 0;
        for (int ch = 0; ch < cg; ch++) {
          int plane = (img * c + gi * cg + ch) * area;
          Arrays.fill(t, 0);
          for (int tap = 0; tap < taps; tap++, row++) {
            Arrays.fill(o, 0);
            for (int q = 0; q < p; q++) {
              int off = plane;
              boolean inside = true;
              for (int i = 0; i < r; i++) {
                int pos = o[i] * win.s[i] - g[i][1] + t[i] * win.d[i];
                inside &= pos >= 0 && pos < sp[i];
                off += pos * stride[i];
              }
              cols[row * p + q] = inside ? xa[off] : 0f;
              for (int i = r - 1; i >= 0 && ++o[i] == g[i][0]; i--) {
                o[i] = 0;
              }
            }
            for (int i = r - 1; i >= 0 && ++t[i] == win.k[i]; i--) {
              t[i] = 0;
            }
          }
        }
        kernel.multiply(wa, gi * ocg * k, cols, 0, out, (img * oc + gi * ocg) * p, ocg, k, p);
      }
      if (bias != null) {
        float[] ba = bias.floats();
        for (int q = 0; q < oc; q++) {
          int base = (img * oc + q) * p;
          for (int i = 0; i < p; i++) {
            out[base + i] += ba[q];
          }
        }
      }
    }
    return Tensor.of(out, os);
  }

  /** Writes the patches of one image/group as {@code [cg*kh*kw][oh*ow]} into {@code cols}. */
  static void im2col(
      float[] x, int xOff, int cg, int ih, int iw, Window win, Window.Out g, float[] cols) {
    int oh = g.oh();
    int ow = g.ow();
    int p = oh * ow;
    int row = 0;
    for (int ch = 0; ch < cg; ch++) {
      int plane = xOff + ch * ih * iw;
      for (int ki = 0; ki < win.kh; ki++) {
        for (int kj = 0; kj < win.kw; kj++, row++) {
          int dst = row * p;
          int colShift = kj * win.dw - g.padLeft();
          // output columns whose input column lies inside the image
          int lo = 0;
          while (lo < ow && lo * win.sw + colShift < 0) {
            lo++;
          }
          int hi = ow;
          while (hi > lo && (hi - 1) * win.sw + colShift >= iw) {
            hi--;
          }
          for (int r = 0; r < oh; r++, dst += ow) {
            int y = r * win.sh - g.padTop() + ki * win.dh;
            if (y < 0 || y >= ih) {
              Arrays.fill(cols, dst, dst + ow, 0f);
              continue;
            }
            int src = plane + y * iw + colShift;
            Arrays.fill(cols, dst, dst + lo, 0f);
            if (hi == lo) {
              // no column of this tap lies inside the input (src + lo may even be negative)
            } else if (win.sw == 1) {
              System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
            } else {
              for (int q = lo; q < hi; q++) {
                cols[dst + q] = x[src + q * win.sw];
              }
            }
            Arrays.fill(cols, dst + hi, dst + ow, 0f);
          }
        }
      }
    }
  }
}
