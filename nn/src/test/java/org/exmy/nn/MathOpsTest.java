package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * LogSoftmax, Hardmax, Mod, BitShift, Size, IsNaN, IsInf, the further unary functions, ReduceL1 /
 * SumSquare / LogSum / LogSumExp, DepthToSpace, SpaceToDepth, GlobalMaxPool, LRN and
 * MeanVarianceNormalization against ONNX Runtime.
 */
class MathOpsTest {
  private final SplittableRandom r = new SplittableRandom(43);

  /**
   * A node whose inputs are float / int64 graph inputs (or initializers when {@code folded}), each
   * cast first to ONNX type {@code inCast[i]} where that is not 0, and whose output is cast to
   * int64 when {@code outCast} is 7 (ONNX Runtime's Java harness feeds and reads float and int64).
   */
  static Map<String, Tensor> typedCase(
      int opset,
      String op,
      int[] inCast,
      int outCast,
      Consumer<OnnxBuilder.Node> attrs,
      boolean folded,
      Tensor... ins) {
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
      if (inCast[i] != 0) {
        names[i] = raw + "c";
        b.node("Cast", new String[] {raw}, names[i]).i("to", inCast[i]);
      } else {
        names[i] = raw;
      }
    }
    b.output("Y0");
    if (outCast != 0) {
      attrs.accept(b.node(op, names, "Yc"));
      b.node("Cast", new String[] {"Yc"}, "Y0").i("to", outCast);
    } else {
      attrs.accept(b.node(op, names, "Y0"));
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
    float[] f = new float[Tensor.size(shape)];
    for (int i = 0; i < f.length; i++) {
      f[i] = r.nextInt(-2, 3);
    }
    return Tensor.of(f, shape);
  }

  @Test
  void logSoftmaxAndHardmax() {
    for (String op : new String[] {"LogSoftmax", "Hardmax"}) {
      Tensor x = op.equals("Hardmax") ? coarse(2, 3, 4) : randn(r, 2, 3, 4);
      for (int opset : new int[] {9, 11, 12, 13, 20}) {
        for (long axis : new long[] {0, 1, 2, -1, -3}) {
          if (opset < 11 && axis < 0) {
            continue;
          }
          new OpCase(opset, op).in("X", x).attrs(n -> n.i("axis", axis)).check();
        }
        new OpCase(opset, op).in("X", x).check(); // default axis: 1 before 13, -1 from 13
        new OpCase(opset, op).in("X", randn(r, 5, 7)).check();
        new OpCase(opset, op).in("X", x).attrs(n -> n.i("axis", 2)).folded().check();
      }
    }
    // large values: LogSoftmax must not overflow
    Tensor big = Tensor.of(new float[] {1000, 1001, 1002, -1000, 0, 3}, 2, 3);
    new OpCase(13, "LogSoftmax").in("X", big).check();
  }

  @Test
  void modAndBitShift() {
    Tensor a = ints(-20, 21, 3, 4);
    Tensor b = ints(1, 7, 4);
    Tensor bs = Tensor.ofLongs(new long[] {-5, -3, 3, 5}, 4);
    for (int opset : new int[] {10, 13}) {
      for (int fmod : new int[] {0, 1}) {
        new OpCase(opset, "Mod").in("A", a).in("B", b).attrs(n -> n.i("fmod", fmod)).check();
        new OpCase(opset, "Mod").in("A", a).init("B", bs).attrs(n -> n.i("fmod", fmod)).check();
        new OpCase(opset, "Mod")
            .in("A", a)
            .in("B", bs)
            .attrs(n -> n.i("fmod", fmod))
            .folded()
            .check();
      }
      new OpCase(opset, "Mod")
          .in("A", uniform(r, -10, 10, 3, 4))
          .in("B", Tensor.of(new float[] {-2.5f, 1.5f, 3f, -0.7f}, 4))
          .attrs(n -> n.i("fmod", 1))
          .check();
    }
    Tensor x8 = ints(0, 64, 3, 4);
    Tensor s8 = ints(0, 3, 4);
    Tensor x64 = Tensor.ofLongs(new long[] {-1, Long.MIN_VALUE, 12345, 7, 1L << 40, -99}, 2, 3);
    Tensor s64 = Tensor.ofLongs(new long[] {1, 63, 17}, 3);
    for (String dir : new String[] {"LEFT", "RIGHT"}) {
      for (int t : new int[] {2, 12}) { // uint8, uint32 (ORT has no uint16): no bit shifted out
        MathOpsTest.typedCase(
            11, "BitShift", new int[] {t, t}, 7, n -> n.s("direction", dir), false, x8, s8);
      }
      for (boolean folded : new boolean[] {false, true}) {
        MathOpsTest.typedCase(
            11, "BitShift", new int[] {13, 13}, 7, n -> n.s("direction", dir), folded, x64, s64);
      }
    }
  }

  @Test
  void sizeIsNanIsInfRound() {
    Tensor sp =
        Tensor.of(
            new float[] {
              Float.NaN, 1f, Float.POSITIVE_INFINITY, -0f, Float.NEGATIVE_INFINITY, -3.5f
            },
            2,
            3);
    for (int opset : new int[] {9, 13, 20}) {
      new OpCase(opset, "Size").in("X", randn(r, 2, 3, 4)).check();
      new OpCase(opset, "Size").in("X", ints(0, 3, 5)).folded().check();
      MathOpsTest.typedCase(opset, "IsNaN", new int[] {0}, 7, n -> {}, false, sp);
      if (opset >= 10) {
        for (int neg : new int[] {0, 1}) {
          for (int pos : new int[] {0, 1}) {
            MathOpsTest.typedCase(
                opset,
                "IsInf",
                new int[] {0},
                7,
                n -> n.i("detect_negative", neg).i("detect_positive", pos),
                false,
                sp);
          }
        }
        MathOpsTest.typedCase(opset, "IsInf", new int[] {0}, 7, n -> {}, true, sp);
      }
    }
    Tensor ties =
        Tensor.of(
            new float[] {
              0.5f,
              1.5f,
              2.5f,
              -0.5f,
              -1.5f,
              -2.5f,
              2.4f,
              -2.6f,
              Float.NaN,
              Float.POSITIVE_INFINITY,
              1e20f,
              0.49999997f
            },
            3,
            4);
    for (int opset : new int[] {11, 13}) {
      new OpCase(opset, "Round").in("X", ties).check();
      new OpCase(opset, "Round").in("X", uniform(r, -100, 100, 50)).folded().check();
    }
  }

  @Test
  void moreUnary() {
    Tensor wide = uniform(r, -4, 4, 4, 5);
    Tensor unit = uniform(r, -0.999, 0.999, 4, 5);
    Tensor aboveOne = uniform(r, 1, 30, 4, 5);
    for (int opset : new int[] {9, 13}) {
      for (String op : new String[] {"Tan", "Atan", "Sinh", "Cosh", "Asinh", "Softsign"}) {
        new OpCase(opset, op).in("X", wide).check();
      }
      for (String op : new String[] {"Asin", "Acos", "Atanh"}) {
        new OpCase(opset, op).in("X", unit).check();
      }
      new OpCase(opset, "Acosh").in("X", aboveOne).check();
      new OpCase(opset, "Asinh")
          .in("X", Tensor.of(new float[] {1e-8f, -1e-8f, 1e30f, -1e30f}, 4))
          .check();
      new OpCase(opset, "Shrink").in("X", wide).check();
      new OpCase(opset, "Shrink")
          .in("X", wide)
          .attrs(n -> n.f("lambd", 1.5f).f("bias", 0.5f))
          .check();
      new OpCase(opset, "Tan").in("X", wide).folded().check();
    }
    for (int opset : new int[] {12, 13}) {
      new OpCase(opset, "Celu").in("X", wide).check();
      new OpCase(opset, "Celu").in("X", wide).attrs(n -> n.f("alpha", 0.3f)).check();
      new OpCase(opset, "Celu").in("X", wide).attrs(n -> n.f("alpha", 2.5f)).folded().check();
    }
    for (int opset : new int[] {10, 13}) {
      new OpCase(opset, "ThresholdedRelu").in("X", wide).check();
      new OpCase(opset, "ThresholdedRelu").in("X", wide).attrs(n -> n.f("alpha", -0.5f)).check();
      new OpCase(opset, "ThresholdedRelu")
          .in("X", wide)
          .attrs(n -> n.f("alpha", 2f))
          .folded()
          .check();
    }
  }

  @Test
  void moreReductions() {
    long[][] axesSets = {{1}, {-1}, {0, 2}, {-3, -1}, {0, 1, 2}};
    for (String op :
        new String[] {"ReduceL1", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"}) {
      Tensor x = op.equals("ReduceLogSum") ? uniform(r, 0.1, 3, 2, 3, 4) : randn(r, 2, 3, 4);
      for (int opset : new int[] {11, 13, 18, 20}) {
        for (long[] axes : axesSets) {
          for (int keep : new int[] {0, 1}) {
            if (opset < 18) {
              new OpCase(opset, op)
                  .in("X", x)
                  .attrs(n -> n.ints("axes", axes).i("keepdims", keep))
                  .check();
            } else {
              new OpCase(opset, op)
                  .in("X", x)
                  .in("axes", longs(axes))
                  .attrs(n -> n.i("keepdims", keep))
                  .check();
              new OpCase(opset, op)
                  .in("X", x)
                  .init("axes", longs(axes))
                  .attrs(n -> n.i("keepdims", keep))
                  .folded()
                  .check();
            }
          }
        }
        new OpCase(opset, op).in("X", x).check();
        new OpCase(opset, op).in("X", x).attrs(n -> n.i("keepdims", 0)).check();
      }
    }
    Tensor big = Tensor.of(new float[] {500, 501, -500, 88, 89, 90}, 2, 3);
    new OpCase(13, "ReduceLogSumExp").in("X", big).attrs(n -> n.ints("axes", 1)).check();
    for (String op : new String[] {"ReduceL1", "ReduceSumSquare"}) {
      new OpCase(13, op).in("X", ints(-9, 9, 3, 4)).attrs(n -> n.ints("axes", 1)).check();
      new OpCase(18, op).in("X", ints(-9, 9, 3, 4)).init("axes", longs(0)).check();
    }
  }

  @Test
  void depthSpace() {
    for (int opset : new int[] {11, 13}) {
      for (int b : new int[] {1, 2, 3}) {
        Tensor d = randn(r, 2, 2 * b * b, 3, 2);
        new OpCase(opset, "DepthToSpace").in("X", d).attrs(n -> n.i("blocksize", b)).check();
        new OpCase(opset, "DepthToSpace")
            .in("X", d)
            .attrs(n -> n.i("blocksize", b).s("mode", "DCR"))
            .check();
        new OpCase(opset, "DepthToSpace")
            .in("X", d)
            .attrs(n -> n.i("blocksize", b).s("mode", "CRD"))
            .check();
        new OpCase(opset, "SpaceToDepth")
            .in("X", randn(r, 2, 3, 2 * b, 3 * b))
            .attrs(n -> n.i("blocksize", b))
            .check();
      }
      new OpCase(opset, "DepthToSpace")
          .in("X", randn(r, 1, 8, 2, 2))
          .attrs(n -> n.i("blocksize", 2).s("mode", "CRD"))
          .folded()
          .check();
    }
    new OpCase(9, "DepthToSpace")
        .in("X", randn(r, 1, 8, 2, 3))
        .attrs(n -> n.i("blocksize", 2))
        .check();
    new OpCase(9, "SpaceToDepth")
        .in("X", randn(r, 1, 2, 4, 6))
        .attrs(n -> n.i("blocksize", 2))
        .folded()
        .check();
  }

  @Test
  void poolAndNormalizations() {
    for (int[] s : new int[][] {{2, 3, 4, 5}, {2, 3, 5}, {1, 2, 2, 3, 2}}) {
      new OpCase(9, "GlobalMaxPool").in("X", randn(r, s)).check();
      new OpCase(13, "GlobalMaxPool").in("X", randn(r, s)).folded().check();
    }
    Tensor x = randn(r, 2, 5, 3, 3);
    for (int opset : new int[] {9, 13}) {
      for (int size : new int[] {1, 3, 5}) { // ORT refuses an even size
        new OpCase(opset, "LRN").in("X", x).attrs(n -> n.i("size", size)).check();
        new OpCase(opset, "LRN")
            .in("X", x)
            .attrs(n -> n.i("size", size).f("alpha", 0.2f).f("beta", 0.5f).f("bias", 2f))
            .check();
      }
      new OpCase(opset, "LRN")
          .in("X", randn(r, 1, 4, 3, 2))
          .attrs(n -> n.i("size", 3))
          .folded()
          .check();
      new OpCase(opset, "MeanVarianceNormalization").in("X", x).check();
      new OpCase(opset, "MeanVarianceNormalization")
          .in("X", x)
          .attrs(n -> n.ints("axes", 2, 3))
          .check();
      new OpCase(opset, "MeanVarianceNormalization")
          .in("X", x)
          .attrs(n -> n.ints("axes", 0, 1, 2, 3))
          .folded()
          .check();
    }
  }
}
