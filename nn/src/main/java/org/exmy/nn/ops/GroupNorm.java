package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * InstanceNormalization and GroupNormalization (opset 18: scale and bias of {@code num_groups}
 * values, one per group, as ONNX Runtime 1.20 evaluates the opset-18 function; a scale and bias of
 * C values, the opset-21 meaning, are taken per channel). Mean and variance (population) are
 * accumulated in double over each (image, group) of channels.
 */
final class GroupNorm {
  private GroupNorm() {}

  static Built instance(NodeSpec n) {
    n.attrs().allow("epsilon");
    n.arity(3, 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    double eps = n.attrs().f("epsilon", 1e-5f);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          if (x.rank() < 3) {
            throw new OpError("input must have rank >= 3, is " + x);
          }
          int c = x.dim(1);
          return new Tensor[] {norm(x, c, in[1], in[2], c, eps)};
        };
    return Built.of(op, DType.FLOAT);
  }

  static Built group(NodeSpec n) {
    Attrs at = n.attrs();
    at.allow("epsilon", "num_groups", "stash_type");
    n.arity(3, 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    if (!at.has("num_groups")) {
      throw new OpError("attribute 'num_groups' is required");
    }
    long g = at.i("num_groups", 1);
    if (g < 1 || g > Integer.MAX_VALUE) {
      throw new OpError("num_groups must be positive, is " + g);
    }
    if (at.i("stash_type", 1) != 1) {
      throw new OpError("unsupported stash_type " + at.i("stash_type", 1));
    }
    double eps = at.f("epsilon", 1e-5f);
    int groups = (int) g;
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          if (x.rank() < 2) {
            throw new OpError("input must have rank >= 2, is " + x);
          }
          int c = x.dim(1);
          if (c % groups != 0) {
            throw new OpError("channels " + c + " not divisible by num_groups " + groups);
          }
          return new Tensor[] {norm(x, groups, in[1], in[2], c, eps)};
        };
    return Built.of(op, DType.FLOAT);
  }

  /**
   * Normalizes {@code x} over groups of channels; {@code scale} and {@code bias} have either one
   * value per group or one per channel.
   */
  private static Tensor norm(Tensor x, int groups, Tensor scale, Tensor bias, int c, double eps) {
    int per = scale.size();
    if ((per != groups && per != c) || bias.size() != per) {
      throw new OpError(
          "scale " + scale + " and bias " + bias + " need " + groups + " or " + c + " values");
    }
    int nImg = x.dim(0);
    int inner = c == 0 || nImg == 0 ? 0 : x.size() / (nImg * c);
    int cg = c / groups;
    float[] xa = x.floats();
    float[] y = new float[xa.length];
    float[] sa = scale.floats();
    float[] ba = bias.floats();
    for (int b = 0; b < nImg; b++) {
      for (int gi = 0; gi < groups; gi++) {
        int base = (b * c + gi * cg) * inner;
        int len = cg * inner;
        double sum = 0;
        for (int i = 0; i < len; i++) {
          sum += xa[base + i];
        }
        double mean = sum / len;
        double sq = 0;
        for (int i = 0; i < len; i++) {
          double d = xa[base + i] - mean;
          sq += d * d;
        }
        double inv = 1 / Math.sqrt(sq / len + eps);
        for (int ch = 0; ch < cg; ch++) {
          int at = per == c ? gi * cg + ch : gi;
          double s = sa[at];
          double t = ba[at];
          int off = base + ch * inner;
          for (int i = 0; i < inner; i++) {
            y[off + i] = (float) ((xa[off + i] - mean) * inv * s + t);
          }
        }
      }
    }
    return Tensor.of(y, x.shape());
  }
}
