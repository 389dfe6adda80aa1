package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Shape and data-movement operators against ONNX Runtime, each with its shape inputs given at run
 * time and again with every input constant (folded at load time).
 */
class ShapeOpsTest {
  private final SplittableRandom r = new SplittableRandom(3);

  private static void both(OpCase c) {
    c.check();
    c.folded().check();
  }

  @Test
  void reshapeAndFlatten() {
    Tensor x = randn(r, 2, 3, 4);
    both(new OpCase(13, "Reshape").in("X", x).in("S", longs(0, -1)));
    both(new OpCase(9, "Reshape").in("X", x).in("S", longs(4, 0, 2)));
    both(new OpCase(14, "Reshape").in("X", x).in("S", longs(6, 4)).attrs(n -> n.i("allowzero", 1)));
    both(new OpCase(14, "Reshape").in("X", x).in("S", longs(-1)));
    both(
        new OpCase(14, "Reshape")
            .in("X", Tensor.of(new float[0], 0, 3))
            .in("S", longs(3, 0))
            .attrs(n -> n.i("allowzero", 1)));
    for (int axis = 0; axis <= 3; axis++) {
      int a = axis;
      both(new OpCase(9, "Flatten").in("X", x).attrs(n -> n.i("axis", a)));
    }
    both(new OpCase(13, "Flatten").in("X", x).attrs(n -> n.i("axis", -1)));
    both(new OpCase(13, "Flatten").in("X", x));
  }

  @Test
  void transposeConcat() {
    Tensor x = randn(r, 2, 3, 4, 5);
    both(new OpCase(13, "Transpose").in("X", x).attrs(n -> n.ints("perm", 0, 2, 1, 3)));
    both(new OpCase(13, "Transpose").in("X", x).attrs(n -> n.ints("perm", 3, 0, 2, 1)));
    both(new OpCase(9, "Transpose").in("X", x));
    for (int axis : new int[] {0, 1, -1}) {
      both(
          new OpCase(11, "Concat")
              .in("A", randn(r, 2, 3, 4))
              .in("B", randn(r, 2, 3, 4))
              .in("C", randn(r, 2, 3, 4))
              .attrs(n -> n.i("axis", axis)));
    }
    both(
        new OpCase(9, "Concat")
            .in("A", randn(r, 2, 1))
            .in("B", randn(r, 2, 5))
            .attrs(n -> n.i("axis", 1)));
    both(
        new OpCase(13, "Concat")
            .in("A", longs(1, 2))
            .in("B", longs(-1))
            .attrs(n -> n.i("axis", 0)));
  }

  @Test
  void squeezeUnsqueeze() {
    Tensor x = randn(r, 1, 3, 1, 4);
    both(new OpCase(11, "Squeeze").in("X", x));
    both(new OpCase(11, "Squeeze").in("X", x).attrs(n -> n.ints("axes", 0)));
    both(new OpCase(9, "Squeeze").in("X", x).attrs(n -> n.ints("axes", 0, 2)));
    both(new OpCase(13, "Squeeze").in("X", x).in("A", longs(-2)));
    both(new OpCase(13, "Squeeze").in("X", x));
    Tensor y = randn(r, 3, 4);
    both(new OpCase(11, "Unsqueeze").in("X", y).attrs(n -> n.ints("axes", 0, -1)));
    both(new OpCase(9, "Unsqueeze").in("X", y).attrs(n -> n.ints("axes", 1)));
    both(new OpCase(13, "Unsqueeze").in("X", y).in("A", longs(0, 3)));
    both(new OpCase(13, "Unsqueeze").in("X", longs(5)).in("A", longs(0)));
  }

  @Test
  void shapeGatherSlice() {
    Tensor x = randn(r, 2, 3, 4, 5);
    both(new OpCase(13, "Shape").in("X", x));
    both(new OpCase(15, "Shape").in("X", x).attrs(n -> n.i("start", 1)));
    both(new OpCase(15, "Shape").in("X", x).attrs(n -> n.i("start", -3).i("end", -1)));
    both(new OpCase(15, "Shape").in("X", x).attrs(n -> n.i("start", 2).i("end", 10)));
    both(new OpCase(13, "Gather").in("X", x).in("I", longs(1, 0, -1)).attrs(n -> n.i("axis", 1)));
    both(
        new OpCase(13, "Gather")
            .in("X", x)
            .in("I", Tensor.ofLongs(new long[] {3, -4, 0, 1}, 2, 2))
            .attrs(n -> n.i("axis", -2)));
    both(
        new OpCase(11, "Gather")
            .in("X", longs(2, 3, 4, 5))
            .in("I", Tensor.ofLongs(new long[] {0})));
    both(new OpCase(9, "Gather").in("X", x).in("I", longs(1)));
    both(
        new OpCase(13, "Slice")
            .in("X", x)
            .in("s", longs(1, 0))
            .in("e", longs(3, -1))
            .in("a", longs(2, 3)));
    both(
        new OpCase(13, "Slice")
            .in("X", x)
            .in("s", longs(-1, 4))
            .in("e", longs(-100, 0))
            .in("a", longs(1, 3))
            .in("t", longs(-1, -2)));
    both(
        new OpCase(13, "Slice")
            .in("X", x)
            .in("s", longs(0, 1))
            .in("e", longs(Long.MAX_VALUE, 1000))
            .in("a", longs(0, -1))
            .in("t", longs(1, 2)));
    both(new OpCase(10, "Slice").in("X", x).in("s", longs(1)).in("e", longs(2)));
    both(new OpCase(13, "Slice").in("X", x).in("s", longs(3)).in("e", longs(1)).in("a", longs(1)));
    both(
        new OpCase(9, "Slice")
            .in("X", x)
            .attrs(n -> n.ints("starts", 1, -3).ints("ends", 100, -1).ints("axes", 0, 3)));
    both(new OpCase(9, "Slice").in("X", x).attrs(n -> n.ints("starts", 0, 1).ints("ends", 1, 3)));
  }

  @Test
  void split() {
    Tensor x = randn(r, 6, 4);
    both(new OpCase(11, "Split").in("X", x).outputs(3));
    both(new OpCase(11, "Split").in("X", x).attrs(n -> n.ints("split", 1, 5)).outputs(2));
    both(
        new OpCase(9, "Split")
            .in("X", x)
            .attrs(n -> n.i("axis", 1).ints("split", 3, 1))
            .outputs(2));
    both(new OpCase(13, "Split").in("X", x).in("S", longs(2, 4)).outputs(2));
    both(new OpCase(13, "Split").in("X", x).attrs(n -> n.i("axis", -1)).outputs(2));
    both(new OpCase(18, "Split").in("X", x).attrs(n -> n.i("num_outputs", 3)).outputs(3));
    // 7 rows in 4 parts: 2, 2, 2, 1
    both(
        new OpCase(18, "Split")
            .in("X", randn(r, 7, 2))
            .attrs(n -> n.i("num_outputs", 4))
            .outputs(4));
    both(
        new OpCase(18, "Split")
            .in("X", x)
            .in("S", longs(1, 3))
            .attrs(n -> n.i("axis", 1))
            .outputs(2));
  }

  @Test
  void castExpandConstantOfShape() {
    Tensor x =
        Tensor.of(
            new float[] {-2.7f, -0.5f, 0f, 0.4f, 1.5f, 3.99f, 1e5f, -300.2f, 100000.7f, 1.0009765f},
            2,
            5);
    for (int to : new int[] {1, 6, 7, 9, 10, 11}) {
      // Cast to FLOAT16/DOUBLE/INT32/BOOL then back to float or int64, so ORT outputs are
      // comparable
      OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 5).output("Y");
      b.node("Cast", new String[] {"X"}, "c").i("to", to);
      boolean fl = to == 1 || to == 10 || to == 11;
      b.node("Cast", new String[] {"c"}, "Y").i("to", fl ? 1 : 7);
      Ort.check(b, Ort.in("X", x));
    }
    both(new OpCase(13, "Cast").in("X", longs(3, -4, 1L << 40)).attrs(n -> n.i("to", 1)));
    both(new OpCase(9, "Cast").in("X", x).attrs(n -> n.i("to", 7)));
    both(new OpCase(13, "Expand").in("X", randn(r, 3, 1)).in("S", longs(2, 1, 4)));
    both(new OpCase(13, "Expand").in("X", randn(r, 4)).in("S", longs(3, 1)));
    both(new OpCase(9, "ConstantOfShape").in("S", longs(2, 3)));
    both(
        new OpCase(9, "ConstantOfShape")
            .in("S", longs(2, 3))
            .attrs(n -> n.t("value", Tensor.of(new float[] {1.5f}, 1))));
    both(
        new OpCase(20, "ConstantOfShape")
            .in("S", longs(4))
            .attrs(n -> n.t("value", Tensor.ofLongs(new long[] {7}, 1))));
  }
}
