package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * BatchNormalization (inference, and training mode with the batch statistics) and
 * LayerNormalization.
 */
final class Norm {
  private Norm() {}

  static Built batchNorm(NodeSpec n) {
    Attrs at = n.attrs();
    if (n.opset() < 7) {
      at.allow("epsilon", "momentum", "spatial", "is_test");
      if (at.i("is_test", 0) == 0) {
        throw new OpError("is_test=0 (training mode) is not supported");
      }
    } else {
      at.allow("epsilon", "momentum", "training_mode", "spatial");
    }
    if (at.i("spatial", 1) != 1) {
      throw new OpError("spatial=0 is not supported");
    }
    if (at.i("training_mode", 0) != 0) {
      return batchNormTraining(n);
    }
    n.arity(5, 5, 1, 1);
    for (int i = 0; i < 5; i++) {
      n.requireFloat(i);
    }
    double eps = at.f("epsilon", 1e-5f);
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          if (x.rank() < 2) {
            throw new OpError("input must have rank >= 2, is " + x);
          }
          int c = x.dim(1);
          for (int i = 1; i < 5; i++) {
            if (in[i].size() != c) {
              throw new OpError("input " + i + " " + in[i] + " does not have " + c + " values");
            }
          }
          float[] scale = in[1].floats();
          float[] bias = in[2].floats();
          float[] mean = in[3].floats();
          float[] var = in[4].floats();
          int inner = c == 0 ? 0 : x.size() / (x.dim(0) * c);
          float[] xa = x.floats();
          float[] y = new float[xa.length];
          for (int ch = 0; ch < c; ch++) {
            double s = scale[ch] / Math.sqrt(var[ch] + eps);
            float mul = (float) s;
            float add = (float) (bias[ch] - mean[ch] * s);
            for (int b = 0; b < x.dim(0); b++) {
              int base = (b * c + ch) * inner;
              for (int i = 0; i < inner; i++) {
                y[base + i] = xa[base + i] * mul + add;
              }
            }
          }
          return new Tensor[] {Tensor.of(y, x.shape())};
        };
    return Built.of(op, DType.FLOAT);
  }

  /**
   * BatchNormalization with training_mode=1 (opset 14 on): normalizes with the batch's own mean and
   * population variance per channel (over every axis but 1), and outputs the updated running
   * statistics {@code input * momentum + batch * (1 - momentum)} as running_mean and running_var.
   */
  private static Built batchNormTraining(NodeSpec n) {
    n.arity(5, 5, 1, 3);
    for (int i = 0; i < 5; i++) {
      n.requireFloat(i);
    }
    double eps = n.attrs().f("epsilon", 1e-5f);
    double momentum = n.attrs().f("momentum", 0.9f);
    int outs = n.numOutputs();
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          if (x.rank() < 2) {
            throw new OpError("input must have rank >= 2, is " + x);
          }
          int c = x.dim(1);
          for (int i = 1; i < 5; i++) {
            if (in[i].size() != c) {
              throw new OpError("input " + i + " " + in[i] + " does not have " + c + " values");
            }
          }
          int batch = x.dim(0);
          int inner = c == 0 ? 0 : x.size() / (batch * c);
          float[] xa = x.floats();
          float[] y = new float[xa.length];
          float[] runMean = new float[c];
          float[] runVar = new float[c];
          long count = (long) batch * inner;
          for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < batch; b++) {
              int base = (b * c + ch) * inner;
              for (int i = 0; i < inner; i++) {
                sum += xa[base + i];
              }
            }
            double mean = sum / count;
            double sq = 0;
            for (int b = 0; b < batch; b++) {
              int base = (b * c + ch) * inner;
              for (int i = 0; i < inner; i++) {
                double dv = xa[base + i] - mean;
                sq += dv * dv;
              }
            }
            double var = sq / count;
            double sc = in[1].floats()[ch] / Math.sqrt(var + eps);
            double bias = in[2].floats()[ch];
            for (int b = 0; b < batch; b++) {
              int base = (b * c + ch) * inner;
              for (int i = 0; i < inner; i++) {
                y[base + i] = (float) ((xa[base + i] - mean) * sc + bias);
              }
            }
            runMean[ch] = (float) (in[3].floats()[ch] * momentum + mean * (1 - momentum));
            runVar[ch] = (float) (in[4].floats()[ch] * momentum + var * (1 - momentum));
          }
          Tensor[] r = new Tensor[outs];
          r[0] = Tensor.of(y, x.shape());
          if (outs > 1) {
            r[1] = Tensor.of(runMean, c);
          }
          if (outs > 2) {
            r[2] = Tensor.of(runVar, c);
          }
          return r;
        };
    DType[] types = new DType[outs];
    java.util.Arrays.fill(types, DType.FLOAT);
    return Built.of(op, types);
  }

  static Built layerNorm(NodeSpec n) {
    Attrs at = n.attrs();
    at.allow("axis", "epsilon", "stash_type");
    n.arity(2, 3, 1, 3);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    long axisAttr = at.i("axis", -1);
    double eps = at.f("epsilon", 1e-5f);
    int outs = n.numOutputs();
    Op op =
        (in, cx) -> {
          Tensor x = in[0];
          int axis = Shapes.axis(axisAttr, x.rank(), "axis");
          int[] xs = x.shape();
          int[] normShape = Arrays.copyOfRange(xs, axis, xs.length);
          int inner = Tensor.size(normShape);
          int outer = inner == 0 ? 0 : x.size() / inner;
          float[] scale = expand(in[1], normShape, "Scale");
          float[] bias = in.length > 2 && in[2] != null ? expand(in[2], normShape, "B") : null;
          float[] xa = x.floats();
          float[] y = new float[xa.length];
          float[] meanOut = new float[outer];
          float[] invOut = new float[outer];
          for (int r = 0; r < outer; r++) {
            int base = r * inner;
            double sum = 0;
            for (int i = 0; i < inner; i++) {
              sum += xa[base + i];
            }
            double mean = sum / inner;
            double sq = 0;
            for (int i = 0; i < inner; i++) {
              double d = xa[base + i] - mean;
              sq += d * d;
            }
            double inv = 1 / Math.sqrt(sq / inner + eps);
            meanOut[r] = (float) mean;
            invOut[r] = (float) inv;
            for (int i = 0; i < inner; i++) {
              double v = (xa[base + i] - mean) * inv * scale[i];
              y[base + i] = (float) (bias == null ? v : v + bias[i]);
            }
          }
          Tensor[] res = new Tensor[outs];
          res[0] = Tensor.of(y, xs);
          int[] statShape = xs.clone();
          for (int i = axis; i < statShape.length; i++) {
            statShape[i] = 1;
          }
          if (outs > 1) {
            res[1] = Tensor.of(meanOut, statShape);
          }
          if (outs > 2) {
            res[2] = Tensor.of(invOut, statShape);
          }
          return res;
        };
    DType[] types = new DType[outs];
    Arrays.fill(types, DType.FLOAT);
    return Built.of(op, types);
  }

  /** {@code t} broadcast to {@code shape}, as a flat array of that shape's size. */
  private static float[] expand(Tensor t, int[] shape, String what) {
    int[] ts = t.shape();
    if (ts.length > shape.length || !Arrays.equals(Shapes.broadcast(ts, shape), shape)) {
      throw new OpError(what + " " + t + " does not broadcast to " + Shapes.str(shape));
    }
    if (Arrays.equals(ts, shape)) {
      return t.floats();
    }
    int[] st = Shapes.broadcastStrides(ts, shape);
    float[] src = t.floats();
    float[] out = new float[Tensor.size(shape)];
    int[] idx = new int[shape.length];
    for (int i = 0; i < out.length; i++) {
      int off = 0;
      for (int d = 0; d < shape.length; d++) {
        off += idx[d] * st[d];
      }
      out[i] = src[off];
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return out;
  }
}
