package org.exmy.nn.quant;

import java.util.Arrays;

/**
 * {@code C = A * B} in double precision, for integer-valued operands whose every partial sum stays
 * below 2^53 in magnitude: then every product and every addition is exact, so the result is the
 * exact integer sum whatever the order. Same loop shape as {@link org.exmy.nn.Fp32Kernel} (axpy
 * over four rows of A, B copied in column tiles into same-offset row buffers) so that HotSpot C2
 * vectorizes it. Thread-safe: the buffers are per thread.
 */
final class DoubleKernel {
  static final int TILE = 256;

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private DoubleKernel() {}

  private static final class Buffers {
    double[][] rows = new double[0][];
    final double[] r0 = new double[TILE];
    final double[] r1 = new double[TILE];
    final double[] r2 = new double[TILE];
    final double[] r3 = new double[TILE];

    double[][] rows(int k) {
      if (rows.length < k) {
        double[][] grown = Arrays.copyOf(rows, Math.max(k, 2 * rows.length));
        for (int i = rows.length; i < grown.length; i++) {
          grown[i] = new double[TILE];
        }
        rows = grown;
      }
      return rows;
    }
  }

  /** The B operand, read as doubles: a double array or the float array of quantized activations. */
  interface Rows {
    /** Copies {@code w} values of row {@code j} from column {@code c0} into {@code dst}. */
    void copy(int j, int c0, int w, double[] dst);
  }

  static Rows rows(double[] b, int bOff, int n) {
    return (j, c0, w, dst) -> System.arraycopy(b, bOff + j * n + c0, dst, 0, w);
  }

  static Rows rows(float[] b, int bOff, int n) {
    return (j, c0, w, dst) -> {
      int s = bOff + j * n + c0;
      for (int i = 0; i < w; i++) {
        dst[i] = b[s + i];
      }
    };
  }

  /**
   * Writes {@code C[i][col] = sum_j A[i][j] * B[j][col]} into {@code c[cOff + i*n + col]}; A is
   * read through {@code a(row, j)} = {@code a[aOff + row*k + j]}.
   */
  static void multiply(double[] a, int aOff, Rows b, double[] c, int cOff, int m, int k, int n) {
    Buffers buf = BUFFERS.get();
    double[][] rows = buf.rows(k);
    for (int c0 = 0; c0 < n; c0 += TILE) {
      int w = Math.min(TILE, n - c0);
      for (int j = 0; j < k; j++) {
        b.copy(j, c0, w, rows[j]);
      }
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        fourRows(a, aOff + i * k, k, rows, w, buf);
        int co = cOff + i * n + c0;
        System.arraycopy(buf.r0, 0, c, co, w);
        System.arraycopy(buf.r1, 0, c, co + n, w);
        System.arraycopy(buf.r2, 0, c, co + 2 * n, w);
        System.arraycopy(buf.r3, 0, c, co + 3 * n, w);
      }
      for (; i < m; i++) {
        oneRow(a, aOff + i * k, k, rows, w, buf.r0);
        System.arraycopy(buf.r0, 0, c, cOff + i * n + c0, w);
      }
    }
  }

  private static void fourRows(double[] a, int a0, int k, double[][] rows, int w, Buffers buf) {
    double[] r0 = buf.r0;
    double[] r1 = buf.r1;
    double[] r2 = buf.r2;
    double[] r3 = buf.r3;
    Arrays.fill(r0, 0, w, 0);
    Arrays.fill(r1, 0, w, 0);
    Arrays.fill(r2, 0, w, 0);
    Arrays.fill(r3, 0, w, 0);
    for (int j = 0; j < k; j++) {
      double s0 = a[a0 + j];
      double s1 = a[a0 + k + j];
      double s2 = a[a0 + 2 * k + j];
      double s3 = a[a0 + 3 * k + j];
      double[] bj = rows[j];
      for (int col = 0; col < w; col++) {
        double bv = bj[col];
        r0[col] += s0 * bv;
        r1[col] += s1 * bv;
        r2[col] += s2 * bv;
        r3[col] += s3 * bv;
      }
    }
  }

  private static void oneRow(double[] a, int ar, int k, double[][] rows, int w, double[] r0) {
    Arrays.fill(r0, 0, w, 0);
    for (int j = 0; j < k; j++) {
      double s0 = a[ar + j];
      double[] bj = rows[j];
      for (int col = 0; col < w; col++) {
        r0[col] += s0 * bj[col];
      }
    }
  }
}
