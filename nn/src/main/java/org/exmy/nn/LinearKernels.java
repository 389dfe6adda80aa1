package org.exmy.nn;

/**
 * A strategy that supplies the matrix product of each linear site (Conv, Gemm, MatMul,
 * ConvTranspose, Einsum, LSTM, GRU): the hook through which calibration observers and quantized
 * arithmetic plug into the engine.
 *
 * <p>{@link #kernelFor} is called once per linear site per engine worker thread (lazily, on that
 * thread), so it may be called concurrently and must be thread-safe; each returned kernel is used
 * by that one thread only. It may return the same (thread-safe) instance every time.
 */
@FunctionalInterface
public interface LinearKernels {
  /** The kernel that computes {@code site}'s products. */
  LinearKernel kernelFor(LinearSite site);

  /** The default strategy: exact-order float32 products ({@link Fp32Kernel}). */
  static LinearKernels fp32() {
    return site -> Fp32Kernel.INSTANCE;
  }
}
