package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Elementwise operators over several broadcast tensors: the comparisons Equal, Less, Greater,
 * LessOrEqual, GreaterOrEqual (float or int64 operands, an int64 0 / 1 result: the engine's BOOL),
 * the logical And, Or, Xor (int64 0 / 1 operands), Where (an int64 0 / 1 condition), PRelu (float,
 * slope broadcast to X) and the variadic Min, Max (float or int64), Sum and Mean (float), all with
 * numpy broadcasting.
 */
final class Nary {
  private Nary() {}

  static final String[] COMPARE = {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"};
  static final String[] LOGIC = {"And", "Or", "Xor"};
  static final String[] VARIADIC = {"Min", "Max", "Sum", "Mean"};

  /** The broadcast output shape of all inputs. */
  static int[] shapeOf(Tensor[] in) {
    int[] s = in[0].shape();
    for (int i = 1; i < in.length; i++) {
      s = Shapes.broadcast(s, in[i].shape());
    }
    return s;
  }

  /** Flat offset of each operand for every output element: {@code off[o][i]}. */
  static int[][] offsets(int[] out, Tensor[] in) {
    int[][] shapes = new int[in.length][];
    for (int o = 0; o < in.length; o++) {
      shapes[o] = in[o].shape();
    }
    Shapes.Broadcast it = new Shapes.Broadcast(out, shapes);
    int total = Tensor.size(out);
    int[][] off = new int[in.length][total];
    for (int r = 0; r < it.rows; r++) {
      for (int o = 0; o < in.length; o++) {
        int base = it.offset(o, r);
        int st = it.innerStride[o];
        int[] d = off[o];
        for (int i = 0, p = r * it.inner; i < it.inner; i++, p++) {
          d[p] = base + i * st;
        }
      }
    }
    return off;
  }

  static Built compare(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    if (n.type(0) != n.type(1)) {
      throw new OpError("inputs have different element types");
    }
    String op = n.opType();
    Op o =
        (in, cx) -> {
          int[] os = shapeOf(in);
          int[][] off = offsets(os, in);
          long[] y = new long[Tensor.size(os)];
          boolean fl = in[0].type() == DType.FLOAT;
          for (int i = 0; i < y.length; i++) {
            int c;
            boolean nan = false;
            if (fl) {
              float a = in[0].floats()[off[0][i]];
              float b = in[1].floats()[off[1][i]];
              nan = Float.isNaN(a) || Float.isNaN(b);
              c = a < b ? -1 : (a > b ? 1 : 0);
            } else {
              c = Long.compare(in[0].longs()[off[0][i]], in[1].longs()[off[1][i]]);
            }
            boolean v =
                !nan
                    && switch (op) {
                      case "Equal" -> c == 0;
                      case "Less" -> c < 0;
                      case "Greater" -> c > 0;
                      case "LessOrEqual" -> c <= 0;
                      default -> c >= 0;
                    };
            y[i] = v ? 1 : 0;
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, DType.INT64);
  }

  static Built logic(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    n.requireInt(0);
    n.requireInt(1);
    String op = n.opType();
    Op o =
        (in, cx) -> {
          int[] os = shapeOf(in);
          int[][] off = offsets(os, in);
          long[] a = in[0].longs();
          long[] b = in[1].longs();
          long[] y = new long[Tensor.size(os)];
          for (int i = 0; i < y.length; i++) {
            boolean p = a[off[0][i]] != 0;
            boolean q = b[off[1][i]] != 0;
            boolean v =
                switch (op) {
                  case "And" -> p && q;
                  case "Or" -> p || q;
                  default -> p ^ q;
                };
            y[i] = v ? 1 : 0;
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, DType.INT64);
  }

  static Built where(NodeSpec n) {
    n.attrs().allow();
    n.arity(3, 3, 1, 1);
    n.requireInt(0);
    if (n.type(1) != n.type(2)) {
      throw new OpError("inputs X and Y have different element types");
    }
    Op o =
        (in, cx) -> {
          int[] os = shapeOf(in);
          int[][] off = offsets(os, in);
          long[] c = in[0].longs();
          int total = Tensor.size(os);
          if (in[1].type() == DType.FLOAT) {
            float[] x = in[1].floats();
            float[] z = in[2].floats();
            float[] y = new float[total];
            for (int i = 0; i < total; i++) {
              y[i] = c[off[0][i]] != 0 ? x[off[1][i]] : z[off[2][i]];
            }
            return new Tensor[] {Tensor.of(y, os)};
          }
          long[] x = in[1].longs();
          long[] z = in[2].longs();
          long[] y = new long[total];
          for (int i = 0; i < total; i++) {
            y[i] = c[off[0][i]] != 0 ? x[off[1][i]] : z[off[2][i]];
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, n.type(1));
  }

  static Built prelu(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    n.requireFloat(0);
    n.requireFloat(1);
    // before opset 7 a 1-D slope of one value per channel applies along axis 1
    boolean perChannel = n.opset() < 7;
    Op o =
        (in0, cx) -> {
          Tensor[] in = in0;
          if (perChannel
              && in[1].rank() == 1
              && in[0].rank() >= 2
              && in[1].size() == in[0].dim(1)) {
            int[] ss = new int[in[0].rank() - 1];
            java.util.Arrays.fill(ss, 1);
            ss[0] = in[1].size();
            in = new Tensor[] {in[0], in[1].reshape(ss)};
          }
          int[] os = shapeOf(in);
          if (!java.util.Arrays.equals(os, in[0].shape())) {
            throw new OpError(
                "slope " + in[1] + " does not broadcast to X " + in[0] + " (unidirectional)");
          }
          int[][] off = offsets(os, in);
          float[] x = in[0].floats();
          float[] s = in[1].floats();
          float[] y = new float[x.length];
          for (int i = 0; i < y.length; i++) {
            float v = x[i];
            y[i] = v < 0 ? v * s[off[1][i]] : v;
          }
          return new Tensor[] {Tensor.of(y, os)};
        };
    return Built.of(o, DType.FLOAT);
  }

  static Built variadic(NodeSpec n) {
    n.attrs().allow();
    n.arity(1, Integer.MAX_VALUE, 1, 1);
    String op = n.opType();
    for (int i = 0; i < n.inTypes().length; i++) {
      if (!n.has(i)) {
        throw new OpError("input " + i + " is missing");
      }
      if (n.type(i) != n.type(0)) {
        throw new OpError("inputs have different element types");
      }
      if (op.equals("Sum") || op.equals("Mean")) {
        n.requireFloat(i);
      }
    }
    Op o =
        (in, cx) -> {
          int[] os = shapeOf(in);
          int[][] off = offsets(os, in);
          int total = Tensor.size(os);
          if (in[0].type() == DType.INT64) {
            long[] y = new long[total];
            for (int i = 0; i < total; i++) {
              long acc = in[0].longs()[off[0][i]];
              for (int k = 1; k < in.length; k++) {
                long v = in[k].longs()[off[k][i]];
                acc = op.equals("Min") ? Math.min(acc, v) : Math.max(acc, v);
              }
              y[i] = acc;
            }
            return new Tensor[] {Tensor.ofLongs(y, os)};
          }
          float[] y = new float[total];
          for (int i = 0; i < total; i++) {
            float acc = in[0].floats()[off[0][i]];
            for (int k = 1; k < in.length; k++) {
              float v = in[k].floats()[off[k][i]];
              acc =
                  switch (op) {
                    case "Min" -> Float.isNaN(acc) || Float.isNaN(v) ? Float.NaN : Math.min(acc, v);
                    case "Max" -> Float.isNaN(acc) || Float.isNaN(v) ? Float.NaN : Math.max(acc, v);
                    default -> acc + v;
                  };
            }
            y[i] = op.equals("Mean") ? acc / in.length : acc;
          }
          return new Tensor[] {Tensor.of(y, os)};
        };
    return Built.of(o, n.type(0));
  }
}
