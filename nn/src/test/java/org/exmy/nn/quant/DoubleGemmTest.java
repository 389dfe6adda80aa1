package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorized double kernel's sums of integer products are exact below 2^53 (against a long
 * reference: 20-bit operands, sums far below 2^63), on shapes that are not multiples of the tile;
 * and the quantizer's table rounding equals the encoder's.
 */
class DoubleGemmTest {
  @Test
  void integerSumsAreExact() {
    SplittableRandom r = new SplittableRandom(21);
    for (int[] s :
        new int[][] {{1, 1, 1}, {5, 300, 37}, {13, 513, 70}, {4, 1000, 3}, {67, 9, 290}}) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      double[] a = new double[2 + m * k];
      double[] b = new double[3 + k * n];
      for (int i = 0; i < a.length; i++) {
        a[i] = r.nextInt(-(1 << 20), 1 << 20);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextInt(-(1 << 20), 1 << 20);
      }
      double[] c = new double[m * n];
      DoubleGemm.multiply(a, 2, b, 3, c, 0, m, k, n);
      for (int i = 0; i < m; i++) {
        for (int col = 0; col < n; col++) {
          long ref = 0;
          for (int j = 0; j < k; j++) {
            ref += (long) a[2 + i * k + j] * (long) b[3 + j * n + col];
          }
          assertEquals((double) ref, c[i * n + col], "m " + m + " k " + k + " n " + n);
        }
      }
    }
  }

  @Test
  void tableRoundingEqualsTheEncoder() {
    SplittableRandom r = new SplittableRandom(22);
    for (String f :
        new String[] {"E4M3", "INT8", "E2M1", "E5M2", "E3M4", "INT4", "INT3", "UINT4", "UINT8"}) {
      FormatQuantizer q = new FormatQuantizer(org.exmy.simulator.Formats.parse(f));
      float s = 0.37f;
      for (int i = 0; i < 200_000; i++) {
        float x = (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(-12, 12)));
        assertEquals(q.fixedOfCode(q.code(x, s)), q.fixed(x, s), f + " at " + x);
      }
      for (int c = 0; c < q.format().codeCount(); c++) {
        double v = Math.scalb(q.fixedOfCode(c), q.lsb()) * s;
        for (float x : new float[] {(float) v, Math.nextUp((float) v), Math.nextDown((float) v)}) {
          assertEquals(q.fixedOfCode(q.code(x, s)), q.fixed(x, s), f + " near code " + c);
        }
      }
      // exact ties x / s = k + 1/2 (s a power of two), beyond both ends, and the specials
      for (int k = -300; k <= 300; k++) {
        float x = (k + 0.5f) * 0.25f;
        assertEquals(
            q.fixedOfCode(q.code(x, 0.25f)), q.fixed(x, 0.25f), f + " tie at " + (k + 0.5));
      }
      for (float x :
          new float[] {
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 1e30f, -1e30f
          }) {
        assertEquals(
            outcome(() -> q.fixedOfCode(q.code(x, s))),
            outcome(() -> q.fixed(x, s)),
            f + " at " + x);
      }
    }
  }

  /** The value, or the exception's class when it throws (an integer format refuses NaN). */
  private static String outcome(java.util.function.DoubleSupplier f) {
    try {
      return "" + f.getAsDouble();
    } catch (RuntimeException e) {
      return e.getClass().getName();
    }
  }
}
