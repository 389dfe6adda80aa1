package org.exmy.nn;

import static org.exmy.nn.Rand.randn;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * GatherElements, ScatterElements / Scatter, GatherND, ScatterND, OneHot, Compress, NonZero, Trilu
 * and EyeLike against ONNX Runtime.
 */
class IndexOpsTest {
  private final SplittableRandom r = new SplittableRandom(41);

  private Tensor ints(int lo, int hi, int... shape) {
    long[] v = new long[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(lo, hi);
    }
    return Tensor.ofLongs(v, shape);
  }

  /**
   * Indices of shape {@code is} into extent {@code dim} along {@code axis}: distinct along each
   * line when {@code unique} (a rotated range), else random; some written as negative.
   */
  private Tensor axisIndices(int[] is, int axis, int dim, boolean unique) {
    int n = Tensor.size(is);
    long[] v = new long[n];
    int[] st = new int[is.length];
    int acc = 1;
    for (int d = is.length - 1; d >= 0; d--) {
      st[d] = acc;
      acc *= is[d];
    }
    for (int p = 0; p < n; p++) {
      int c = (p / st[axis]) % is[axis];
      int line = p - c * st[axis];
      long w = unique ? (c + line * 7L) % dim : r.nextInt(dim);
      v[p] = r.nextBoolean() ? w - dim : w;
    }
    return Tensor.ofLongs(v, is);
  }

  @Test
  void gatherElements() {
    int[] ds = {3, 4, 5};
    for (int opset : new int[] {11, 13}) {
      for (int axis : new int[] {0, 1, 2, -1}) {
        int a = axis < 0 ? axis + 3 : axis;
        int[] is = {2, 3, 4};
        is[a] = 6; // may exceed the data's extent along the axis
        Tensor idx = axisIndices(is, a, ds[a], false);
        new OpCase(opset, "GatherElements")
            .in("X", randn(r, ds))
            .in("I", idx)
            .attrs(n -> n.i("axis", axis))
            .check();
        new OpCase(opset, "GatherElements")
            .in("X", ints(-9, 9, ds))
            .init("I", idx)
            .attrs(n -> n.i("axis", axis))
            .check();
      }
      new OpCase(opset, "GatherElements")
          .in("X", randn(r, 4, 3))
          .in("I", axisIndices(new int[] {2, 3}, 0, 4, false))
          .folded()
          .check();
    }
  }

  @Test
  void scatterElements() {
    int[] ds = {3, 4, 5};
    for (int opset : new int[] {11, 13, 16, 18}) {
      String[] reds =
          opset >= 18
              ? new String[] {"none", "add", "mul", "max", "min"}
              : opset >= 16 ? new String[] {"none", "add", "mul"} : new String[] {"none"};
      for (int axis : new int[] {0, 1, -1}) {
        int a = axis < 0 ? axis + 3 : axis;
        for (String red : reds) {
          int[] is = {2, 3, 4};
          is[a] = red.equals("none") ? 2 : 7; // repeated indices only where they reduce
          Tensor idx = axisIndices(is, a, ds[a], red.equals("none"));
          OpCase c =
              new OpCase(opset, "ScatterElements")
                  .in("X", randn(r, ds))
                  .in("I", idx)
                  .in("U", randn(r, is));
          OpCase ci =
              new OpCase(opset, "ScatterElements")
                  .in("X", ints(-5, 5, ds))
                  .init("I", idx)
                  .in("U", ints(-3, 4, is));
          if (opset >= 16) {
            c.attrs(n -> n.i("axis", axis).s("reduction", red));
            ci.attrs(n -> n.i("axis", axis).s("reduction", red));
          } else {
            c.attrs(n -> n.i("axis", axis));
            ci.attrs(n -> n.i("axis", axis));
          }
          c.check();
          ci.check();
        }
      }
    }
    Tensor idx = axisIndices(new int[] {1, 4}, 0, 3, true);
    for (int opset : new int[] {9, 10}) {
      new OpCase(opset, "Scatter")
          .in("X", randn(r, 3, 4))
          .in("I", idx)
          .in("U", randn(r, 1, 4))
          .check();
      new OpCase(opset, "Scatter")
          .in("X", randn(r, 3, 4))
          .in("I", axisIndices(new int[] {3, 2}, 1, 4, true))
          .in("U", randn(r, 3, 2))
          .attrs(n -> n.i("axis", 1))
          .folded()
          .check();
    }
  }

  @Test
  void gatherNd() {
    for (int opset : new int[] {11, 12, 13}) {
      Tensor x = randn(r, 2, 3, 4);
      new OpCase(opset, "GatherND")
          .in("X", x)
          .in("I", Tensor.ofLongs(new long[] {0, 1, -1, 2}, 2, 2))
          .check();
      new OpCase(opset, "GatherND")
          .in("X", x)
          .in("I", Tensor.ofLongs(new long[] {1, 2, 3, 0, -3, 0}, 2, 1, 3))
          .check();
      new OpCase(opset, "GatherND")
          .in("X", ints(-9, 9, 2, 3, 4))
          .init("I", Tensor.ofLongs(new long[] {1, 0, -1}, 3, 1))
          .check();
      if (opset >= 12) {
        new OpCase(opset, "GatherND")
            .in("X", x)
            .in("I", Tensor.ofLongs(new long[] {2, 0, 1, -1}, 2, 2, 1))
            .attrs(n -> n.i("batch_dims", 1))
            .check();
        new OpCase(opset, "GatherND")
            .in("X", x)
            .in("I", Tensor.ofLongs(new long[] {2, 3, 0, 1}, 2, 2))
            .attrs(n -> n.i("batch_dims", 1))
            .folded()
            .check();
      }
    }
  }

  @Test
  void scatterNd() {
    for (int opset : new int[] {11, 13, 16, 18}) {
      String[] reds =
          opset >= 18
              ? new String[] {"none", "add", "mul", "max", "min"}
              : opset >= 16 ? new String[] {"none", "add", "mul"} : new String[] {"none"};
      for (String red : reds) {
        boolean none = red.equals("none");
        // k = 1 (rows), k = 2 (vectors), k = 3 (elements)
        Tensor i1 =
            Tensor.ofLongs(none ? new long[] {1, -2} : new long[] {1, 1, 0}, none ? 2 : 3, 1);
        Tensor i2 = Tensor.ofLongs(none ? new long[] {0, 1, 1, -1} : new long[] {0, 1, 0, 1}, 2, 2);
        Tensor i3 = Tensor.ofLongs(new long[] {0, 0, 0, 1, 2, 3, 0, 0, 0}, 3, 3);
        if (none) {
          i3 = Tensor.ofLongs(new long[] {0, 0, 0, 1, 2, 3, 1, 0, -1}, 3, 3);
        }
        Tensor[][] cases = {
          {i1, randn(r, i1.dim(0), 3, 4)}, {i2, randn(r, 2, 4)}, {i3, randn(r, 3)}
        };
        for (Tensor[] c : cases) {
          OpCase oc =
              new OpCase(opset, "ScatterND").in("X", randn(r, 2, 3, 4)).in("I", c[0]).in("U", c[1]);
          if (opset >= 16) {
            oc.attrs(n -> n.s("reduction", red));
          }
          oc.check();
        }
        OpCase oi =
            new OpCase(opset, "ScatterND")
                .in("X", ints(-5, 5, 2, 3, 4))
                .init("I", i2)
                .in("U", ints(-3, 4, 2, 4));
        if (opset >= 16) {
          oi.attrs(n -> n.s("reduction", red));
        }
        oi.check();
        oi.folded().check();
      }
    }
  }

  @Test
  void oneHot() {
    Tensor idx = Tensor.ofLongs(new long[] {0, 3, -1, 2, 5, -4}, 2, 3);
    Tensor idxF = Tensor.of(new float[] {1, 0, 2, 4, 3, 1}, 3, 2);
    for (int opset : new int[] {9, 11}) {
      for (long axis : new long[] {-1, 0, 1, 2, -3}) {
        new OpCase(opset, "OneHot")
            .in("I", opset >= 11 ? idx : idxF)
            .init("D", Tensor.of(new float[] {4f}))
            .in("V", Tensor.of(new float[] {-1f, 2.5f}, 2))
            .attrs(n -> n.i("axis", axis))
            .check();
        new OpCase(opset, "OneHot")
            .in("I", opset >= 11 ? idx : idxF)
            .in("D", Tensor.ofLongs(new long[] {5}))
            .in("V", Tensor.ofLongs(new long[] {0, 7}, 2))
            .attrs(n -> n.i("axis", axis))
            .check();
      }
      new OpCase(opset, "OneHot")
          .in("I", idxF)
          .in("D", Tensor.of(new float[] {3f}))
          .in("V", Tensor.of(new float[] {0f, 1f}, 2))
          .folded()
          .check();
    }
  }

  @Test
  void compressAndNonZero() {
    Tensor x = randn(r, 3, 4);
    Tensor cond = Tensor.ofLongs(new long[] {1, 0, 1}, 3);
    Tensor condLong = Tensor.ofLongs(new long[] {0, 1, 1, 0, 1}, 5);
    for (int opset : new int[] {9, 11}) {
      for (Long axis : new Long[] {null, 0L, 1L, -1L, -2L}) {
        if (axis != null && axis < 0 && opset < 11) {
          continue;
        }
        Tensor c = axis == null ? condLong : cond;
        for (boolean folded : new boolean[] {false, true}) {
          MathOpsTest.typedCase(
              opset,
              "Compress",
              new int[] {0, 9},
              0,
              n -> {
                if (axis != null) {
                  n.i("axis", axis);
                }
              },
              folded,
              x,
              c);
          MathOpsTest.typedCase(
              opset,
              "Compress",
              new int[] {0, 9},
              0,
              n -> {
                if (axis != null) {
                  n.i("axis", axis);
                }
              },
              folded,
              ints(-3, 3, 3, 4),
              c);
        }
      }
    }
    Tensor sparse = Tensor.of(new float[] {0, 1.5f, 0, 0, -2, 0, 3, 0, 0, 0, 0, 4}, 2, 3, 2);
    for (int opset : new int[] {9, 13}) {
      new OpCase(opset, "NonZero").in("X", sparse).check();
      new OpCase(opset, "NonZero").in("X", ints(-1, 2, 4, 5)).check();
      new OpCase(opset, "NonZero").in("X", Tensor.of(new float[4], 4)).check();
      new OpCase(opset, "NonZero").in("X", ints(-1, 2, 6)).folded().check();
    }
  }

  @Test
  void triluAndEyeLike() {
    for (int upper : new int[] {0, 1}) {
      for (Long k : new Long[] {null, -1L, 0L, 2L, -5L, 7L}) {
        for (int[] s : new int[][] {{3, 4}, {2, 4, 3}, {1, 1}}) {
          OpCase c = new OpCase(14, "Trilu").in("X", randn(r, s));
          OpCase ci = new OpCase(14, "Trilu").in("X", ints(-9, 9, s));
          if (k != null) {
            c.in("K", Tensor.ofLongs(new long[] {k}));
            ci.init("K", Tensor.ofLongs(new long[] {k}));
          }
          c.attrs(n -> n.i("upper", upper)).check();
          ci.attrs(n -> n.i("upper", upper)).check();
        }
      }
    }
    new OpCase(14, "Trilu").in("X", randn(r, 4, 4)).folded().check();
    for (int opset : new int[] {9, 13}) {
      for (int[] s : new int[][] {{3, 4}, {4, 3}, {3, 3}}) {
        for (long k : new long[] {0, -1, 2, 5}) {
          new OpCase(opset, "EyeLike").in("X", randn(r, s)).attrs(n -> n.i("k", k)).check();
          new OpCase(opset, "EyeLike")
              .in("X", randn(r, s))
              .attrs(n -> n.i("k", k).i("dtype", 7))
              .check();
          new OpCase(opset, "EyeLike")
              .in("X", ints(0, 3, s))
              .attrs(n -> n.i("k", k).i("dtype", 1))
              .check();
        }
      }
      new OpCase(opset, "EyeLike").in("X", ints(0, 3, 2, 5)).folded().check();
    }
  }
}
