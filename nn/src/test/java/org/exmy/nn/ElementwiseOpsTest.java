package org.exmy.nn;

import static org.exmy.nn.Rand.longs;
import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Elementwise operators against ONNX Runtime. */
class ElementwiseOpsTest {
  private final SplittableRandom r = new SplittableRandom(11);

  @Test
  void arithmeticBroadcasts() {
    int[][][] shapes = {
      {{2, 3, 4}, {2, 3, 4}},
      {{2, 3, 4}, {4}},
      {{2, 3, 4}, {3, 1}},
      {{1, 3, 1}, {2, 1, 5}},
      {{4}, {}},
      {{2, 3, 4, 5}, {3, 1, 1}},
    };
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      for (int opset : new int[] {9, 13, 14}) {
        for (int[][] s : shapes) {
          new OpCase(opset, op).in("A", randn(r, s[0])).in("B", randn(r, s[1])).check();
          new OpCase(opset, op).in("A", randn(r, s[0])).init("B", randn(r, s[1])).check();
        }
      }
    }
  }

  @Test
  void int64Arithmetic() {
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      Tensor a = Tensor.ofLongs(new long[] {7, -7, 12, 5, 0, -9}, 2, 3);
      Tensor b = longs(2, 3, -4);
      new OpCase(13, op).in("A", a).in("B", b).check();
      new OpCase(13, op).in("A", a).in("B", b).folded().check();
    }
  }

  @Test
  void pow() {
    Tensor base = uniform(r, 0.1, 3, 3, 4);
    new OpCase(13, "Pow").in("A", base).init("B", Tensor.scalar(2f)).check();
    new OpCase(13, "Pow").in("A", base).init("B", Tensor.scalar(0.5f)).check();
    new OpCase(12, "Pow").in("A", base).in("B", uniform(r, -2, 2, 4)).check();
    new OpCase(15, "Pow").in("A", randn(r, 3, 4)).init("B", longs(3)).check();
    new OpCase(9, "Pow").in("A", base).in("B", uniform(r, -2, 2, 3, 4)).check();
  }

  @Test
  void opset6LegacyBroadcast() {
    // opset 6 (ONNX Runtime starts at 7, so by the spec): broadcast=1 with axis=1 puts B's
    // dimensions at A's axis 1: C[i][j][k] = A[i][j][k] op B[j]; without axis, B matches A's last
    // dimensions as in numpy
    Tensor a = randn(r, 2, 3, 4);
    Tensor b = randn(r, 3);
    Tensor b2 = randn(r, 4);
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      byte[] m =
          new OpCase(6, op)
              .in("A", a)
              .in("B", b)
              .attrs(n -> n.i("broadcast", 1).i("axis", 1))
              .builder()
              .bytes();
      Tensor y = Ort.runExmy(m, java.util.Map.of("A", a, "B", b)).get("Y0");
      byte[] m2 =
          new OpCase(6, op)
              .in("A", a)
              .in("B", b2)
              .attrs(n -> n.i("broadcast", 1))
              .builder()
              .bytes();
      Tensor y2 = Ort.runExmy(m2, java.util.Map.of("A", a, "B", b2)).get("Y0");
      for (int i = 0; i < 24; i++) {
        float p = a.floats()[i];
        float q = b.floats()[i / 4 % 3];
        float q2 = b2.floats()[i % 4];
        assertEquals(
            switch (op) {
              case "Add" -> p + q;
              case "Sub" -> p - q;
              case "Mul" -> p * q;
              default -> p / q;
            },
            y.floats()[i]);
        assertEquals(
            switch (op) {
              case "Add" -> p + q2;
              case "Sub" -> p - q2;
              case "Mul" -> p * q2;
              default -> p / q2;
            },
            y2.floats()[i]);
      }
    }
  }

  @Test
  void powOfIntegers() {
    // integer base: integer exponent exact (incl. negative exponents of 1 and -1, truncated
    // otherwise), float exponent through double pow then truncation (the ONNX backend tests
    // test_pow_types_int*)
    Tensor a = longs(-3, -1, 0, 1, 2, 5, 7, -2, 3, 1, -1, 4);
    Tensor e = longs(3, 5, 2, -4, 10, 3, 0, 7, 1, 9, -3, -2);
    new OpCase(15, "Pow").in("A", a.reshape(3, 4)).in("B", e.reshape(3, 4)).check();
    new OpCase(13, "Pow").in("A", a.reshape(3, 4)).in("B", longs(2, 3, 0, 1)).check();
    // (a negative base to a fractional power is undefined behaviour in ONNX Runtime's C++ cast)
    new OpCase(15, "Pow")
        .in("A", longs(0, 1, 2, 5, 7, 3, 9, 4).reshape(2, 4))
        .in("B", uniform(r, -1, 3, 4))
        .check();
  }

  @Test
  void unaryFunctions() {
    Tensor x =
        Tensor.of(
            concat(
                randn(r, 200).floats(),
                uniform(r, -6, 6, 200).floats(),
                new float[] {0f, -0f, 1e-4f, -1e-4f, 3f, -3f, 2.5f, -2.5f, 8f}),
            409);
    for (int opset : new int[] {9, 13, 14}) {
      for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Erf", "Identity"}) {
        new OpCase(opset, op).in("X", x).check();
      }
      new OpCase(opset, "Sqrt").in("X", uniform(r, 0, 10, 5, 7)).check();
      new OpCase(opset, "HardSigmoid").in("X", x).check();
      new OpCase(opset, "HardSigmoid")
          .in("X", x)
          .attrs(n -> n.f("alpha", 0.3f).f("beta", 0.4f))
          .check();
    }
    new OpCase(14, "HardSwish").in("X", x).check();
    new OpCase(20, "Gelu").in("X", x).check();
    new OpCase(20, "Gelu").in("X", x).attrs(n -> n.s("approximate", "tanh")).check();
    new OpCase(20, "Gelu").in("X", x).attrs(n -> n.s("approximate", "none")).check();
    new OpCase(13, "Relu").in("X", x).folded().check();
  }

  @Test
  void clipAttributesThenInputs() {
    Tensor x = randn(r, 4, 5);
    new OpCase(9, "Clip").in("X", x).attrs(n -> n.f("min", -0.5f).f("max", 0.7f)).check();
    new OpCase(9, "Clip").in("X", x).attrs(n -> n.f("max", 0.1f)).check();
    new OpCase(9, "Clip").in("X", x).check();
    new OpCase(11, "Clip")
        .in("X", x)
        .init("lo", Tensor.scalar(-0.2f))
        .init("hi", Tensor.scalar(0.3f))
        .check();
    new OpCase(13, "Clip").in("X", x).none().init("hi", Tensor.scalar(6f)).check();
    new OpCase(13, "Clip").in("X", x).in("lo", Tensor.scalar(0f)).check();
    new OpCase(12, "Clip").in("X", x).check();
    // min > max: every value becomes max
    new OpCase(13, "Clip")
        .in("X", x)
        .init("lo", Tensor.scalar(0.5f))
        .init("hi", Tensor.scalar(-0.5f))
        .check();
    Tensor ix = longs(-7, 3, 0, 12, -1, 5, 9, -100).reshape(2, 4);
    new OpCase(12, "Clip")
        .in("X", ix)
        .init("lo", longs(-2).reshape())
        .init("hi", longs(6).reshape())
        .check();
    new OpCase(13, "Clip").in("X", ix).none().in("hi", longs(4).reshape()).check();
    new OpCase(13, "Clip")
        .in("X", ix)
        .in("lo", longs(5).reshape())
        .in("hi", longs(1).reshape())
        .check();
    new OpCase(13, "Clip").in("X", ix).check();
  }

  @Test
  void dropoutIsIdentityAtInference() {
    Tensor x = randn(r, 3, 4);
    new OpCase(9, "Dropout").in("X", x).attrs(n -> n.f("ratio", 0.3f)).check();
    new OpCase(13, "Dropout").in("X", x).check();
    new OpCase(13, "Dropout").in("X", x).init("ratio", Tensor.scalar(0.5f)).check();
    Tensor y = new OpCase(12, "Dropout").in("X", x).check();
    assertEquals(x, y); // same tensor passed through
  }

  static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
