package org.exmy.nn;

import java.util.Arrays;

/**
 * The float32 product {@code C = A * B}. For each output element the sum runs over {@code k} in
 * ascending order, starting from 0, with one rounding per multiply and per add (no fused
 * multiply-add), whatever the shape: results do not depend on how the engine batches or threads its
 * calls. The engine's default kernel is the faster {@link Fp32Kernel}, whose order differs; this
 * one is kept where an order fixed once and for all matters: calibration observes the activations
 * it produces (so the quantization scales, and every quantized result, stay as they were). The
 * layers a quantized model leaves in float32 run the engine's {@link Fp32Kernel}.
 *
 * <p>Speed: the inner loop is in axpy form ({@code acc[:] += a[i][j] * b[j][:]}) over four rows of
 * A at once. HotSpot C2 (JDK 17) vectorizes such a loop only when every array in it is indexed from
 * the same offset, so each call copies B, in column tiles of {@value #TILE}, into one small array
 * per row and accumulates into per-thread row buffers, which are then copied into C. Thread-safe:
 * the buffers are per thread.
 */
public final class SequentialFp32Kernel implements LinearKernel {
  /** The shared instance. */
  public static final SequentialFp32Kernel INSTANCE = new SequentialFp32Kernel();

  /** Columns per tile: 4 accumulator rows plus the B rows of a tile stay in L1/L2 cache. */
  static final int TILE = 256;

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private SequentialFp32Kernel() {}

  /** Per-thread scratch: B rows of one tile and four accumulator rows. */
  private static final class Buffers {
    float[][] rows = new float[0][];
    final float[] r0 = new float[TILE];
    final float[] r1 = new float[TILE];
    final float[] r2 = new float[TILE];
    final float[] r3 = new float[TILE];

    float[][] rows(int k) {
      if (rows.length < k) {
        float[][] grown = Arrays.copyOf(rows, Math.max(k, 2 * rows.length));
        for (int i = rows.length; i < grown.length; i++) {
          grown[i] = new float[TILE];
        }
        rows = grown;
      }
      return rows;
    }
  }

  @Override
  public void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    Buffers buf = BUFFERS.get();
    float[][] rows = buf.rows(k);
    for (int c0 = 0; c0 < n; c0 += TILE) {
      int w = Math.min(TILE, n - c0);
      for (int j = 0; j < k; j++) {
        System.arraycopy(b, bOff + j * n + c0, rows[j], 0, w);
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

  private static void fourRows(float[] a, int a0, int k, float[][] rows, int w, Buffers buf) {
    float[] r0 = buf.r0;
    float[] r1 = buf.r1;
    float[] r2 = buf.r2;
    float[] r3 = buf.r3;
    Arrays.fill(r0, 0, w, 0f);
    Arrays.fill(r1, 0, w, 0f);
    Arrays.fill(r2, 0, w, 0f);
    Arrays.fill(r3, 0, w, 0f);
    for (int j = 0; j < k; j++) {
      float s0 = a[a0 + j];
      float s1 = a[a0 + k + j];
      float s2 = a[a0 + 2 * k + j];
      float s3 = a[a0 + 3 * k + j];
      float[] bj = rows[j];
      for (int col = 0; col < w; col++) {
        float bv = bj[col];
        r0[col] += s0 * bv;
        r1[col] += s1 * bv;
        r2[col] += s2 * bv;
        r3[col] += s3 * bv;
      }
    }
  }

  private static void oneRow(float[] a, int ar, int k, float[][] rows, int w, float[] r0) {
    Arrays.fill(r0, 0, w, 0f);
    for (int j = 0; j < k; j++) {
      float s0 = a[ar + j];
      float[] bj = rows[j];
      for (int col = 0; col < w; col++) {
        r0[col] += s0 * bj[col];
      }
    }
  }
}
