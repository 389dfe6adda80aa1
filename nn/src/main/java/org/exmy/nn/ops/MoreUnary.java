package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * More elementwise functions of one tensor: Neg, Abs, Sign (float or int64), Exp, Log, Reciprocal,
 * Floor, Ceil, Round (half to even), Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh,
 * Atanh, LeakyRelu, Elu, Selu, Celu, ThresholdedRelu, Shrink, Softsign, Softplus, Mish (float), and
 * Not (booleans, held as int64 0 / 1). Transcendental functions are evaluated in double and rounded
 * to float once.
 */
final class MoreUnary {
  private MoreUnary() {}

  /** Operators built here. */
  static final String[] OPS = {
    "Neg", "Abs", "Sign", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Sin", "Cos", "LeakyRelu",
    "Elu", "Selu", "Softplus", "Mish", "Not", "Round", "Tan", "Asin", "Acos", "Atan", "Sinh",
    "Cosh", "Asinh", "Acosh", "Atanh", "Celu", "ThresholdedRelu", "Shrink", "Softsign"
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
      case "Celu", "ThresholdedRelu" -> at.allow("alpha");
      case "Shrink" -> at.allow("bias", "lambd");
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
      case "Round" -> f = x -> (float) Math.rint(x);
      case "Tan" -> f = x -> (float) Math.tan(x);
      case "Asin" -> f = x -> (float) Math.asin(x);
      case "Acos" -> f = x -> (float) Math.acos(x);
      case "Atan" -> f = x -> (float) Math.atan(x);
      case "Sinh" -> f = x -> (float) Math.sinh(x);
      case "Cosh" -> f = x -> (float) Math.cosh(x);
      case "Asinh" -> f = x -> (float) asinh(x);
      case "Acosh" -> f = x -> (float) Math.log(x + Math.sqrt((double) x * x - 1));
      case "Atanh" -> f = x -> (float) (0.5 * Math.log1p(2.0 * x / (1.0 - x)));
      case "Celu" -> {
        alpha = at.f("alpha", 1f);
        f = x -> x > 0 ? x : (float) (alpha * Math.expm1((double) x / alpha));
      }
      case "ThresholdedRelu" -> {
        alpha = at.f("alpha", 1f);
        f = x -> x > alpha ? x : 0f;
      }
      case "Shrink" -> {
        float bias = at.f("bias", 0f);
        float lambd = at.f("lambd", 0.5f);
        f = x -> x < -lambd ? x + bias : (x > lambd ? x - bias : 0f);
      }
      case "Softsign" -> f = x -> x / (1f + Math.abs(x));
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

  /** Inverse hyperbolic sine, accurate near 0 and odd. */
  static double asinh(double x) {
    double a = Math.abs(x);
    double r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    return a > 1e150 ? Math.copySign(Math.log(a) + Math.log(2), x) : Math.copySign(r, x);
  }

  /** {@code log(1 + exp(x))} without overflow. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
