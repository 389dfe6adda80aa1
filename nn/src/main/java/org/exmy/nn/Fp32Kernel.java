package org.exmy.nn;

/**
 * The float32 product {@code C = A * B}. For each output element the sum runs over {@code k} in
 * ascending order with one rounding per multiply and per add (no fused multiply-add), whatever the
 * shape, so results do not depend on how the engine batches or threads its calls. The inner loop is
 * in axpy form ({@code c[i][:] += a[i][j] * b[j][:]}), which HotSpot C2 vectorizes. Stateless and
 * thread-safe.
 */
public final class Fp32Kernel implements LinearKernel {
  /** The shared instance. */
  public static final Fp32Kernel INSTANCE = new Fp32Kernel();

  private Fp32Kernel() {}

  @Override
  public void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * n;
      int aRow = aOff + i * k;
      // first term written directly: c = a0 * b0 (same value as 0 + a0*b0, except -0 => +0 handled below)
      float a0 = a[aRow];
      for (int col = 0; col < n; col++) {
        c[cRow + col] = 0f + a0 * b[bOff + col];
      }
      for (int j = 1; j < k; j++) {
        float aij = a[aRow + j];
        int bRow = bOff + j * n;
        axpy(aij, b, bRow, c, cRow, n);
      }
    }
  }

  private static void axpy(float s, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int col = 0; col < n; col++) {
      y[yOff + col] += s * x[xOff + col];
    }
  }
}
