package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;

/** The comparison, logical, variadic and further unary operators against ONNX Runtime. */
class MoreElementwiseOpsTest {
  private final SplittableRandom r = new SplittableRandom(23);

  /**
   * A node whose boolean inputs are int64 graph inputs or initializers cast to BOOL before it, and
   * whose boolean output is cast back to int64 (ONNX Runtime's Java harness feeds and reads int64).
   */
  static Map<String, Tensor> boolCase(
      int opset, String op, boolean[] boolIn, boolean boolOut, boolean folded, Tensor... ins) {
    OnnxBuilder b = new OnnxBuilder(opset);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    String[] names = new String[ins.length];
    for (int i = 0; i < ins.length; i++) {
      String raw = "I" + i;
      if (folded) {
        b.init(raw, ins[i]);
      } else {
        b.input(
            raw,
            ins[i].type() == DType.FLOAT ? OnnxBuilder.FLOAT : OnnxBuilder.INT64,
            Ort.dims(ins[i]));
        feeds.put(raw, ins[i]);
      }
      if (boolIn[i]) {
        names[i] = raw + "b";
        b.node("Cast", new String[] {raw}, names[i]).i("to", 9);
      } else {
        names[i] = raw;
      }
    }
    b.output("Y0");
    if (boolOut) {
      b.node(op, names, "Yb");
      b.node("Cast", new String[] {"Yb"}, "Y0").i("to", 7);
    } else {
      b.node(op, names, "Y0");
    }
    return Ort.check(b, feeds);
  }

  private Tensor ints(int lo, int hi, int... shape) {
    long[] v = new long[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(lo, hi);
    }
    return Tensor.ofLongs(v, shape);
  }

  private Tensor coarse(int... shape) {
    // values on a grid of halves so that ties (equal values) occur
    float[] f = new float[Tensor.size(shape)];
    for (int i = 0; i < f.length; i++) {
      f[i] = r.nextInt(-3, 4) * 0.5f;
    }
    return Tensor.of(f, shape);
  }

  @Test
  void comparisonsGiveInt64ZeroOne() {
    int[][][] shapes = {{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{3, 1}, {1, 5}}, {{4}, {}}};
    for (String op : new String[] {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) {
      for (int opset : new int[] {9, 11, 13, 16}) {
        if (opset < 12 && op.endsWith("OrEqual")) {
          continue;
        }
        for (int[][] s : shapes) {
          if (opset >= 11 || !op.equals("Equal")) { // float Equal from opset 11
            boolCase(opset, op, new boolean[2], true, false, coarse(s[0]), coarse(s[1]));
          }
          boolCase(opset, op, new boolean[2], true, false, ints(-2, 3, s[0]), ints(-2, 3, s[1]));
        }
        boolCase(opset, op, new boolean[2], true, true, ints(-2, 3, 2, 3), ints(-2, 3, 3));
      }
    }
    boolCase(13, "Equal", new boolean[] {true, true}, true, false, ints(0, 2, 3, 4), ints(0, 2, 4));
  }

  @Test
  void logicalOperators() {
    for (String op : new String[] {"And", "Or", "Xor"}) {
      for (int opset : new int[] {9, 13}) {
        boolCase(
            opset,
            op,
            new boolean[] {true, true},
            true,
            false,
            ints(0, 2, 2, 3, 4),
            ints(0, 2, 2, 3, 4));
        boolCase(
            opset,
            op,
            new boolean[] {true, true},
            true,
            false,
            ints(0, 2, 2, 3, 4),
            ints(0, 2, 3, 1));
        boolCase(opset, op, new boolean[] {true, true}, true, true, ints(0, 2, 5), ints(0, 2, 1));
      }
    }
    for (int opset : new int[] {9, 13}) {
      boolCase(opset, "Not", new boolean[] {true}, true, false, ints(0, 2, 3, 4));
      boolCase(opset, "Not", new boolean[] {true}, true, true, ints(-3, 3, 7));
    }
  }

  @Test
  void whereBroadcasts() {
    for (int opset : new int[] {9, 16}) {
      boolCase(
          opset,
          "Where",
          new boolean[] {true, false, false},
          false,
          false,
          ints(0, 2, 2, 3, 4),
          randn(r, 2, 3, 4),
          randn(r, 2, 3, 4));
      boolCase(
          opset,
          "Where",
          new boolean[] {true, false, false},
          false,
          false,
          ints(0, 2, 3, 1),
          randn(r, 1, 4),
          randn(r, 2, 1, 1));
      boolCase(
          opset,
          "Where",
          new boolean[] {true, false, false},
          false,
          false,
          ints(0, 2, 4),
          ints(-9, 9, 3, 4),
          ints(-9, 9, 1));
      boolCase(
          opset,
          "Where",
          new boolean[] {true, false, false},
          false,
          true,
          ints(0, 2, 4),
          randn(r, 3, 4),
          Tensor.scalar(-1e9f));
    }
    // the usual exporter pattern: a comparison feeding Where directly
    OnnxBuilder b = new OnnxBuilder(13);
    Tensor x = randn(r, 3, 5);
    b.input("X", OnnxBuilder.FLOAT, 3, 5);
    b.init("zero", Tensor.scalar(0f));
    b.output("Y0");
    b.node("Greater", new String[] {"X", "zero"}, "m");
    b.node("Where", new String[] {"m", "X", "zero"}, "Y0");
    Ort.check(b, Ort.in("X", x));
  }

  @Test
  void variadicMinMaxSumMean() {
    for (String op : new String[] {"Min", "Max", "Sum", "Mean"}) {
      for (int opset : new int[] {9, 12, 13}) {
        new OpCase(opset, op).in("A", randn(r, 2, 3, 4)).check();
        new OpCase(opset, op).in("A", randn(r, 2, 3, 4)).in("B", randn(r, 2, 3, 4)).check();
        new OpCase(opset, op)
            .in("A", randn(r, 2, 3, 4))
            .in("B", randn(r, 4))
            .init("C", randn(r, 3, 1))
            .check();
        new OpCase(opset, op)
            .in("A", randn(r, 1, 3, 1))
            .in("B", randn(r, 2, 1, 5))
            .in("C", randn(r, 5))
            .in("D", Tensor.scalar(0.25f))
            .check();
        new OpCase(opset, op).in("A", coarse(3, 4)).in("B", coarse(3, 4)).folded().check();
      }
    }
    for (String op : new String[] {"Min", "Max"}) {
      new OpCase(13, op).in("A", ints(-9, 9, 3, 4)).in("B", ints(-9, 9, 4)).check();
      new OpCase(12, op)
          .in("A", ints(-9, 9, 3, 4))
          .in("B", ints(-9, 9, 3, 1))
          .in("C", longs(5))
          .check();
    }
  }

  @Test
  void unaryFloatFunctions() {
    Tensor x =
        Tensor.of(
            ElementwiseOpsTest.concat(
                randn(r, 200).floats(),
                uniform(r, -8, 8, 200).floats(),
                new float[] {0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 30f, -30f, 90f, -90f}),
            412);
    Tensor pos = uniform(r, 1e-3, 20, 4, 6);
    for (int opset : new int[] {9, 13}) {
      for (String op :
          new String[] {
            "Neg",
            "Abs",
            "Exp",
            "Floor",
            "Ceil",
            "Sign",
            "Sin",
            "Cos",
            "Softplus",
            "LeakyRelu",
            "Elu",
            "Selu"
          }) {
        if (opset < 9 && op.equals("Sign")) {
          continue;
        }
        new OpCase(opset, op).in("X", x).check();
      }
      new OpCase(opset, "Log").in("X", pos).check();
      new OpCase(opset, "Reciprocal").in("X", pos).check();
      new OpCase(opset, "Reciprocal").in("X", randn(r, 3, 5)).check();
      new OpCase(opset, "LeakyRelu").in("X", x).attrs(n -> n.f("alpha", 0.2f)).check();
      new OpCase(opset, "Elu").in("X", x).attrs(n -> n.f("alpha", 0.5f)).check();
      new OpCase(opset, "Selu").in("X", x).attrs(n -> n.f("alpha", 1.5f).f("gamma", 2f)).check();
      new OpCase(opset, "Exp").in("X", randn(r, 2, 3)).folded().check();
    }
    new OpCase(18, "Mish").in("X", x).check();
    new OpCase(18, "Mish").in("X", randn(r, 3, 3)).folded().check();
  }

  @Test
  void unaryInt64() {
    Tensor v = Tensor.ofLongs(new long[] {-7, 0, 5, -1, 123456789012L, 3}, 2, 3);
    for (String op : new String[] {"Neg", "Abs", "Sign"}) {
      new OpCase(13, op).in("X", v).check();
      new OpCase(13, op).in("X", v).folded().check();
    }
  }

  @Test
  void preluBroadcastsSlope() {
    Tensor x = randn(r, 2, 3, 4, 5);
    for (int opset : new int[] {9, 16}) {
      new OpCase(opset, "PRelu").in("X", x).init("S", uniform(r, 0, 0.5, 3, 1, 1)).check();
      new OpCase(opset, "PRelu").in("X", x).in("S", uniform(r, -1, 1, 5)).check();
      new OpCase(opset, "PRelu").in("X", x).init("S", Tensor.scalar(0.1f)).check();
      new OpCase(opset, "PRelu").in("X", x).init("S", randn(r, 2, 3, 4, 5)).folded().check();
    }
  }

  @Test
  void refusalsNameTheNode() {
    OnnxBuilder b = new OnnxBuilder(13);
    b.input("X", OnnxBuilder.FLOAT, 3);
    b.output("Y0");
    b.node("Elu", new String[] {"X"}, "Y0").f("beta", 1f);
    NnException e = assertThrows(NnException.class, () -> OnnxLoader.load(b.bytes(), "m.onnx"));
    assertTrue(e.getMessage().contains("Elu_0") && e.getMessage().contains("beta"), e.getMessage());
  }
}
