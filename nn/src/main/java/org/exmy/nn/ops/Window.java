package org.exmy.nn.ops;

/**
 * Sliding-window geometry of Conv, MaxPool and AveragePool: kernel, strides, dilations, explicit
 * pads or auto_pad, and ceil_mode. The fast paths of Conv and the pools use 1 or 2 spatial
 * dimensions (a 1-D window is handled as 2-D with height 1, fields {@code kh ... dw}); their
 * general paths any number ({@link #parseAny}, arrays {@code k, s, d} and {@link #outAny}).
 */
final class Window {
  /** Per spatial dimension: kernel, stride, dilation (any rank). */
  final int[] k;

  final int[] s;
  final int[] d;
  private final int[] padsAny; // begin of each dimension, then end of each
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  private final int[] pads; // top, left, bottom, right
  private final String autoPad;
  private final boolean ceil;

  /** Output size and effective padding for one input size. */
  record Out(int oh, int ow, int padTop, int padLeft, int padBottom, int padRight) {}

  private Window(
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      int[] pads,
      String autoPad,
      boolean ceil,
      int[] k,
      int[] s,
      int[] d,
      int[] padsAny) {
    this.k = k;
    this.s = s;
    this.d = d;
    this.padsAny = padsAny;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.dh = dh;
    this.dw = dw;
    this.pads = pads;
    this.autoPad = autoPad;
    this.ceil = ceil;
  }

  /**
   * Parses the window attributes for {@code rank} spatial dimensions (at least 1).
   *
   * @param kernel the kernel size (from kernel_shape or the weight), {@code rank} values
   */
  static Window parseAny(Attrs at, int rank, int[] kernel, boolean ceil) {
    if (rank < 1) {
      throw new OpError("the window has no spatial dimension");
    }
    int[] ks = at.intArray("kernel_shape");
    if (ks != null && !java.util.Arrays.equals(ks, kernel)) {
      throw new OpError(
          "kernel_shape " + Shapes.str(ks) + " does not match the weight " + Shapes.str(kernel));
    }
    int[] st = list(at, "strides", rank, 1);
    int[] dl = list(at, "dilations", rank, 1);
    int[] pd = at.intArray("pads");
    if (pd == null) {
      pd = new int[2 * rank];
    } else if (pd.length != 2 * rank) {
      throw new OpError("pads must have " + 2 * rank + " values, has " + pd.length);
    }
    for (int i = 0; i < rank; i++) {
      if (kernel[i] < 1 || st[i] < 1 || dl[i] < 1) {
        throw new OpError("kernel, strides and dilations must be positive");
      }
    }
    for (int p : pd) {
      if (p < 0) {
        throw new OpError("negative pads are not supported");
      }
    }
    String ap = at.s("auto_pad", "NOTSET");
    if (!ap.equals("NOTSET")
        && !ap.equals("VALID")
        && !ap.equals("SAME_UPPER")
        && !ap.equals("SAME_LOWER")) {
      throw new OpError("unsupported auto_pad '" + ap + "'");
    }
    int[] kc = kernel.clone();
    if (rank == 1) {
      return new Window(
          1,
          kernel[0],
          1,
          st[0],
          1,
          dl[0],
          new int[] {0, pd[0], 0, pd[1]},
          ap,
          ceil,
          kc,
          st,
          dl,
          pd);
    }
    if (rank == 2) {
      return new Window(
          kernel[0],
          kernel[1],
          st[0],
          st[1],
          dl[0],
          dl[1],
          new int[] {pd[0], pd[1], pd[2], pd[3]},
          ap,
          ceil,
          kc,
          st,
          dl,
          pd);
    }
    return new Window(0, 0, 0, 0, 0, 0, null, ap, ceil, kc, st, dl, pd);
  }

  /**
   * Output geometry for spatial input sizes {@code in} (any rank): per dimension {output size,
   * begin padding, end padding}.
   */
  int[][] outAny(int[] in) {
    int r = k.length;
    int[][] g = new int[r][];
    for (int i = 0; i < r; i++) {
      g[i] = dim(in[i], k[i], s[i], d[i], padsAny[i], padsAny[r + i]);
    }
    return g;
  }

  private static int[] list(Attrs at, String name, int rank, int def) {
    int[] v = at.intArray(name);
    if (v == null) {
      v = new int[rank];
      java.util.Arrays.fill(v, def);
    } else if (v.length != rank) {
      throw new OpError(name + " must have " + rank + " values, has " + v.length);
    }
    return v;
  }

  /** Output geometry for an input of {@code ih x iw}. */
  Out out(int ih, int iw) {
    int[] h = dim(ih, kh, sh, dh, pads[0], pads[2]);
    int[] w = dim(iw, kw, sw, dw, pads[1], pads[3]);
    return new Out(h[0], w[0], h[1], w[1], h[2], w[2]);
  }

  private int[] dim(int in, int k, int s, int d, int pb, int pe) {
    int ext = (k - 1) * d + 1;
    switch (autoPad) {
      case "VALID" -> {
        int o = in >= ext ? (in - ext) / s + 1 : 0;
        return check(o, in, new int[] {o, 0, 0});
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        int o = (in + s - 1) / s;
        int total = Math.max(0, (o - 1) * s + ext - in);
        int begin = autoPad.equals("SAME_UPPER") ? total / 2 : (total + 1) / 2;
        return check(o, in, new int[] {o, begin, total - begin});
      }
      default -> {
        int span = in + pb + pe - ext;
        if (span < 0) {
          return check(0, in, null);
        }
        int o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= in + pb) {
          // a last window starting in the end padding is dropped (ONNX spec text and PyTorch;
          // ONNX Runtime 1.20 keeps it and then reads past the input there)
          o--;
        }
        return check(o, in, new int[] {o, pb, pe});
      }
    }
  }

  private int[] check(int o, int in, int[] r) {
    if (o < 1) {
      throw new OpError("input size " + in + " is smaller than the window");
    }
    return r;
  }
}
