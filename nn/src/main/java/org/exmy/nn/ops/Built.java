package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.LinearSite;

/**
 * A node after its factory ran.
 *
 * @param op the runnable operator
 * @param outTypes element type of each output
 * @param site the linear site, for Conv / Gemm / MatMul; else null
 */
public record Built(Op op, DType[] outTypes, LinearSite site) {
  /** A non-linear node with the given output types. */
  public static Built of(Op op, DType... outTypes) {
    return new Built(op, outTypes, null);
  }
}
