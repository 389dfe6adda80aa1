package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reductions, ArgMax / ArgMin, TopK and CumSum against ONNX Runtime. */
class ReduceOpsTest {
  private final SplittableRandom r = new SplittableRandom(31);

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
  void reductionsAxesAttributeThenInput() {
    long[][] axesSets = {{1}, {-1}, {0, 2}, {-3, -1}, {0, 1, 2}};
    for (String op :
        new String[] {"ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2"}) {
      int since = op.equals("ReduceSum") ? 13 : 18;
      Tensor x = op.equals("ReduceProd") ? uniform(r, 0.5, 1.5, 2, 3, 4) : randn(r, 2, 3, 4);
      for (int opset : new int[] {11, since - 1, since, 20}) {
        for (long[] axes : axesSets) {
          for (int keep : new int[] {0, 1}) {
            if (opset < since) {
              new OpCase(opset, op)
                  .in("X", x)
                  .attrs(n -> n.ints("axes", axes).i("keepdims", keep))
                  .check();
            } else {
              new OpCase(opset, op)
                  .in("X", x)
                  .init("axes", longs(axes))
                  .attrs(n -> n.i("keepdims", keep))
                  .check();
              new OpCase(opset, op)
                  .in("X", x)
                  .in("axes", longs(axes))
                  .attrs(n -> n.i("keepdims", keep))
                  .check();
            }
          }
        }
        // no axes: all axes
        new OpCase(opset, op).in("X", x).check();
        new OpCase(opset, op).in("X", x).attrs(n -> n.i("keepdims", 0)).check();
        new OpCase(opset, op).in("X", x).folded().check();
        if (opset >= since) {
          // ONNX Runtime 1.20's ReduceSum refuses an empty or omitted axes input at run time
          // ("output size should be 1"), with noop_with_empty_axes 0 or 1: not compared there;
          // noop_with_empty_axes=1 must return the input itself (spec), checked on exmy alone
          OnnxBuilder b =
              new OpCase(opset, op).in("X", x).attrs(n -> n.i("noop_with_empty_axes", 1)).builder();
          org.junit.jupiter.api.Assertions.assertSame(
              x, Ort.runExmy(b.bytes(), Ort.in("X", x)).get("Y0"));
        }
      }
    }
  }

  @Test
  void int64Reductions() {
    Tensor x = ints(-5, 6, 3, 4);
    for (String op : new String[] {"ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd"}) {
      new OpCase(12, op).in("X", x).attrs(n -> n.ints("axes", 1)).check();
      new OpCase(18, op).in("X", x).init("axes", longs(0)).attrs(n -> n.i("keepdims", 0)).check();
    }
  }

  @Test
  void argMaxArgMin() {
    for (String op : new String[] {"ArgMax", "ArgMin"}) {
      Tensor x = coarse(3, 4, 5); // ties
      for (int opset : new int[] {9, 11, 12, 13}) {
        for (long axis : new long[] {0, 1, 2, -1, -3}) {
          if (opset < 11 && axis < 0) {
            continue;
          }
          for (int keep : new int[] {0, 1}) {
            new OpCase(opset, op)
                .in("X", x)
                .attrs(n -> n.i("axis", axis).i("keepdims", keep))
                .check();
            if (opset >= 12) {
              new OpCase(opset, op)
                  .in("X", x)
                  .attrs(n -> n.i("axis", axis).i("keepdims", keep).i("select_last_index", 1))
                  .check();
            }
          }
        }
        new OpCase(opset, op).in("X", randn(r, 4, 6)).check();
      }
      new OpCase(13, op).in("X", ints(-3, 3, 4, 6)).attrs(n -> n.i("axis", 1)).check();
      new OpCase(13, op)
          .in("X", ints(-3, 3, 4, 6))
          .attrs(n -> n.i("select_last_index", 1))
          .folded()
          .check();
    }
  }

  @Test
  void topK() {
    Tensor x = coarse(3, 6, 4);
    new OpCase(9, "TopK").in("X", x).attrs(n -> n.i("k", 3)).outputs(2).check();
    new OpCase(9, "TopK").in("X", x).attrs(n -> n.i("k", 2).i("axis", 1)).outputs(2).check();
    new OpCase(10, "TopK")
        .in("X", x)
        .init("K", longs(2))
        .attrs(n -> n.i("axis", 0))
        .outputs(2)
        .check();
    for (int opset : new int[] {11, 13}) {
      for (long axis : new long[] {-1, 1, 0}) {
        for (int largest : new int[] {0, 1}) {
          new OpCase(opset, "TopK")
              .in("X", x)
              .in("K", longs(3))
              .attrs(n -> n.i("axis", axis).i("largest", largest).i("sorted", 1))
              .outputs(2)
              .check();
          new OpCase(opset, "TopK")
              .in("X", randn(r, 3, 6, 4))
              .init("K", longs(1))
              .attrs(n -> n.i("axis", axis).i("largest", largest))
              .outputs(2)
              .check();
        }
      }
      new OpCase(opset, "TopK").in("X", ints(-9, 9, 4, 7)).init("K", longs(4)).outputs(2).check();
      new OpCase(opset, "TopK").in("X", x).in("K", longs(0)).outputs(2).check();
      new OpCase(opset, "TopK").in("X", x).init("K", longs(2)).outputs(2).folded().check();
    }
  }

  @Test
  void cumSum() {
    Tensor x = randn(r, 3, 4, 5);
    for (int opset : new int[] {11, 14}) {
      for (long axis : new long[] {0, 1, 2, -1}) {
        for (int ex = 0; ex < 2; ex++) {
          for (int rev = 0; rev < 2; rev++) {
            int e = ex;
            int v = rev;
            new OpCase(opset, "CumSum")
                .in("X", x)
                .init("axis", Tensor.ofLongs(new long[] {axis}))
                .attrs(n -> n.i("exclusive", e).i("reverse", v))
                .check();
          }
        }
      }
      new OpCase(opset, "CumSum").in("X", x).in("axis", longs(1)).check();
      new OpCase(opset, "CumSum")
          .in("X", ints(-9, 9, 4, 3))
          .init("axis", Tensor.ofLongs(new long[] {0}))
          .attrs(n -> n.i("reverse", 1))
          .check();
      new OpCase(opset, "CumSum")
          .in("X", x)
          .init("axis", Tensor.ofLongs(new long[] {-2}))
          .folded()
          .check();
    }
  }
}
