package org.exmy.nn.ops;

import java.util.function.IntFunction;
import org.exmy.nn.LinearKernel;

/**
 * Per-thread state of one engine worker: the linear kernels it obtained (one per linear site) and a
 * reusable scratch buffer. Never shared between threads.
 */
public final class ExecContext {
  private final LinearKernel[] kernels;
  private final IntFunction<LinearKernel> supplier;
  private float[] scratch = new float[0];

  /**
   * @param sites number of linear sites of the model
   * @param supplier makes the kernel of a site index, called at most once per site
   */
  public ExecContext(int sites, IntFunction<LinearKernel> supplier) {
    this.kernels = new LinearKernel[sites];
    this.supplier = supplier;
  }

  /** The kernel of linear site {@code index}, created on first use. */
  public LinearKernel kernel(int index) {
    LinearKernel k = kernels[index];
    if (k == null) {
      k = supplier.apply(index);
      if (k == null) {
        throw new OpError("no linear kernel supplied for site " + index);
      }
      kernels[index] = k;
    }
    return k;
  }

  /** A scratch array of at least {@code n} floats (contents undefined), reused between calls. */
  public float[] scratch(int n) {
    if (scratch.length < n) {
      scratch = new float[n];
    }
    return scratch;
  }
}
