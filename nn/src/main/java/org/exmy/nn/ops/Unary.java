package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Elementwise float functions: Relu, Sigmoid, Tanh, Erf, Sqrt, HardSigmoid, HardSwish, Gelu, Clip.
 * Transcendental functions are evaluated in double and rounded to float once.
 */
final class Unary implements Op {
  enum Kind {
    RELU,
    SIGMOID,
    TANH,
    ERF,
    SQRT,
    HARDSIGMOID,
    HARDSWISH,
    GELU,
    GELU_TANH,
    CLIP
  }

  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final Kind kind;
  private final float alpha;
  private final float beta;

  private Unary(Kind kind, float alpha, float beta) {
    this.kind = kind;
    this.alpha = alpha;
    this.beta = beta;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    Kind kind;
    float alpha = 0;
    float beta = 0;
    switch (n.opType()) {
      case "HardSigmoid" -> {
        at.allow("alpha", "beta");
        kind = Kind.HARDSIGMOID;
        alpha = at.f("alpha", 0.2f);
        beta = at.f("beta", 0.5f);
      }
      case "Gelu" -> {
        at.allow("approximate");
        String ap = at.s("approximate", "none");
        if (ap.equals("none")) {
          kind = Kind.GELU;
        } else if (ap.equals("tanh")) {
          kind = Kind.GELU_TANH;
        } else {
          throw new OpError("unsupported approximate '" + ap + "'");
        }
      }
      case "Clip" -> {
        return buildClip(n);
      }
      default -> {
        at.allow();
        kind = Kind.valueOf(n.opType().toUpperCase(java.util.Locale.ROOT));
      }
    }
    n.arity(1, 1, 1, 1);
    n.requireFloat(0);
    return Built.of(new Unary(kind, alpha, beta), DType.FLOAT);
  }

  private static Built buildClip(NodeSpec n) {
    if (n.has(0) && n.type(0) == DType.INT64 && n.opset() >= 12) {
      return buildIntClip(n);
    }
    n.requireFloat(0);
    if (n.opset() < 11) {
      n.attrs().allow("min", "max");
      n.arity(1, 1, 1, 1);
      float lo = n.attrs().f("min", -Float.MAX_VALUE);
      float hi = n.attrs().f("max", Float.MAX_VALUE);
      return Built.of(new Unary(Kind.CLIP, lo, hi), DType.FLOAT);
    }
    n.attrs().allow();
    n.arity(1, 3, 1, 1);
    n.requireFloat(1);
    n.requireFloat(2);
    Op op =
        (in, cx) -> {
          float lo = bound(in, 1, Float.NEGATIVE_INFINITY);
          float hi = bound(in, 2, Float.POSITIVE_INFINITY);
          return new Unary(Kind.CLIP, lo, hi).run(in, cx);
        };
    return Built.of(op, DType.FLOAT);
  }

  /** Clip of an integer tensor (opset 12 on): integer bounds, min(max(x, lo), hi). */
  private static Built buildIntClip(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, 3, 1, 1);
    n.requireInt(1);
    n.requireInt(2);
    Op op =
        (in, cx) -> {
          long lo = Long.MIN_VALUE;
          long hi = Long.MAX_VALUE;
          for (int i = 1; i < 3 && i < in.length; i++) {
            if (in[i] != null) {
              if (in[i].size() != 1) {
                throw new OpError("Clip bound must be a scalar, has shape " + in[i]);
              }
              if (i == 1) {
                lo = in[i].longs()[0];
              } else {
                hi = in[i].longs()[0];
              }
            }
          }
          long[] x = in[0].longs();
          long[] y = new long[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = Math.min(Math.max(x[i], lo), hi);
          }
          return new Tensor[] {Tensor.ofLongs(y, in[0].shape())};
        };
    return Built.of(op, DType.INT64);
  }

  private static float bound(Tensor[] in, int i, float def) {
    if (i >= in.length || in[i] == null) {
      return def;
    }
    if (in[i].size() != 1) {
      throw new OpError("Clip bound must be a scalar, has shape " + in[i]);
    }
    return in[i].floats()[0];
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    float[] x = in[0].floats();
    float[] y = new float[x.length];
    apply(x, y);
    return new Tensor[] {Tensor.of(y, in[0].shape())};
  }

  private void apply(float[] x, float[] y) {
    int n = x.length;
    switch (kind) {
      case RELU -> {
        for (int i = 0; i < n; i++) {
          y[i] = Math.max(x[i], 0f); // NaN stays NaN, -0 becomes +0: as before, and branch-free
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) (1 / (1 + Math.exp(-(double) x[i])));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) MathFns.tanh(x[i]);
        }
      }
      case ERF -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) MathFns.erf(x[i]);
        }
      }
      case SQRT -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) Math.sqrt(x[i]);
        }
      }
      case HARDSIGMOID -> {
        for (int i = 0; i < n; i++) {
          y[i] = Math.max(0f, Math.min(1f, alpha * x[i] + beta));
        }
      }
      case HARDSWISH -> {
        for (int i = 0; i < n; i++) {
          y[i] = x[i] * Math.max(0f, Math.min(1f, x[i] / 6f + 0.5f));
        }
      }
      case GELU -> {
        for (int i = 0; i < n; i++) {
          double v = x[i];
          y[i] = (float) (0.5 * v * (1 + MathFns.erf(v * SQRT_HALF)));
        }
      }
      case GELU_TANH -> {
        for (int i = 0; i < n; i++) {
          double v = x[i];
          y[i] =
              (float) (0.5 * v * (1 + MathFns.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
        }
      }
      case CLIP -> {
        for (int i = 0; i < n; i++) {
          // min(max(x, lo), hi): with lo > hi every value becomes hi (ONNX, ONNX Runtime)
          float v = x[i] < alpha ? alpha : x[i];
          y[i] = v > beta ? beta : v;
        }
      }
    }
  }
}
