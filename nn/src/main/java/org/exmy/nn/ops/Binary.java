package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Add, Sub, Mul, Div, Pow with numpy broadcasting (before opset 7 also the legacy broadcast=1 /
 * axis form); float32 or int64. Pow's output has the base's type, its exponent may be of either: an
 * integer base with an integer exponent is exact integer arithmetic (wrapping as int64 does; a
 * negative exponent truncates 1 / base^-e toward zero, 0 to one is an error), with a float exponent
 * {@code (long) Math.pow}, as ONNX Runtime's {@code static_cast<T>(std::pow)} (a NaN power, a
 * negative base to a fractional exponent, gives 0 here; undefined in C++).
 */
final class Binary implements Op {
  enum Kind {
    ADD,
    SUB,
    MUL,
    DIV,
    POW
  }

  private final Kind kind;

  /** Before opset 7: the axis of A where B's dimensions start (legacy broadcast), else -1. */
  private final long legacyAxis;

  private Binary(Kind kind, long legacyAxis) {
    this.kind = kind;
    this.legacyAxis = legacyAxis;
  }

  static Built build(NodeSpec n) {
    long legacyAxis = -1;
    if (n.opset() < 7) {
      // opset 6: broadcast=1 broadcasts B onto A, its dimensions matching A's from 'axis' on
      // (default: A's last dimensions, which numpy broadcasting gives as well)
      n.attrs().allow("broadcast", "axis");
      if (n.attrs().has("axis") && n.attrs().i("broadcast", 0) != 0) {
        legacyAxis = n.attrs().i("axis", 0);
        if (legacyAxis < 0) {
          throw new OpError("negative legacy broadcast axis " + legacyAxis + " is not supported");
        }
      }
    } else {
      n.attrs().allow();
    }
    n.arity(2, 2, 1, 1);
    Kind kind = Kind.valueOf(n.opType().toUpperCase(java.util.Locale.ROOT));
    DType out = n.type(0);
    if (kind != Kind.POW && n.type(0) != n.type(1)) {
      throw new OpError("inputs have different element types");
    }
    return Built.of(new Binary(kind, legacyAxis), out);
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor a = in[0];
    Tensor b = in[1];
    if (legacyAxis >= 0) {
      b = alignAt(a, b);
    }
    int[] as = a.shape();
    int[] bs = b.shape();
    int[] os = Shapes.broadcast(as, bs);
    Shapes.Broadcast it = new Shapes.Broadcast(os, as, bs);
    int n = it.inner;
    int sa = it.innerStride[0];
    int sb = it.innerStride[1];
    if (a.type() == DType.FLOAT) {
      float[] x = a.floats();
      float[] y = b.type() == DType.FLOAT ? b.floats() : b.toFloat().floats();
      float[] o = new float[Tensor.size(os)];
      for (int r = 0; r < it.rows; r++) {
        floatRow(kind, x, it.offset(0, r), sa, y, it.offset(1, r), sb, o, r * n, n);
      }
      return new Tensor[] {Tensor.of(o, os)};
    }
    long[] x = a.longs();
    long[] o = new long[Tensor.size(os)];
    if (b.type() == DType.FLOAT) { // Pow of an integer base to a float exponent
      float[] y = b.floats();
      for (int r = 0; r < it.rows; r++) {
        int xo = it.offset(0, r);
        int yo = it.offset(1, r);
        for (int i = 0; i < n; i++) {
          o[r * n + i] = (long) Math.pow(x[xo + i * sa], y[yo + i * sb]);
        }
      }
      return new Tensor[] {Tensor.ofLongs(o, os)};
    }
    long[] y = b.longs();
    for (int r = 0; r < it.rows; r++) {
      longRow(kind, x, it.offset(0, r), sa, y, it.offset(1, r), sb, o, r * n, n);
    }
    return new Tensor[] {Tensor.ofLongs(o, os)};
  }

  private static void floatRow(
      Kind k, float[] x, int xo, int sx, float[] y, int yo, int sy, float[] o, int oo, int n) {
    if (sx == 1 && sy == 1) {
      switch (k) {
        case ADD -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] + y[yo + i];
          }
        }
        case SUB -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] - y[yo + i];
          }
        }
        case MUL -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] * y[yo + i];
          }
        }
        case DIV -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] / y[yo + i];
          }
        }
        case POW -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = pow(x[xo + i], y[yo + i]);
          }
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      float p = x[xo + i * sx];
      float q = y[yo + i * sy];
      o[oo + i] =
          switch (k) {
            case ADD -> p + q;
            case SUB -> p - q;
            case MUL -> p * q;
            case DIV -> p / q;
            case POW -> pow(p, q);
          };
    }
  }

  private static float pow(float p, float q) {
    if (q == 2f) {
      return p * p;
    }
    return (float) Math.pow(p, q);
  }

  private static void longRow(
      Kind k, long[] x, int xo, int sx, long[] y, int yo, int sy, long[] o, int oo, int n) {
    for (int i = 0; i < n; i++) {
      long p = x[xo + i * sx];
      long q = y[yo + i * sy];
      o[oo + i] =
          switch (k) {
            case ADD -> p + q;
            case SUB -> p - q;
            case MUL -> p * q;
            case DIV -> {
              if (q == 0) {
                throw new OpError("integer division by zero");
              }
              yield p / q;
            }
            case POW -> ipow(p, q);
          };
    }
  }

  /** {@code p^q} in int64 arithmetic (wrapping); a negative {@code q} gives 1 / p^-q truncated. */
  static long ipow(long p, long q) {
    if (q < 0) {
      if (p == 0) {
        throw new OpError("integer Pow of 0 to negative exponent " + q);
      }
      return p == 1 ? 1 : p == -1 ? ((q & 1) == 0 ? 1 : -1) : 0;
    }
    long r = 1;
    long b = p;
    for (long e = q; e != 0; e >>>= 1) {
      if ((e & 1) != 0) {
        r *= b;
      }
      b *= b;
    }
    return r;
  }

  /** B reshaped to A's rank with its dimensions at {@link #legacyAxis} and ones elsewhere. */
  private Tensor alignAt(Tensor a, Tensor b) {
    int[] bs = b.shape();
    if (legacyAxis + bs.length > a.rank()) {
      throw new OpError("B " + b + " does not fit A " + a + " at axis " + legacyAxis);
    }
    int[] s = new int[a.rank()];
    java.util.Arrays.fill(s, 1);
    System.arraycopy(bs, 0, s, (int) legacyAxis, bs.length);
    return b.reshape(s);
  }
}
