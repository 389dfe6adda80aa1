package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * GlobalMaxPool (maximum over the spatial dimensions of {@code [N][C][...]}, NaN propagating), LRN
 * (across-channel local response normalization: {@code x / (bias + alpha / size * sum(x^2))^beta}
 * over channels {@code c - floor((size-1)/2) .. c + ceil((size-1)/2)}) and
 * MeanVarianceNormalization ({@code (x - mean) / (sqrt(var) + 1e-9)} over {@code axes}, default
 * {@code [0, 2, 3]}). Sums accumulate in double.
 */
final class LocalNorm {
  private LocalNorm() {}

  static Built globalMaxPool(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          if (s.length < 2) {
            throw new OpError("input must have rank >= 2, has " + s.length);
          }
          int[] os = s.clone();
          for (int d = 2; d < s.length; d++) {
            os[d] = 1;
          }
          int planes = s[0] * s[1];
          int len = planes == 0 ? 0 : x.size() / planes;
          float[] a = x.floats();
          float[] y = new float[planes];
          for (int p = 0; p < planes; p++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
              float v = a[p * len + i];
              m = Float.isNaN(v) || Float.isNaN(m) ? Float.NaN : Math.max(m, v);
            }
            y[p] = m;
          }
          return new Tensor[] {Tensor.of(y, os)};
        };
    return Built.of(o, DType.FLOAT);
  }

  static Built lrn(NodeSpec n) {
    n.attrs().allow("size", "alpha", "beta", "bias");
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    if (!n.attrs().has("size")) {
      throw new OpError("attribute 'size' is required");
    }
    long size = n.attrs().i("size", 1);
    if (size < 1 || size > 65536) {
      throw new OpError("size " + size + " is out of range");
    }
    double alpha = n.attrs().f("alpha", 1e-4f);
    double beta = n.attrs().f("beta", 0.75f);
    double bias = n.attrs().f("bias", 1f);
    int lo = (int) ((size - 1) / 2);
    int hi = (int) (size - 1 - lo);
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int[] s = x.shape();
          if (s.length < 3) {
            throw new OpError("input must have rank >= 3, has " + s.length);
          }
          int c = s[1];
          int inner = s[0] * c == 0 ? 0 : x.size() / (s[0] * c);
          float[] a = x.floats();
          float[] y = new float[a.length];
          for (int b = 0; b < s[0]; b++) {
            for (int ch = 0; ch < c; ch++) {
              for (int i = 0; i < inner; i++) {
                double sq = 0;
                for (int k = Math.max(0, ch - lo); k <= Math.min(c - 1, ch + hi); k++) {
                  double v = a[(b * c + k) * inner + i];
                  sq += v * v;
                }
                int p = (b * c + ch) * inner + i;
                y[p] = (float) (a[p] / Math.pow(bias + alpha / size * sq, beta));
              }
            }
          }
          return new Tensor[] {Tensor.of(y, s)};
        };
    return Built.of(o, DType.FLOAT);
  }

  static Built meanVarianceNormalization(NodeSpec n) {
    n.attrs().allow("axes");
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    long[] axesAttr = n.attrs().has("axes") ? n.attrs().ints("axes") : new long[] {0, 2, 3};
    Op o =
        (in, cx) -> {
          Tensor x = in[0];
          int r = x.rank();
          boolean[] red = new boolean[r];
          for (long ax : axesAttr) {
            red[Shapes.axis(ax, r, "axes")] = true;
          }
          Reduce.Plan p = Reduce.plan(x.shape(), red, true);
          int outN = Tensor.size(p.kept());
          int[] oi = p.outIndex();
          float[] a = x.floats();
          double[] mean = new double[outN];
          for (int i = 0; i < a.length; i++) {
            mean[oi[i]] += a[i];
          }
          for (int j = 0; j < outN; j++) {
            mean[j] /= p.count();
          }
          double[] var = new double[outN];
          for (int i = 0; i < a.length; i++) {
            double d = a[i] - mean[oi[i]];
            var[oi[i]] += d * d;
          }
          for (int j = 0; j < outN; j++) {
            var[j] = Math.sqrt(var[j] / p.count()) + 1e-9;
          }
          float[] y = new float[a.length];
          for (int i = 0; i < a.length; i++) {
            y[i] = (float) ((a[i] - mean[oi[i]]) / var[oi[i]]);
          }
          return new Tensor[] {Tensor.of(y, x.shape())};
        };
    return Built.of(o, DType.FLOAT);
  }
}
