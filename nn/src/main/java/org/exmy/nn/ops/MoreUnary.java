package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * More elementwise functions of one tensor: Neg, Abs, Sign (float or int64), Exp, Log,
 * Reciprocal, Floor, Ceil, Sin, Cos, LeakyRelu, Elu, Selu, Softplus, Mish (float), and Not
 * (booleans, held as int64 0 / 1). Transcendental functions are evaluated in double and rounded to
 * float once.
 */
final class MoreUnary {
  private MoreUnary() {}

  /** Operators built here. */
  static final String[] OPS = {
    "Neg", "Abs", "Sign", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Sin", "Cos", "LeakyRelu",
    "Elu", "Selu", "Softplus", "Mish", "Not"
  };

  private static final float SELU_ALPHA = 1.67326319217681884765625f;
  private static final float SELU_GAMMA = 1.05070102214813232421875f;

  @FunctionalInterface
  private interface F {
    float apply(float x);
  }

  @FunctionalInterface
  private interface L {
    long apply(long x);
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    String op = n.opType();
    switch (op) {
      case "LeakyRelu" -> at.allow("alpha");
      case "Elu" -> at.allow("alpha");
      case "Selu" -> at.allow("alpha", "gamma");
      default -> at.allow();
    }
    n.arity(1, 1, 1, 1);
    L lf =
        switch (op) {
          case "Neg" -> x -> -x;
          case "Abs" -> Math::abs;
          case "Sign" -> Long::signum;
          case "Not" -> x -> x == 0 ? 1 : 0;
          default -> null;
        };
    if (op.equals("Not")) {
      n.requireInt(0);
    } else if (lf == null) {
      n.requireFloat(0);
    }
    if (n.type(0) == DType.INT64) {
      L g = lf;
      Op o =
          (in, cx) -> {
            long[] x = in[0].longs();
            long[] y = new long[x.length];
            for (int i = 0; i < x.length; i++) {
              y[i] = g.apply(x[i]);
            }
            return new Tensor[] {Tensor.ofLongs(y, in[0].shape())};
          };
      return Built.of(o, DType.INT64);
    }
    float alpha;
    F f;
    switch (op) {
      case "Neg" -> f = x -> -x;
      case "Abs" -> f = Math::abs;
      case "Sign" -> f = x -> Float.isNaN(x) ? x : Math.signum(x);
      case "Exp" -> f = x -> (float) Math.exp(x);
      case "Log" -> f = x -> (float) Math.log(x);
      case "Reciprocal" -> f = x -> 1f / x;
      case "Floor" -> f = x -> (float) Math.floor(x);
      case "Ceil" -> f = x -> (float) Math.ceil(x);
      case "Sin" -> f = x -> (float) Math.sin(x);
      case "Cos" -> f = x -> (float) Math.cos(x);
      case "LeakyRelu" -> {
        alpha = at.f("alpha", 0.01f);
        f = x -> x >= 0 ? x : alpha * x;
      }
      case "Elu" -> {
        alpha = at.f("alpha", 1f);
        f = x -> x >= 0 ? x : (float) (alpha * Math.expm1(x));
      }
      case "Selu" -> {
        alpha = at.f("alpha", SELU_ALPHA);
        float gamma = at.f("gamma", SELU_GAMMA);
        f = x -> x > 0 ? gamma * x : (float) (gamma * (alpha * Math.expm1(x)));
      }
      case "Softplus" -> f = x -> (float) softplus(x);
      case "Mish" -> f = x -> (float) (x * MathFns.tanh(softplus(x)));
      default -> throw new OpError("unsupported operator");
    }
    Op o =
        (in, cx) -> {
          float[] x = in[0].floats();
          float[] y = new float[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
          }
          return new Tensor[] {Tensor.of(y, in[0].shape())};
        };
    return Built.of(o, DType.FLOAT);
  }

  /** {@code log(1 + exp(x))} without overflow. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
