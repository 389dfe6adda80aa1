package org.exmy.nn;

import static org.exmy.nn.Rand.randn;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Conv, Gemm and MatMul against ONNX Runtime. */
class LinearOpsTest {
  private final SplittableRandom r = new SplittableRandom(5);

  @AfterAll
  static void report() {
    System.out.println("max relative error vs ORT so far: " + Ort.maxRelSeen);
  }

  @Test
  void conv2d() {
    // {N, C, H, W, OC, group, kh, kw, stride, pad, dilation}
    int[][] cases = {
      {2, 3, 8, 9, 4, 1, 3, 3, 1, 0, 1},
      {1, 3, 8, 8, 6, 1, 3, 3, 1, 1, 1},
      {2, 4, 9, 7, 6, 2, 3, 2, 2, 1, 1},
      {1, 6, 10, 10, 6, 6, 3, 3, 1, 1, 1}, // depthwise
      {1, 6, 10, 10, 12, 6, 3, 3, 2, 1, 1}, // depthwise, multiplier 2
      {2, 3, 11, 11, 5, 1, 3, 3, 1, 2, 2}, // dilated
      {1, 8, 5, 5, 4, 1, 1, 1, 1, 0, 1}, // pointwise (no im2col)
      {1, 2, 7, 7, 3, 1, 5, 5, 3, 2, 1},
    };
    for (int[] c : cases) {
      Tensor x = randn(r, c[0], c[1], c[2], c[3]);
      Tensor w = randn(r, c[4], c[1] / c[5], c[6], c[7]);
      Tensor b = randn(r, c[4]);
      for (int opset : new int[] {9, 11, 13}) {
        new OpCase(opset, "Conv")
            .in("X", x)
            .init("W", w)
            .init("B", b)
            .attrs(
                n ->
                    n.i("group", c[5])
                        .ints("strides", c[8], c[8])
                        .ints("pads", c[9], c[9], c[9], c[9])
                        .ints("dilations", c[10], c[10]))
            .check();
      }
      new OpCase(13, "Conv")
          .in("X", x)
          .init("W", w)
          .attrs(
              n ->
                  n.i("group", c[5])
                      .ints("strides", c[8], c[8])
                      .ints("pads", c[9], c[9], c[9], c[9])
                      .ints("dilations", c[10], c[10])
                      .ints("kernel_shape", c[6], c[7]))
          .check();
    }
  }

  @Test
  void convAsymmetricPadsAndAutoPad() {
    Tensor x = randn(r, 2, 3, 9, 8);
    Tensor w = randn(r, 4, 3, 3, 3);
    new OpCase(11, "Conv").in("X", x).init("W", w).attrs(n -> n.ints("pads", 0, 1, 2, 0)).check();
    for (String ap : new String[] {"VALID", "SAME_UPPER", "SAME_LOWER", "NOTSET"}) {
      for (int s : new int[] {1, 2, 3}) {
        new OpCase(11, "Conv")
            .in("X", x)
            .init("W", w)
            .attrs(n -> n.s("auto_pad", ap).ints("strides", s, s))
            .check();
      }
    }
    Tensor w2 = randn(r, 4, 3, 2, 4);
    for (String ap : new String[] {"SAME_UPPER", "SAME_LOWER"}) {
      new OpCase(11, "Conv")
          .in("X", x)
          .init("W", w2)
          .attrs(n -> n.s("auto_pad", ap).ints("strides", 2, 1))
          .check();
    }
  }

  @Test
  void conv1dAndRuntimeWeight() {
    Tensor x = randn(r, 2, 4, 20);
    Tensor w = randn(r, 6, 2, 3);
    new OpCase(13, "Conv")
        .in("X", x)
        .init("W", w)
        .init("B", randn(r, 6))
        .attrs(n -> n.i("group", 2).ints("strides", 2).ints("pads", 1, 2))
        .check();
    Tensor x2 = randn(r, 1, 3, 6, 6);
    new OpCase(13, "Conv").in("X", x2).in("W", randn(r, 2, 3, 3, 3)).in("B", randn(r, 2)).check();
    new OpCase(13, "Conv").in("X", x2).in("W", randn(r, 2, 3, 3, 3)).folded().check();
  }

  @Test
  void conv3d() {
    // the general path: strides, pads, dilations, groups, auto_pad, runtime weight
    Tensor x = randn(r, 2, 4, 5, 6, 4);
    new OpCase(11, "Conv")
        .in("X", x)
        .init("W", randn(r, 3, 4, 2, 3, 2))
        .init("B", randn(r, 3))
        .check();
    new OpCase(11, "Conv")
        .in("X", x)
        .init("W", randn(r, 6, 2, 3, 2, 3))
        .attrs(
            n ->
                n.i("group", 2)
                    .ints("strides", 2, 1, 2)
                    .ints("pads", 1, 0, 2, 1, 1, 0)
                    .ints("dilations", 1, 2, 1))
        .check();
    new OpCase(13, "Conv")
        .in("X", x)
        .init("W", randn(r, 2, 4, 3, 3, 3))
        .attrs(n -> n.s("auto_pad", "SAME_LOWER").ints("strides", 2, 2, 1))
        .check();
    new OpCase(13, "Conv").in("X", x).in("W", randn(r, 2, 4, 1, 2, 1)).in("B", randn(r, 2)).check();
  }

  @Test
  void convPaddingWiderThanTheInput() {
    // taps that see only padding in every output column (pytorch-converted test_Conv1d_pad2size1,
    // width 1, kernel 5, pads 2, threw ArrayIndexOutOfBounds): widths 1..3, kernels 1..5, pads
    // 0..3, strides 1..3
    for (int iw = 1; iw <= 3; iw++) {
      for (int pad = 0; pad <= 3; pad++) {
        for (int k = 1; k <= 5; k++) {
          for (int st = 1; st <= 3; st++) {
            if (iw + 2 * pad < k) {
              continue;
            }
            final int p = pad;
            final int s = st;
            new OpCase(13, "Conv")
                .in("X", randn(r, 2, 3, iw))
                .init("W", randn(r, 4, 3, k))
                .attrs(n -> n.ints("pads", p, p).ints("strides", s))
                .check();
            new OpCase(13, "Conv")
                .in("X", randn(r, 1, 2, iw, 2))
                .init("W", randn(r, 3, 2, k, 1))
                .attrs(n -> n.ints("pads", p, 0, p, 0).ints("strides", s, 1))
                .check();
          }
        }
      }
    }
  }

  @Test
  void gemm() {
    for (int ta = 0; ta < 2; ta++) {
      for (int tb = 0; tb < 2; tb++) {
        int fa = ta;
        int fb = tb;
        Tensor a = fa == 1 ? randn(r, 7, 5) : randn(r, 5, 7);
        Tensor b = fb == 1 ? randn(r, 3, 7) : randn(r, 7, 3);
        for (int opset : new int[] {9, 11, 13}) {
          new OpCase(opset, "Gemm")
              .in("A", a)
              .init("B", b)
              .init("C", randn(r, 3))
              .attrs(n -> n.i("transA", fa).i("transB", fb))
              .check();
          new OpCase(opset, "Gemm")
              .in("A", a)
              .init("B", b)
              .init("C", randn(r, 5, 3))
              .attrs(n -> n.i("transA", fa).i("transB", fb).f("alpha", 0.5f).f("beta", 2f))
              .check();
          new OpCase(opset, "Gemm")
              .in("A", a)
              .in("B", b)
              .in("C", randn(r, 5, 1))
              .attrs(n -> n.i("transA", fa).i("transB", fb))
              .check();
          new OpCase(opset, "Gemm")
              .init("A", a)
              .in("B", b)
              .init("C", randn(r, 1, 3))
              .attrs(n -> n.i("transA", fa).i("transB", fb).f("alpha", -1.5f))
              .check();
        }
        new OpCase(11, "Gemm")
            .in("A", a)
            .init("B", b)
            .attrs(n -> n.i("transA", fa).i("transB", fb))
            .check();
        new OpCase(13, "Gemm")
            .in("A", a)
            .init("B", b)
            .init("C", Tensor.scalar(0.25f))
            .attrs(n -> n.i("transA", fa).i("transB", fb).f("beta", 0f))
            .check();
      }
    }
  }

  @Test
  void matmul() {
    int[][][] shapes = {
      {{4, 5}, {5, 3}},
      {{2, 4, 5}, {5, 3}},
      {{2, 3, 4, 5}, {2, 3, 5, 6}},
      {{2, 1, 4, 5}, {3, 5, 2}},
      {{5}, {5, 3}},
      {{2, 4, 5}, {5}},
      {{5}, {5}},
      {{4, 5}, {2, 5, 3}},
    };
    for (int[][] s : shapes) {
      for (int opset : new int[] {9, 13}) {
        new OpCase(opset, "MatMul").in("A", randn(r, s[0])).in("B", randn(r, s[1])).check();
        new OpCase(opset, "MatMul").in("A", randn(r, s[0])).init("B", randn(r, s[1])).check();
        new OpCase(opset, "MatMul").init("A", randn(r, s[0])).in("B", randn(r, s[1])).check();
      }
    }
  }
}
