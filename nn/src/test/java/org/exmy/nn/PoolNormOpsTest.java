package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pooling, normalization, Softmax and ReduceMean against ONNX Runtime. */
class PoolNormOpsTest {
  private final SplittableRandom r = new SplittableRandom(23);

  @Test
  void maxAndAveragePool() {
    Tensor x = randn(r, 2, 3, 9, 10);
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      for (int opset : new int[] {9, 11, 13}) {
        new OpCase(opset, op)
            .in("X", x)
            .attrs(n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2))
            .check();
        new OpCase(opset, op)
            .in("X", x)
            .attrs(n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1))
            .check();
        new OpCase(opset, op)
            .in("X", x)
            .attrs(n -> n.ints("kernel_shape", 3, 2).ints("strides", 2, 3).ints("pads", 1, 0, 0, 1))
            .check();
        for (String ap : new String[] {"VALID", "SAME_UPPER", "SAME_LOWER"}) {
          new OpCase(opset, op)
              .in("X", x)
              .attrs(n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).s("auto_pad", ap))
              .check();
        }
      }
      for (int opset : new int[] {10, 12, 19}) {
        // ceil_mode, including a last window that only partly covers the input
        new OpCase(opset, op)
            .in("X", x)
            .attrs(n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2).i("ceil_mode", 1))
            .check();
        new OpCase(opset, op)
            .in("X", x)
            .attrs(
                n ->
                    n.ints("kernel_shape", 3, 3)
                        .ints("strides", 2, 2)
                        .ints("pads", 1, 1, 1, 1)
                        .i("ceil_mode", 1))
            .check();
        new OpCase(opset, op)
            .in("X", randn(r, 1, 2, 6, 6))
            .attrs(
                n ->
                    n.ints("kernel_shape", 3, 3)
                        .ints("strides", 3, 3)
                        .ints("pads", 1, 1, 1, 1)
                        .i("ceil_mode", 1))
            .check();
      }
    }
    new OpCase(12, "MaxPool")
        .in("X", x)
        .attrs(n -> n.ints("kernel_shape", 2, 2).ints("dilations", 2, 2))
        .check();
    new OpCase(12, "MaxPool")
        .in("X", randn(r, 2, 3, 15))
        .attrs(n -> n.ints("kernel_shape", 3).ints("strides", 2).ints("pads", 1, 1))
        .check();
    new OpCase(19, "AveragePool")
        .in("X", x)
        .attrs(n -> n.ints("kernel_shape", 2, 2).ints("dilations", 2, 1))
        .check();
  }

  /**
   * MaxPool where every window lies inside the input, on inputs full of +0, -0, NaN and equal
   * values: bit for bit the rule written here (start from the lowest float, keep strictly greater
   * values, so NaN is skipped and the first of +0 / -0 wins); without NaN, ORT's values too (ORT's
   * NaN result depends on the NaN's place in the window: no oracle there).
   */
  @Test
  void maxPoolKeepsTheRuleForZerosAndNaN() {
    int[][] shapes = {{2, 3, 8, 10}, {1, 2, 7, 9}};
    int[][] kernels = {{2, 2, 2, 2}, {3, 2, 2, 3}, {2, 3, 1, 1}};
    for (int run = 0; run < 4; run++) {
      boolean nan = run % 2 == 1;
      float[] pick =
          nan ? new float[] {0f, -0f, Float.NaN, 1.5f, -2f} : new float[] {0f, -0f, 1.5f, -2f};
      int[] s = shapes[run / 2];
      float[] f = new float[Tensor.size(s)];
      for (int i = 0; i < f.length; i++) f[i] = pick[r.nextInt(pick.length)];
      Tensor x = Tensor.of(f, s);
      for (int[] k : kernels) {
        OpCase c =
            new OpCase(13, "MaxPool")
                .in("X", x)
                .attrs(n -> n.ints("kernel_shape", k[0], k[1]).ints("strides", k[2], k[3]));
        if (!nan) c.check();
        float[] got = Ort.runExmy(c.builder().bytes(), Ort.in("X", x)).get("Y0").floats();
        int oh = (s[2] - k[0]) / k[2] + 1;
        int ow = (s[3] - k[1]) / k[3] + 1;
        int o = 0;
        for (int p = 0; p < s[0] * s[1]; p++) {
          for (int y = 0; y < oh; y++) {
            for (int z = 0; z < ow; z++, o++) {
              float best = -Float.MAX_VALUE;
              for (int i = 0; i < k[0]; i++) {
                for (int j = 0; j < k[1]; j++) {
                  float v = f[(p * s[2] + y * k[2] + i) * s[3] + z * k[3] + j];
                  if (v > best) best = v;
                }
              }
              assertEquals(
                  Float.floatToRawIntBits(best),
                  Float.floatToRawIntBits(got[o]),
                  "output " + o + " of kernel " + java.util.Arrays.toString(k));
            }
          }
        }
        assertEquals(got.length, o);
      }
    }
  }

  @Test
  void threeDimensionalWindows() {
    // the general path (any rank): strides, pads, dilations, auto_pad, count_include_pad
    Tensor x = randn(r, 2, 3, 5, 6, 7);
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      new OpCase(12, op).in("X", x).attrs(n -> n.ints("kernel_shape", 2, 2, 2)).check();
      new OpCase(12, op)
          .in("X", x)
          .attrs(
              n ->
                  n.ints("kernel_shape", 3, 2, 3)
                      .ints("strides", 2, 1, 2)
                      .ints("pads", 1, 0, 1, 1, 1, 0))
          .check();
      new OpCase(19, op)
          .in("X", x)
          .attrs(n -> n.ints("kernel_shape", 2, 3, 2).ints("dilations", 2, 1, 2))
          .check();
      new OpCase(12, op)
          .in("X", x)
          .attrs(
              n ->
                  n.ints("kernel_shape", 3, 3, 3)
                      .ints("strides", 2, 2, 2)
                      .s("auto_pad", "SAME_UPPER"))
          .check();
      new OpCase(12, op)
          .in("X", x)
          .attrs(n -> n.ints("kernel_shape", 2, 2, 2).ints("strides", 2, 2, 2).i("ceil_mode", 1))
          .check();
    }
    new OpCase(12, "AveragePool")
        .in("X", x)
        .attrs(
            n ->
                n.ints("kernel_shape", 3, 3, 3)
                    .ints("pads", 1, 1, 1, 1, 1, 1)
                    .i("count_include_pad", 1))
        .check();
    // 4-D windows (ONNX Runtime has none): a 2x1x1x1 window, stride 2, over a first spatial
    // dimension of 2 takes the max of the two slices; the average their mean
    Tensor x4 = randn(r, 1, 2, 2, 2, 3, 2);
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      byte[] model =
          new OpCase(12, op)
              .in("X", x4)
              .attrs(n -> n.ints("kernel_shape", 2, 1, 1, 1).ints("strides", 2, 1, 1, 1))
              .builder()
              .bytes();
      Tensor y = Ort.runExmy(model, Map.of("X", x4)).get("Y0");
      assertArrayEquals(new int[] {1, 2, 1, 2, 3, 2}, y.shape());
      float[] v = x4.floats();
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 12; i++) {
          float a = v[c * 24 + i];
          float b = v[c * 24 + 12 + i];
          assertEquals(
              op.equals("MaxPool") ? Math.max(a, b) : (float) (((double) a + b) / 2),
              y.floats()[c * 12 + i]);
        }
      }
    }
  }

  @Test
  void maxPoolIndices() {
    // the Indices output (flat into the whole input; storage_order=1 counts H, W column-major)
    Tensor x = randn(r, 2, 3, 5, 6);
    for (int so = 0; so <= 1; so++) {
      final int order = so;
      new OpCase(12, "MaxPool")
          .in("X", x)
          .outputs(2)
          .attrs(n -> n.ints("kernel_shape", 2, 2).i("storage_order", order))
          .check();
      new OpCase(12, "MaxPool")
          .in("X", x)
          .outputs(2)
          .attrs(
              n ->
                  n.ints("kernel_shape", 3, 3)
                      .ints("strides", 2, 2)
                      .ints("pads", 1, 1, 1, 0)
                      .i("storage_order", order))
          .check();
    }
    new OpCase(12, "MaxPool")
        .in("X", randn(r, 1, 2, 4, 5, 3))
        .outputs(2)
        .attrs(n -> n.ints("kernel_shape", 2, 3, 2).ints("pads", 1, 1, 0, 0, 1, 1))
        .check();
  }

  @Test
  void ceilModeDropsWindowStartingInEndPadding() {
    // 5x5 input x[r][c] = 5r + c, kernel 2, stride 2, pads 1: ceil((5 + 2 - 2) / 2) + 1 = 4
    // windows,
    // but the 4th would start at row 5, inside the end padding, so there are 3 (spec, PyTorch;
    // ORT 1.20 differs here, hence hand-derived values). Windows cover rows {-1,0}, {1,2}, {3,4}.
    float[] v = new float[25];
    for (int i = 0; i < 25; i++) {
      v[i] = i;
    }
    Tensor x = Tensor.of(v, 1, 1, 5, 5);
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      OpCase c =
          new OpCase(12, op)
              .in("X", x)
              .attrs(
                  n ->
                      n.ints("kernel_shape", 2, 2)
                          .ints("strides", 2, 2)
                          .ints("pads", 1, 1, 1, 1)
                          .i("ceil_mode", 1));
      Tensor y = Ort.runExmy(c.builder().bytes(), Ort.in("X", x)).get("Y0");
      assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
      float[] want =
          op.equals("MaxPool")
              ? new float[] {0, 2, 4, 10, 12, 14, 20, 22, 24}
              // means of the in-image cells: e.g. [1][1] = (6 + 7 + 11 + 12) / 4
              : new float[] {0, 1.5f, 3.5f, 7.5f, 9, 11, 17.5f, 19, 21};
      assertArrayEquals(want, y.floats(), 1e-6f, op);
    }
  }

  @Test
  void averagePoolCountIncludePad() {
    Tensor x = randn(r, 1, 2, 7, 6);
    for (int opset : new int[] {9, 11, 19}) {
      new OpCase(opset, "AveragePool")
          .in("X", x)
          .attrs(
              n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).i("count_include_pad", 1))
          .check();
      new OpCase(opset, "AveragePool")
          .in("X", x)
          .attrs(
              n ->
                  n.ints("kernel_shape", 3, 3)
                      .ints("pads", 1, 2, 0, 1)
                      .ints("strides", 2, 2)
                      .i("count_include_pad", 1))
          .check();
    }
    new OpCase(19, "AveragePool")
        .in("X", x)
        .attrs(
            n ->
                n.ints("kernel_shape", 3, 3)
                    .ints("pads", 1, 1, 1, 1)
                    .ints("strides", 2, 2)
                    .i("count_include_pad", 1)
                    .i("ceil_mode", 1))
        .check();
  }

  @Test
  void globalAveragePool() {
    new OpCase(9, "GlobalAveragePool").in("X", randn(r, 2, 5, 7, 3)).check();
    new OpCase(13, "GlobalAveragePool").in("X", randn(r, 2, 5, 7)).check();
  }

  @Test
  void batchNormalization() {
    Tensor x = randn(r, 2, 4, 5, 3);
    for (int opset : new int[] {9, 14, 15}) {
      new OpCase(opset, "BatchNormalization")
          .in("X", x)
          .init("s", randn(r, 4))
          .init("b", randn(r, 4))
          .init("m", randn(r, 4))
          .init("v", uniform(r, 0.2, 2, 4))
          .attrs(n -> n.f("epsilon", 1e-3f))
          .check();
    }
    new OpCase(15, "BatchNormalization")
        .in("X", randn(r, 3, 4))
        .init("s", randn(r, 4))
        .init("b", randn(r, 4))
        .init("m", randn(r, 4))
        .init("v", uniform(r, 0.2, 2, 4))
        .check();
  }

  @Test
  void layerNormalization() {
    Tensor x = randn(r, 2, 5, 8);
    new OpCase(17, "LayerNormalization")
        .in("X", x)
        .init("g", randn(r, 8))
        .init("b", randn(r, 8))
        .check();
    new OpCase(17, "LayerNormalization").in("X", x).init("g", randn(r, 8)).check();
    new OpCase(17, "LayerNormalization")
        .in("X", x)
        .init("g", randn(r, 5, 8))
        .init("b", randn(r, 5, 8))
        .attrs(n -> n.i("axis", 1).f("epsilon", 1e-3f))
        .check();
    new OpCase(17, "LayerNormalization")
        .in("X", x)
        .init("g", randn(r, 8))
        .init("b", randn(r, 8))
        .outputs(3)
        .check();
    new OpCase(20, "LayerNormalization").in("X", x).in("g", randn(r, 8)).check();
  }

  @Test
  void softmaxBeforeAndAfterOpset13() {
    Tensor x = randn(r, 2, 3, 4);
    for (int opset : new int[] {9, 11}) {
      new OpCase(opset, "Softmax").in("X", x).check(); // axis 1: rows of 12
      new OpCase(opset, "Softmax").in("X", x).attrs(n -> n.i("axis", 2)).check();
      new OpCase(opset, "Softmax").in("X", x).attrs(n -> n.i("axis", 0)).check();
    }
    new OpCase(11, "Softmax").in("X", x).attrs(n -> n.i("axis", -2)).check();
    for (int opset : new int[] {13, 20}) {
      new OpCase(opset, "Softmax").in("X", x).check();
      new OpCase(opset, "Softmax").in("X", x).attrs(n -> n.i("axis", 1)).check();
      new OpCase(opset, "Softmax").in("X", x).attrs(n -> n.i("axis", 0)).check();
    }
  }

  @Test
  void reduceMean() {
    Tensor x = randn(r, 2, 3, 4);
    for (int opset : new int[] {9, 13}) {
      new OpCase(opset, "ReduceMean").in("X", x).attrs(n -> n.ints("axes", 1)).check();
      new OpCase(opset, "ReduceMean")
          .in("X", x)
          .attrs(n -> n.ints("axes", -1, 0).i("keepdims", 0))
          .check();
      new OpCase(opset, "ReduceMean").in("X", x).check();
    }
    new OpCase(18, "ReduceMean").in("X", x).init("axes", longs(2)).check();
    new OpCase(18, "ReduceMean")
        .in("X", x)
        .in("axes", longs(0, 2))
        .attrs(n -> n.i("keepdims", 0))
        .check();
    new OpCase(18, "ReduceMean").in("X", x).check();
    // noop_with_empty_axes without axes: the spec says the output is the input (ORT 1.20 fails
    // on this case, so it is checked against the spec)
    OpCase noop =
        new OpCase(18, "ReduceMean").in("X", x).attrs(n -> n.i("noop_with_empty_axes", 1));
    Tensor y = Ort.runExmy(noop.builder().bytes(), Ort.in("X", x)).get("Y0");
    assertArrayEquals(x.shape(), y.shape());
    assertArrayEquals(x.floats(), y.floats());
  }
}
