package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * ConvTranspose over 1 or 2 spatial dimensions (group, strides, pads, dilations, output_padding,
 * output_shape, auto_pad) by col2im: per image and group, {@code cols[ocg*kh*kw][H*W] =
 * Wt[ocg*kh*kw][cg] * x[cg][H*W]} through the node's {@link LinearKernel}, then each column is
 * added into the output at its strided, dilated position; the bias is added afterwards. The weight
 * operand A is the weight {@code [C_in][C_out/group][kh][kw]} rearranged at load time to {@code
 * [group*ocg*kh*kw][cg]} (row = group, output channel, kernel offset). With output_shape or SAME
 * auto_pad the total padding is split as the ONNX spec says (the odd unit at the end for
 * SAME_UPPER, at the start otherwise); an output_shape beyond the full size pads at the end with
 * zeros (the total padding clamped at 0), as ONNX Runtime 1.20 does.
 */
final class ConvTranspose implements Op {
  private final Attrs attrs;
  private final int group;
  private final int siteIndex;
  private final Tensor weightA;

  private ConvTranspose(Attrs attrs, int group, int siteIndex, Tensor weightA) {
    this.attrs = attrs;
    this.group = group;
    this.siteIndex = siteIndex;
    this.weightA = weightA;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    at.allow(
        "auto_pad",
        "dilations",
        "group",
        "kernel_shape",
        "output_padding",
        "output_shape",
        "pads",
        "strides");
    n.arity(2, 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    long g = at.i("group", 1);
    if (g < 1 || g > Integer.MAX_VALUE) {
      throw new OpError("group must be positive, is " + g);
    }
    int group = (int) g;
    String ap = at.s("auto_pad", "NOTSET");
    if (!ap.equals("NOTSET")
        && !ap.equals("VALID")
        && !ap.equals("SAME_UPPER")
        && !ap.equals("SAME_LOWER")) {
      throw new OpError("unsupported auto_pad '" + ap + "'");
    }
    LinearSite site;
    Tensor wa = null;
    if (n.isConst(1)) {
      Tensor w = n.consts()[1];
      check(w, group);
      geometry(at, w.shape(), null);
      wa = rearrange(w.floats(), w.shape(), group);
      site =
          new LinearSite(
              n.name(),
              "ConvTranspose",
              n.linearIndex(),
              w.dim(0) / group,
              LinearSite.Operand.A,
              0,
              wa);
    } else {
      site =
          new LinearSite(
              n.name(), "ConvTranspose", n.linearIndex(), -1, LinearSite.Operand.NONE, -1, null);
    }
    return new Built(
        new ConvTranspose(at, group, n.linearIndex(), wa), new DType[] {DType.FLOAT}, site);
  }

  private static void check(Tensor w, int group) {
    if (w.rank() != 3 && w.rank() != 4) {
      throw new OpError(
          "weight " + w + " not supported (1-D and 2-D transposed convolutions only)");
    }
    if (w.dim(0) % group != 0) {
      throw new OpError("input channels " + w.dim(0) + " not divisible by group " + group);
    }
  }

  /** {@code [group*ocg*kk][cg]} from {@code [cin][ocg][kk]}. */
  private static Tensor rearrange(float[] w, int[] ws, int group) {
    int cin = ws[0];
    int ocg = ws[1];
    int kk = 1;
    for (int i = 2; i < ws.length; i++) {
      kk *= ws[i];
    }
    int cg = cin / group;
    int rows = ocg * kk;
    float[] a = new float[w.length];
    for (int gi = 0; gi < group; gi++) {
      for (int c = 0; c < cg; c++) {
        int src = (gi * cg + c) * rows;
        for (int rr = 0; rr < rows; rr++) {
          a[(gi * rows + rr) * cg + c] = w[src + rr];
        }
      }
    }
    return Tensor.of(a, group * rows, cg);
  }

  /** Per spatial dim: kernel, stride, dilation, pad begin, output size (for {@code in}). */
  private static int[][] geometry(Attrs at, int[] ws, int[] in) {
    int rank = ws.length - 2;
    int[] ks = Arrays.copyOfRange(ws, 2, ws.length);
    int[] kAttr = at.intArray("kernel_shape");
    if (kAttr != null && !Arrays.equals(kAttr, ks)) {
      throw new OpError("kernel_shape " + Shapes.str(kAttr) + " does not match the weight");
    }
    int[] st = list(at, "strides", rank, 1);
    int[] dl = list(at, "dilations", rank, 1);
    int[] op = list(at, "output_padding", rank, 0);
    int[] pd = at.intArray("pads");
    if (pd == null) {
      pd = new int[2 * rank];
    } else if (pd.length != 2 * rank) {
      throw new OpError("pads must have " + 2 * rank + " values, has " + pd.length);
    }
    int[] os = at.intArray("output_shape");
    if (os != null && os.length != rank) {
      if (os.length == rank + 2) {
        os = Arrays.copyOfRange(os, 2, os.length);
      } else {
        throw new OpError("output_shape must have " + rank + " values, has " + os.length);
      }
    }
    for (int i = 0; i < rank; i++) {
      if (st[i] < 1 || dl[i] < 1 || ks[i] < 1 || pd[i] < 0 || pd[i + rank] < 0 || op[i] < 0) {
        throw new OpError("kernel, strides and dilations must be positive, pads non-negative");
      }
    }
    if (in == null) {
      return null;
    }
    String ap = at.s("auto_pad", "NOTSET");
    int[][] g = new int[rank][];
    for (int i = 0; i < rank; i++) {
      int ext = (ks[i] - 1) * dl[i] + 1;
      int full = st[i] * (in[i] - 1) + op[i] + ext;
      int begin;
      int out;
      if (os != null) {
        out = os[i];
        int total = Math.max(0, full - out);
        begin = ap.equals("SAME_UPPER") ? total / 2 : total - total / 2;
      } else if (ap.equals("SAME_UPPER") || ap.equals("SAME_LOWER")) {
        out = in[i] * st[i];
        int total = full - out;
        begin = ap.equals("SAME_UPPER") ? total / 2 : total - total / 2;
      } else if (ap.equals("VALID")) {
        out = full;
        begin = 0;
      } else {
        begin = pd[i];
        out = full - pd[i] - pd[i + rank];
      }
      if (out < 1) {
        throw new OpError("output size " + out + " is not positive");
      }
      g[i] = new int[] {ks[i], st[i], dl[i], begin, out};
    }
    return g;
  }

  private static int[] list(Attrs at, String name, int rank, int def) {
    int[] v = at.intArray(name);
    if (v == null) {
      v = new int[rank];
      Arrays.fill(v, def);
    } else if (v.length != rank) {
      throw new OpError(name + " must have " + rank + " values, has " + v.length);
    }
    return v;
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor x = in[0];
    Tensor w = in[1];
    Tensor bias = in.length > 2 ? in[2] : null;
    check(w, group);
    int rank = w.rank();
    if (x.rank() != rank || x.dim(1) != w.dim(0)) {
      throw new OpError("input " + x + " does not match weight " + w);
    }
    int[] ws = w.shape();
    int[] sp = Arrays.copyOfRange(x.shape(), 2, rank);
    int[][] g = geometry(attrs, ws, sp);
    int[][] g2 = rank == 4 ? g : new int[][] {{1, 1, 1, 0, 1}, g[0]};
    int ih = rank == 4 ? sp[0] : 1;
    int iw = sp[sp.length - 1];
    int nImg = x.dim(0);
    int c = ws[0];
    int cg = c / group;
    int ocg = ws[1];
    int oc = ocg * group;
    int kh = g2[0][0];
    int kw = g2[1][0];
    int oh = g2[0][4];
    int ow = g2[1][4];
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != oc)) {
      throw new OpError("bias " + bias + " does not match " + oc + " output channels");
    }
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] xa = kernel.activations(LinearSite.Operand.B, x.floats());
    float[] wa;
    if (weightA != null) {
      wa = weightA.floats();
    } else {
      wa = rearrange(kernel.activations(LinearSite.Operand.A, w.floats()), ws, group).floats();
    }
    int p = ih * iw;
    int rows = ocg * kh * kw;
    float[] cols = cx.scratch(Tensor.size(new int[] {rows, p}));
    float[] out = new float[Tensor.size(new int[] {nImg, oc, oh * ow})];
    for (int img = 0; img < nImg; img++) {
      for (int gi = 0; gi < group; gi++) {
        if (p > 0 && cg > 0) {
          kernel.multiply(wa, gi * rows * cg, xa, (img * c + gi * cg) * p, cols, 0, rows, cg, p);
        } else {
          Arrays.fill(cols, 0, rows * p, 0f);
        }
        for (int o = 0; o < ocg; o++) {
          int dst = (img * oc + gi * ocg + o) * oh * ow;
          for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
              int row = (o * kh + ki) * kw + kj;
              for (int y = 0; y < ih; y++) {
                int oy = y * g2[0][1] + ki * g2[0][2] - g2[0][3];
                if (oy < 0 || oy >= oh) {
                  continue;
                }
                int src = row * p + y * iw;
                for (int xx = 0; xx < iw; xx++) {
                  int ox = xx * g2[1][1] + kj * g2[1][2] - g2[1][3];
                  if (ox >= 0 && ox < ow) {
                    out[dst + oy * ow + ox] += cols[src + xx];
                  }
                }
              }
            }
          }
        }
      }
      if (bias != null) {
        float[] ba = bias.floats();
        for (int o = 0; o < oc; o++) {
          int base = (img * oc + o) * oh * ow;
          for (int i = 0; i < oh * ow; i++) {
            out[base + i] += ba[o];
          }
        }
      }
    }
    int[] os = rank == 4 ? new int[] {nImg, oc, oh, ow} : new int[] {nImg, oc, ow};
    return new Tensor[] {Tensor.of(out, os)};
  }
}
