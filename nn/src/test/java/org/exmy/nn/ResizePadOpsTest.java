package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Resize, Upsample, Pad, Tile, Range, Instance- and GroupNormalization against ONNX Runtime. */
class ResizePadOpsTest {
  private final SplittableRandom r = new SplittableRandom(37);

  private static Tensor floats(float... v) {
    return Tensor.of(v, v.length);
  }

  private static final Tensor EMPTY = Tensor.of(new float[0], 0);

  /**
   * Cubic (Keys' kernel): the coordinate modes, cubic_coeff_a, exclude_outside, scales and sizes.
   */
  @Test
  void resizeCubic() {
    Tensor x = randn(r, 1, 2, 4, 5);
    float[][] scales = {{1, 1, 2, 2}, {1, 1, 0.5f, 0.6f}, {1, 1, 1.5f, 3}, {1, 1, 0.75f, 1.3f}};
    for (int opset : new int[] {11, 13, 19}) {
      for (float[] s : scales) {
        for (String c :
            new String[] {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"}) {
          for (float a : new float[] {-0.75f, -0.5f}) {
            for (int ex : new int[] {0, 1}) {
              OpCase k = new OpCase(opset, "Resize").in("X", x);
              if (opset < 13) {
                k.init("roi", EMPTY);
              } else {
                k.none();
              }
              k.init("scales", floats(s))
                  .attrs(
                      n ->
                          n.s("mode", "cubic")
                              .s("coordinate_transformation_mode", c)
                              .f("cubic_coeff_a", a)
                              .i("exclude_outside", ex))
                  .check();
            }
          }
        }
      }
      new OpCase(opset, "Resize")
          .in("X", x)
          .init("roi", EMPTY)
          .init("scales", EMPTY)
          .init("sizes", longs(1, 2, 7, 3))
          .attrs(n -> n.s("mode", "cubic"))
          .check();
    }
  }

  @Test
  void resizeNearestAndLinearWithScales() {
    Tensor x = randn(r, 1, 2, 4, 5);
    float[][] scales = {{1, 1, 2, 2}, {1, 1, 0.5f, 0.6f}, {1, 1, 1.5f, 3}, {1, 1, 0.75f, 1.3f}};
    String[] coords = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"};
    String[] nearest = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    for (int opset : new int[] {11, 13, 19}) {
      for (float[] s : scales) {
        for (String c : coords) {
          for (String nm : nearest) {
            OpCase k = new OpCase(opset, "Resize").in("X", x);
            if (opset < 13) {
              k.init("roi", EMPTY);
            } else {
              k.none();
            }
            k.init("scales", floats(s))
                .attrs(
                    n ->
                        n.s("mode", "nearest")
                            .s("coordinate_transformation_mode", c)
                            .s("nearest_mode", nm))
                .check();
          }
          OpCase k = new OpCase(opset, "Resize").in("X", x);
          if (opset < 13) {
            k.init("roi", EMPTY);
          } else {
            k.none();
          }
          k.init("scales", floats(s))
              .attrs(n -> n.s("mode", "linear").s("coordinate_transformation_mode", c))
              .check();
        }
      }
      for (float[] sc : scales) {
        new OpCase(opset, "Resize")
            .in("X", x)
            .init("roi", EMPTY)
            .init("scales", floats(sc))
            .attrs(n -> n.s("coordinate_transformation_mode", "tf_half_pixel_for_nn"))
            .check();
      }
      // defaults (nearest, half_pixel, round_prefer_floor)
      new OpCase(opset, "Resize")
          .in("X", x)
          .init("roi", EMPTY)
          .in("scales", floats(1, 1, 2, 3))
          .check();
    }
    new OpCase(10, "Resize").in("X", x).init("scales", floats(1, 1, 2, 2)).check();
    new OpCase(10, "Resize").in("X", x).init("scales", floats(1, 1, 0.5f, 0.5f)).check();
    new OpCase(10, "Resize")
        .in("X", x)
        .init("scales", floats(1, 1, 1.5f, 2.5f))
        .attrs(n -> n.s("mode", "linear"))
        .check();
  }

  @Test
  void resizeWithSizes() {
    Tensor x = randn(r, 2, 3, 5, 4);
    int[][] sizes = {{2, 3, 10, 8}, {2, 3, 3, 7}, {2, 3, 1, 1}, {2, 3, 7, 3}};
    for (int opset : new int[] {11, 13, 18}) {
      for (int[] sz : sizes) {
        for (String c :
            new String[] {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"}) {
          for (String mode : new String[] {"nearest", "linear"}) {
            Tensor szT = longs(sz[0], sz[1], sz[2], sz[3]);
            new OpCase(opset, "Resize")
                .in("X", x)
                .init("roi", EMPTY)
                .init("scales", EMPTY)
                .init("sizes", szT)
                .attrs(n -> n.s("mode", mode).s("coordinate_transformation_mode", c))
                .check();
          }
        }
      }
    }
    // 3-D (N, C, W) linear and a sizes graph input
    new OpCase(13, "Resize")
        .in("X", randn(r, 1, 2, 6))
        .none()
        .none()
        .in("sizes", longs(1, 2, 9))
        .attrs(n -> n.s("mode", "linear"))
        .check();
    new OpCase(13, "Resize")
        .in("X", randn(r, 1, 2, 3, 3))
        .none()
        .init("scales", floats(1, 1, 2, 2))
        .folded()
        .check();
  }

  @Test
  void upsampleOpset9() {
    Tensor x = randn(r, 1, 2, 3, 4);
    new OpCase(9, "Upsample").in("X", x).init("scales", floats(1, 1, 2, 2)).check();
    new OpCase(9, "Upsample")
        .in("X", x)
        .init("scales", floats(1, 1, 2, 3))
        .attrs(n -> n.s("mode", "nearest"))
        .check();
    new OpCase(9, "Upsample")
        .in("X", x)
        .init("scales", floats(1, 1, 2, 2))
        .attrs(n -> n.s("mode", "linear"))
        .check();
    new OpCase(9, "Upsample")
        .in("X", x)
        .in("scales", floats(1, 1, 1.5f, 2.5f))
        .attrs(n -> n.s("mode", "linear"))
        .check();
    // "bilinear" (Upsample-1's name, still emitted by old exporters; ONNX Runtime refuses it) is
    // taken as "linear": exmy's bilinear output against ORT's linear one
    Tensor want =
        Ort.runOrt(
                new OpCase(9, "Upsample")
                    .in("X", x)
                    .init("scales", floats(1, 1, 3, 2))
                    .attrs(n -> n.s("mode", "linear"))
                    .builder()
                    .bytes(),
                Ort.in("X", x))
            .get("Y0");
    Tensor got =
        Ort.runExmy(
                new OpCase(9, "Upsample")
                    .in("X", x)
                    .init("scales", floats(1, 1, 3, 2))
                    .attrs(n -> n.s("mode", "bilinear"))
                    .builder()
                    .bytes(),
                Ort.in("X", x))
            .get("Y0");
    Ort.assertClose("bilinear", want, got);
    new OpCase(9, "Upsample").in("X", x).init("scales", floats(1, 1, 2, 2)).folded().check();
  }

  @Test
  void padModes() {
    Tensor x = randn(r, 2, 3, 4);
    long[][] pads = {
      {0, 1, 2, 0, 2, 1}, {1, 0, 0, 1, 2, 3}, {0, 0, 1, 0, 0, 1}, {0, -1, 1, 0, 1, -2}
    };
    for (String mode : new String[] {"constant", "reflect", "edge"}) {
      for (long[] p : pads) {
        if (!mode.equals("constant") && p[1] < 0) {
          continue;
        }
        new OpCase(9, "Pad").in("X", x).attrs(n -> n.s("mode", mode).ints("pads", p)).check();
        for (int opset : new int[] {11, 13, 18}) {
          new OpCase(opset, "Pad")
              .in("X", x)
              .init("pads", longs(p))
              .attrs(n -> n.s("mode", mode))
              .check();
          new OpCase(opset, "Pad")
              .in("X", x)
              .in("pads", longs(p))
              .attrs(n -> n.s("mode", mode))
              .check();
        }
      }
    }
    new OpCase(9, "Pad")
        .in("X", x)
        .attrs(n -> n.ints("pads", 1, 1, 1, 1, 1, 1).f("value", 2.5f))
        .check();
    new OpCase(13, "Pad")
        .in("X", x)
        .init("pads", longs(1, 1, 1, 1, 1, 1))
        .init("v", Tensor.scalar(-3f))
        .check();
    Tensor xi = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
    new OpCase(13, "Pad")
        .in("X", xi)
        .init("pads", longs(1, 2, 0, 1))
        .init("v", Tensor.ofLongs(new long[] {7}))
        .check();
    new OpCase(13, "Pad")
        .in("X", xi)
        .init("pads", longs(0, 2, 0, 1))
        .attrs(n -> n.s("mode", "reflect"))
        .folded()
        .check();
    // opset 18 axes input (negative axis)
    new OpCase(18, "Pad")
        .in("X", x)
        .init("pads", longs(1, 2))
        .none()
        .init("axes", longs(-1))
        .check();
    new OpCase(18, "Pad")
        .in("X", x)
        .init("pads", longs(1, 2, 0, 1))
        .init("v", Tensor.scalar(1f))
        .init("axes", longs(0, 2))
        .attrs(n -> n.s("mode", "edge"))
        .check();
  }

  @Test
  void tileAndRange() {
    Tensor x = randn(r, 2, 3);
    new OpCase(9, "Tile").in("X", x).init("rep", longs(2, 3)).check();
    new OpCase(13, "Tile").in("X", x).in("rep", longs(1, 2)).check();
    new OpCase(13, "Tile").in("X", randn(r, 2, 1, 3)).init("rep", longs(1, 4, 0)).check();
    new OpCase(13, "Tile")
        .in("X", Tensor.ofLongs(new long[] {1, 2, 3}, 3))
        .init("rep", longs(3))
        .folded()
        .check();
    new OpCase(11, "Range")
        .in("s", Tensor.scalar(0.5f))
        .in("l", Tensor.scalar(7.3f))
        .in("d", Tensor.scalar(0.7f))
        .check();
    new OpCase(11, "Range")
        .in("s", Tensor.scalar(5f))
        .in("l", Tensor.scalar(-2f))
        .in("d", Tensor.scalar(-1.5f))
        .check();
    new OpCase(11, "Range")
        .in("s", Tensor.scalar(5f))
        .in("l", Tensor.scalar(2f))
        .in("d", Tensor.scalar(1f))
        .check();
    Tensor s = Tensor.ofLongs(new long[] {-3});
    new OpCase(11, "Range")
        .in("s", s.reshape())
        .in("l", Tensor.ofLongs(new long[] {10}).reshape())
        .in("d", Tensor.ofLongs(new long[] {4}).reshape())
        .check();
    new OpCase(11, "Range")
        .in("s", s.reshape())
        .in("l", Tensor.ofLongs(new long[] {10}).reshape())
        .in("d", Tensor.ofLongs(new long[] {3}).reshape())
        .folded()
        .check();
  }

  @Test
  void instanceNormalization() {
    for (int opset : new int[] {9, 13}) {
      Tensor x = randn(r, 2, 3, 4, 5);
      new OpCase(opset, "InstanceNormalization")
          .in("X", x)
          .init("s", randn(r, 3))
          .init("b", randn(r, 3))
          .check();
      new OpCase(opset, "InstanceNormalization")
          .in("X", randn(r, 2, 4, 7))
          .in("s", randn(r, 4))
          .in("b", randn(r, 4))
          .attrs(n -> n.f("epsilon", 1e-2f))
          .check();
      new OpCase(opset, "InstanceNormalization")
          .in("X", x)
          .init("s", randn(r, 3))
          .init("b", randn(r, 3))
          .folded()
          .check();
    }
  }

  @Test
  void groupNormalizationOpset18() {
    Tensor x = randn(r, 2, 6, 3, 4);
    for (int g : new int[] {1, 2, 3, 6}) {
      new OpCase(18, "GroupNormalization")
          .in("X", x)
          .init("s", randn(r, g))
          .init("b", randn(r, g))
          .attrs(n -> n.i("num_groups", g))
          .check();
    }
    new OpCase(18, "GroupNormalization")
        .in("X", randn(r, 3, 4, 5))
        .in("s", randn(r, 2))
        .in("b", randn(r, 2))
        .attrs(n -> n.i("num_groups", 2).f("epsilon", 1e-3f))
        .check();
  }

  @Test
  void unsupportedValuesAreOneLineNamingTheNode() {
    String[][] cases = {
      {"Resize", "mode", "lanczos"},
      {"Resize", "coordinate_transformation_mode", "tf_crop_and_resize"},
      {"Resize", "nearest_mode", "banana"},
      {"Pad", "mode", "wrap"},
    };
    for (String[] c : cases) {
      OnnxBuilder b = new OnnxBuilder(13);
      b.input("X", OnnxBuilder.FLOAT, 1, 1, 2, 2);
      b.init("p", Tensor.of(new float[] {1, 1, 2, 2}, 4));
      b.output("Y0");
      String[] ins = c[0].equals("Resize") ? new String[] {"X", "", "p"} : new String[] {"X", "q"};
      if (c[0].equals("Pad")) {
        b.init("q", longs(0, 0, 1, 1, 0, 0, 1, 1));
      }
      b.node(c[0], ins, "Y0").s(c[1], c[2]);
      NnException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              NnException.class, () -> org.exmy.nn.onnx.OnnxLoader.load(b.bytes(), "m.onnx"));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains(c[0] + "_0")
              && e.getMessage().contains(c[2])
              && !e.getMessage().contains("\n"),
          e.getMessage());
    }
  }
}
