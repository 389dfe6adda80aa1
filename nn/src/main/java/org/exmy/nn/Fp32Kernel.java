package org.exmy.nn;

/**
 * The engine's float32 product {@code C = A * B}: the blocked, packed, vectorized {@link FloatGemm}
 * (fused multiply-adds, the reduction in blocks; split across the threads {@link IntraOp} lends,
 * each element on one thread) when the JVM runs with {@code --add-modules jdk.incubator.vector},
 * else the sequential-order {@link SequentialFp32Kernel}. Either way the result of an element
 * depends only on the product's shape and values, not on threads. It differs from the sequential
 * order's in the last bits (float32 sums in another order), as ONNX Runtime's does; integer-valued
 * products whose partial sums stay below 2^24 are exact in both.
 */
public final class Fp32Kernel implements LinearKernel {
  /** The shared instance (stateless; scratch is per thread). */
  public static final Fp32Kernel INSTANCE = new Fp32Kernel();

  /** True when the Vector API module is present, so the vectorized kernels run. */
  public static final boolean VECTOR =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private Fp32Kernel() {}

  @Override
  public void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    if (VECTOR) {
      FloatGemm.multiply(a, aOff, b, bOff, c, cOff, m, k, n);
    } else {
      SequentialFp32Kernel.INSTANCE.multiply(a, aOff, b, bOff, c, cOff, m, k, n);
    }
  }

  /**
   * For the exact quantized products: {@code C = A * B} into doubles, for integer-valued operands
   * whose every sum of at most {@code kb} products is below 2^24 and whose whole sums are below
   * 2^53 in magnitude, exactly: float32 products over blocks of {@code kb} reduction steps, added
   * in double. Only with {@link #VECTOR}.
   */
  public static void exactBlocks(
      float[] a, int aOff, float[] b, int bOff, double[] c, int m, int k, int n, int kb) {
    if (!VECTOR || kb < 1) {
      throw new IllegalStateException("exactBlocks needs the vector module and kb >= 1");
    }
    FloatGemm.exactBlocks(a, aOff, b, bOff, c, m, k, n, kb);
  }
}
