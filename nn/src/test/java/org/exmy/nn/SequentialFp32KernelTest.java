package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The FP32 kernel is bit-identical to the plain definition: for each element, {@code s = 0; for j
 * ascending: s = fl(s + fl(a*b))} in float arithmetic. Shapes cover partial 4-row blocks, column
 * tiles (n above 256) and non-zero offsets; the rest of C is left untouched.
 */
class SequentialFp32KernelTest {
  @Test
  void equalsTheSequentialFloatSum() {
    SplittableRandom r = new SplittableRandom(4);
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 9, 784}, {7, 33, 300}, {10, 784, 32}, {5, 2, 513}};
    for (int[] s : shapes) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      int ao = 3;
      int bo = 5;
      int co = 2;
      float[] a = Rand.randn(r, ao + m * k).floats();
      float[] b = Rand.randn(r, bo + k * n).floats();
      float[] c = new float[co + m * n + 4];
      java.util.Arrays.fill(c, 42f);
      SequentialFp32Kernel.INSTANCE.multiply(a, ao, b, bo, c, co, m, k, n);
      for (int i = 0; i < m; i++) {
        for (int col = 0; col < n; col++) {
          float acc = 0f;
          for (int j = 0; j < k; j++) {
            float p = a[ao + i * k + j] * b[bo + j * n + col];
            acc = acc + p;
          }
          assertEquals(acc, c[co + i * n + col], 0f, "m " + m + " k " + k + " n " + n);
        }
      }
      assertEquals(42f, c[0]);
      assertEquals(42f, c[co + m * n]);
    }
  }
}
