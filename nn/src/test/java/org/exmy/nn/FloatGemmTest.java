package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The vectorized float32 kernel against a plain double-precision reference: shapes with rows,
 * columns and reductions that are not multiples of the tile (4 rows, 2 vectors, 256 reduction
 * steps, 256-column blocks), the dot-product form (few columns), non-zero offsets, C outside the
 * product untouched; the same bits when split over threads; exact integer sums below 2^24.
 */
class FloatGemmTest {
  private static final int[][] SHAPES = {
    {1, 1, 1},
    {3, 5, 7},
    {4, 9, 784},
    {7, 33, 300},
    {10, 784, 32},
    {5, 2, 513},
    {1, 300, 1},
    {13, 257, 33},
    {9, 600, 3},
    {64, 576, 260},
    {6, 17, 31},
    {1000, 512, 2},
    {5, 1, 17},
    {2, 513, 15}
  };

  @Test
  void agreesWithTheDoubleReferenceWithinFloatRounding() {
    assertTrue(Fp32Kernel.VECTOR, "tests run with --add-modules jdk.incubator.vector");
    SplittableRandom r = new SplittableRandom(11);
    for (int[] s : SHAPES) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      int ao = 3;
      int bo = 5;
      int co = 2;
      float[] a = Rand.randn(r, ao + m * k).floats();
      float[] b = Rand.randn(r, bo + k * n).floats();
      float[] c = new float[co + m * n + 4];
      Arrays.fill(c, 42f);
      Fp32Kernel.INSTANCE.multiply(a, ao, b, bo, c, co, m, k, n);
      for (int i = 0; i < m; i++) {
        for (int col = 0; col < n; col++) {
          double ref = 0;
          double abs = 0;
          for (int j = 0; j < k; j++) {
            double p = (double) a[ao + i * k + j] * b[bo + j * n + col];
            ref += p;
            abs += Math.abs(p);
          }
          // any float32 summation order of k terms: |error| <= k * 2^-24 * sum |products|
          double tol = (k + 1) * 0x1p-24 * abs + 1e-30;
          float got = c[co + i * n + col];
          assertTrue(
              Math.abs(got - ref) <= tol,
              "m " + m + " k " + k + " n " + n + " at " + i + "," + col + ": " + got + " vs "
                  + ref);
        }
      }
      assertEquals(42f, c[0]);
      assertEquals(42f, c[1]);
      assertEquals(42f, c[co + m * n]);
    }
  }

  /**
   * An element's bits depend only on its row of A, its column of B and k: every sub-product of the
   * first m rows and n columns (the dot-product form below 4 columns, the tiles above, edges
   * included) gives the full product's bits, so a model's outputs do not depend on its batch.
   */
  @Test
  void anElementDoesNotDependOnTheShapeAroundIt() {
    SplittableRandom r = new SplittableRandom(15);
    for (int k : new int[] {1, 7, 256, 300, 784}) {
      int bigM = 13;
      int bigN = 2 * FloatGemm.NR + 5;
      float[] a = Rand.randn(r, bigM * k).floats();
      float[] b = Rand.randn(r, k * bigN).floats();
      float[] full = new float[bigM * bigN];
      Fp32Kernel.INSTANCE.multiply(a, 0, b, 0, full, 0, bigM, k, bigN);
      for (int m : new int[] {1, 3, 4, 6, 13}) {
        for (int n : new int[] {1, 2, 3, 4, 8, 15, 16, FloatGemm.NR, bigN}) {
          float[] sub = new float[k * n];
          for (int t = 0; t < k; t++) System.arraycopy(b, t * bigN, sub, t * n, n);
          float[] c = new float[m * n];
          Fp32Kernel.INSTANCE.multiply(a, 0, sub, 0, c, 0, m, k, n);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              assertEquals(
                  Float.floatToRawIntBits(full[i * bigN + j]),
                  Float.floatToRawIntBits(c[i * n + j]),
                  "m " + m + " k " + k + " n " + n + " at " + i + "," + j);
            }
          }
        }
      }
    }
  }

  @Test
  void splittingOverThreadsGivesTheSameBits() throws Exception {
    SplittableRandom r = new SplittableRandom(12);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int[] s :
          new int[][] {{64, 300, 200}, {64, 300, 6 * 32 + 1}, {40, 500, 20}, {9, 100, 700}}) {
        int m = s[0];
        int k = s[1];
        int n = s[2];
        float[] a = Rand.randn(r, m * k).floats();
        float[] b = Rand.randn(r, k * n).floats();
        float[] one = new float[m * n];
        Fp32Kernel.INSTANCE.multiply(a, 0, b, 0, one, 0, m, k, n);
        for (int ways = 2; ways <= 3; ways++) {
          float[] split = new float[m * n];
          IntraOp.with(
              ways,
              pool,
              () -> {
                Fp32Kernel.INSTANCE.multiply(a, 0, b, 0, split, 0, m, k, n);
                return null;
              });
          assertArrayEquals(one, split, "m " + m + " k " + k + " n " + n + " ways " + ways);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void integerSumsBelow2To24AreExact() {
    SplittableRandom r = new SplittableRandom(13);
    int m = 9;
    int k = 700;
    int n = 70;
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextInt(-127, 128);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextInt(-127, 128);
    }
    float[] c = new float[m * n];
    Fp32Kernel.INSTANCE.multiply(a, 0, b, 0, c, 0, m, k, n);
    for (int i = 0; i < m; i++) {
      for (int col = 0; col < n; col++) {
        long ref = 0;
        for (int j = 0; j < k; j++) {
          ref += (long) a[i * k + j] * (long) b[j * n + col];
        }
        assertEquals(ref, (long) c[i * n + col]);
      }
    }
  }
}
