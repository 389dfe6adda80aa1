package org.exmy.nn;

/**
 * The one matrix product through which the engine computes every Conv, Gemm and MatMul (and
 * ConvTranspose, Einsum and the LSTM / GRU gate products, see {@link LinearSite}):
 *
 * <pre>
 *   C[m][n] = sum over k of A[m][k] * B[k][n]     (float32, row-major)
 * </pre>
 *
 * A is read from {@code a[aOff + i*k + j]} ({@code m} rows of {@code k}), B from {@code b[bOff +
 * j*n + col]} ({@code k} rows of {@code n}), and C is OVERWRITTEN at {@code c[cOff + i*n + col]}.
 * Bias, Gemm's alpha/beta and everything else are applied by the engine afterwards, in float32; a
 * kernel sees only the product.
 *
 * <p>When the node's {@link LinearSite#weightOperand()} is {@code A}, the {@code a} array passed is
 * exactly {@code site.weight().floats()} and {@code aOff / k} is the index of the first output
 * channel (row) of this call (a grouped Conv calls once per group, with the group's rows). When it
 * is {@code B}, {@code b} is exactly {@code site.weight().floats()}; {@code bOff} is 0 for a 2-D
 * weight (a multiple of {@code k*n} for the matrices of a higher-rank constant) and the columns are
 * the output channels. A kernel may rely on this identity to use weights it prepared in {@link
 * LinearKernels#kernelFor}.
 *
 * <p>Threading: an instance is only ever called by the one engine thread that obtained it from
 * {@link LinearKernels#kernelFor}, so it may keep scratch buffers in fields.
 */
@FunctionalInterface
public interface LinearKernel {
  /** Computes {@code C = A * B} as described above ({@code m, k, n >= 1}). */
  void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n);

  /**
   * Sees each activation tensor of the node once per run, before the engine rearranges it into the
   * product's operand {@code operand} (im2col for Conv, transposition for Gemm): {@code x} is the
   * node's input tensor as it is (all items of the batch chunk), never the constant weight. Returns
   * the values the engine then uses in place of {@code x}: the same array, or a new one of the same
   * length (never modify {@code x}: it may be another node's input too). Calibration observes
   * activations here and quantized kernels quantize them here, once per element. The recurrent site
   * of an LSTM / GRU is the exception: it sees each time step's hidden state (an intermediate of
   * the node, {@code [batch][H]}) before that step's product. The default returns {@code x}.
   */
  default float[] activations(LinearSite.Operand operand, float[] x) {
    return x;
  }
}
