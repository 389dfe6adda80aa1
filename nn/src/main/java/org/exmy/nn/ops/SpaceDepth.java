package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * DepthToSpace (modes DCR and, from opset 11, CRD) and SpaceToDepth on 4-D {@code [N][C][H][W]}
 * float or int64 tensors with a {@code blocksize} b: depth-to-space maps {@code
 * y[n][c][h*b+i][w*b+j]} from channel {@code (i*b+j)*C' + c} (DCR) or {@code c*b*b + i*b + j} (CRD)
 * of {@code x[n][.][h][w]}; space-to-depth is the inverse of DCR.
 */
final class SpaceDepth {
  private SpaceDepth() {}

  static Built build(NodeSpec n) {
    boolean toSpace = n.opType().equals("DepthToSpace");
    if (toSpace && n.opset() >= 11) {
      n.attrs().allow("blocksize", "mode");
    } else {
      n.attrs().allow("blocksize");
    }
    n.arity(1, 1, 1, 1);
    if (!n.attrs().has("blocksize")) {
      throw new OpError("attribute 'blocksize' is required");
    }
    long bl = n.attrs().i("blocksize", 0);
    if (bl < 1 || bl > 4096) {
      throw new OpError("blocksize " + bl + " is out of range");
    }
    int b = (int) bl;
    String mode = n.attrs().s("mode", "DCR");
    if (!mode.equals("DCR") && !mode.equals("CRD")) {
      throw new OpError("mode '" + mode + "' is not supported (DCR or CRD)");
    }
    boolean crd = mode.equals("CRD");
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          if (s.length != 4) {
            throw new OpError("input must be 4-D, has rank " + s.length);
          }
          int nb = s[0];
          int[] os;
          if (toSpace) {
            if (s[1] % (b * b) != 0) {
              throw new OpError("channels " + s[1] + " are not a multiple of blocksize^2");
            }
            os = new int[] {nb, s[1] / (b * b), s[2] * b, s[3] * b};
          } else {
            if (s[2] % b != 0 || s[3] % b != 0) {
              throw new OpError(
                  "spatial shape " + Shapes.str(s) + " is not a multiple of " + "blocksize " + b);
            }
            os = new int[] {nb, s[1] * b * b, s[2] / b, s[3] / b};
          }
          // the space side [N][C][H*b][W*b] and the depth side [N][C*b*b][H][W]
          int[] sp = toSpace ? os : s;
          int c1 = sp[1];
          int h = sp[2] / b;
          int w = sp[3] / b;
          int total = x.size();
          int[] map = new int[total]; // output index -> input index
          for (int q = 0; q < nb; q++) {
            for (int c = 0; c < c1; c++) {
              for (int yy = 0; yy < h * b; yy++) {
                for (int xx = 0; xx < w * b; xx++) {
                  int i = yy % b;
                  int j = xx % b;
                  int ch = crd ? c * b * b + i * b + j : (i * b + j) * c1 + c;
                  int spIdx = ((q * c1 + c) * h * b + yy) * w * b + xx;
                  int dpIdx = ((q * c1 * b * b + ch) * h + yy / b) * w + xx / b;
                  if (toSpace) {
                    map[spIdx] = dpIdx;
                  } else {
                    map[dpIdx] = spIdx;
                  }
                }
              }
            }
          }
          if (x.type() == DType.FLOAT) {
            float[] a = x.floats();
            float[] y = new float[total];
            for (int p = 0; p < total; p++) {
              y[p] = a[map[p]];
            }
            return new Tensor[] {Tensor.of(y, os)};
          }
          long[] a = x.longs();
          long[] y = new long[total];
          for (int p = 0; p < total; p++) {
            y[p] = a[map[p]];
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, n.type(0));
  }
}
