package org.exmy.nn;

import static org.exmy.nn.Rand.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;

/** ConvTranspose and Einsum (linear sites) against ONNX Runtime. */
class LinearMoreOpsTest {
  private final SplittableRandom r = new SplittableRandom(41);

  @Test
  void convTranspose2d() {
    Tensor x = randn(r, 2, 4, 5, 6);
    for (int opset : new int[] {9, 11, 17}) {
      for (int group : new int[] {1, 2, 4}) {
        Tensor w = randn(r, 4, 6 / (group == 4 ? 2 : 1) / 1, 3, 3);
        Tensor b = randn(r, w.dim(1) * group);
        new OpCase(opset, "ConvTranspose").in("X", x).init("W", w).check();
        new OpCase(opset, "ConvTranspose")
            .in("X", x)
            .init("W", w)
            .init("B", b)
            .attrs(n -> n.i("group", group).ints("strides", 2, 2))
            .check();
        new OpCase(opset, "ConvTranspose")
            .in("X", x)
            .init("W", w)
            .init("B", b)
            .attrs(
                n ->
                    n.i("group", group)
                        .ints("strides", 2, 3)
                        .ints("pads", 1, 0, 1, 2)
                        .ints("output_padding", 1, 0))
            .check();
        new OpCase(opset, "ConvTranspose")
            .in("X", x)
            .init("W", w)
            .attrs(n -> n.i("group", group).ints("dilations", 2, 1).ints("pads", 0, 1, 1, 0))
            .check();
        new OpCase(opset, "ConvTranspose")
            .in("X", x)
            .in("W", w)
            .in("B", b)
            .attrs(n -> n.i("group", group).ints("strides", 2, 2))
            .check();
      }
      Tensor w = randn(r, 4, 3, 2, 4);
      new OpCase(opset, "ConvTranspose")
          .in("X", x)
          .init("W", w)
          .attrs(n -> n.ints("strides", 2, 2).ints("output_shape", 11, 14))
          .check();
      new OpCase(opset, "ConvTranspose")
          .in("X", x)
          .init("W", w)
          .attrs(n -> n.ints("strides", 2, 2).ints("output_shape", 9, 12))
          .check();
      for (String ap : new String[] {"VALID", "SAME_UPPER", "SAME_LOWER"}) {
        new OpCase(opset, "ConvTranspose")
            .in("X", x)
            .init("W", w)
            .attrs(n -> n.ints("strides", 2, 3).s("auto_pad", ap))
            .check();
      }
      new OpCase(opset, "ConvTranspose")
          .in("X", x)
          .init("W", w)
          .attrs(n -> n.ints("kernel_shape", 2, 4).ints("strides", 1, 1))
          .folded()
          .check();
    }
  }

  @Test
  void convTranspose1d() {
    Tensor x = randn(r, 3, 2, 7);
    Tensor w = randn(r, 2, 5, 3);
    new OpCase(13, "ConvTranspose").in("X", x).init("W", w).check();
    new OpCase(13, "ConvTranspose")
        .in("X", x)
        .init("W", w)
        .init("B", randn(r, 5))
        .attrs(n -> n.ints("strides", 3).ints("pads", 1, 2).ints("output_padding", 2))
        .check();
    new OpCase(13, "ConvTranspose")
        .in("X", x)
        .in("W", w)
        .attrs(n -> n.ints("dilations", 2))
        .check();
  }

  @Test
  void convTransposeIsALinearSite() {
    OnnxBuilder b =
        new OpCase(13, "ConvTranspose")
            .in("X", randn(r, 1, 4, 3, 3))
            .init("W", randn(r, 4, 6, 2, 2))
            .attrs(n -> n.i("group", 2))
            .builder();
    Model m = OnnxLoader.load(b.bytes(), "t.onnx");
    LinearSite s = m.linearSites().get(0);
    assertEquals("ConvTranspose", s.opType());
    assertEquals(LinearSite.Operand.A, s.weightOperand());
    assertEquals(2, s.k()); // C_in / group
    // row (group 1, output channel 2, kernel offset (1, 0)) column 1 = W[2 + 1][2][1][0]
    Tensor w =
        b.graph().getInitializer(0).getDims(0) == 4
            ? org.exmy.nn.onnx.TensorDecoder.decode(b.graph().getInitializer(0), "W")
            : null;
    int row = (1 * 3 + 2) * 4 + 2;
    assertEquals(w.floats()[((3 * 3 + 2) * 2 + 1) * 2 + 0], s.weight().floats()[row * 2 + 1]);
  }

  @Test
  void einsumMatrixProducts() {
    String[][] cases = {
      {"ij,jk->ik", "3,4", "4,5"},
      {"bij,bjk->bik", "2,3,4", "2,4,5"},
      {"bhid,bhjd->bhij", "2,3,4,5", "2,3,6,5"},
      {"...ij,...jk->...ik", "2,3,4,5", "2,3,5,2"},
      {"...ij,...jk->...ik", "2,1,4,5", "2,3,5,2"},
      {"...ij,...jk->...ik", "4,5", "5,2"},
      {"ij,kj->ik", "3,4", "5,4"},
      {"bij,jk->bik", "2,3,4", "4,5"},
      {"ik,kj->ji", "3,4", "4,2"},
      {"bnd,dh->bnh", "2,3,4", "4,6"},
      {"i,i->", "5", "5"},
      {"i,j->ij", "3", "4"},
      {"bqd,bkd->bqk", "2,3,4", "2,5,4"},
    };
    for (String[] c : cases) {
      Tensor a = randn(r, dims(c[1]));
      Tensor b = randn(r, dims(c[2]));
      for (int opset : new int[] {12, 13}) {
        new OpCase(opset, "Einsum").in("A", a).in("B", b).attrs(n -> n.s("equation", c[0])).check();
      }
      if (!c[0].contains(".")) {
        new OpCase(12, "Einsum").in("A", a).init("B", b).attrs(n -> n.s("equation", c[0])).check();
        new OpCase(12, "Einsum").init("A", a).in("B", b).attrs(n -> n.s("equation", c[0])).check();
      }
    }
  }

  @Test
  void einsumConstantOperandIsTheSiteWeight() {
    OnnxBuilder b =
        new OpCase(12, "Einsum")
            .in("A", randn(r, 2, 3, 4))
            .init("B", randn(r, 5, 4))
            .attrs(n -> n.s("equation", "bij,kj->bik"))
            .builder();
    LinearSite s = OnnxLoader.load(b.bytes(), "t.onnx").linearSites().get(0);
    assertEquals(LinearSite.Operand.B, s.weightOperand());
    assertEquals(4, s.k());
    assertEquals(
        java.util.List.of(4, 5), java.util.Arrays.stream(s.weight().shape()).boxed().toList());
  }

  /** The forms that are not matrix products run on the general path, against ORT. */
  @Test
  void einsumGeneralForms() {
    Object[][] cases = {
      {"ij->ji", new int[][] {{3, 4}}},
      {"ij->i", new int[][] {{3, 4}}},
      {"ij", new int[][] {{3, 4}}},
      {"ii->i", new int[][] {{4, 4}}},
      {"ii", new int[][] {{4, 4}}},
      {"...ii->...i", new int[][] {{2, 3, 3}}},
      {"i,i", new int[][] {{5}, {5}}},
      {"i,j->ij", new int[][] {{3}, {4}}},
      {"ij,ij->ij", new int[][] {{2, 3}, {2, 3}}},
      {"bij,bjk", new int[][] {{2, 3, 4}, {2, 4, 5}}},
      {"iij,jk->ik", new int[][] {{3, 3, 4}, {4, 2}}},
      {"ij,jk,kl->il", new int[][] {{2, 3}, {3, 4}, {4, 2}}},
      {"...j,j->...", new int[][] {{2, 3, 4}, {4}}},
    };
    for (Object[] c : cases) {
      String eq = (String) c[0];
      int[][] shapes = (int[][]) c[1];
      OpCase k = new OpCase(12, "Einsum");
      for (int i = 0; i < shapes.length; i++) {
        k.in("X" + i, randn(r, shapes[i]));
      }
      k.attrs(n -> n.s("equation", eq)).check();
    }
  }

  @Test
  void malformedEquationsRefused() {
    for (String eq : new String[] {"ij->k", "i2->i", "ij->ii", "ij,jk"}) {
      OnnxBuilder b = new OnnxBuilder(12);
      b.input("A", OnnxBuilder.FLOAT, 3, 3);
      b.output("Y0");
      b.node("Einsum", new String[] {"A"}, "Y0").s("equation", eq);
      NnException e = assertThrows(NnException.class, () -> OnnxLoader.load(b.bytes(), "e.onnx"));
      assertTrue(
          e.getMessage().contains("Einsum_0") && e.getMessage().contains(eq), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"));
    }
  }

  private static int[] dims(String s) {
    return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
