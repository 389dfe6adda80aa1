package org.exmy.nn.ops;

import java.util.List;
import org.exmy.nn.DType;
import org.exmy.nn.LinearSite;

/**
 * A node after its factory ran.
 *
 * @param op the runnable operator
 * @param outTypes element type of each output
 * @param sites the linear sites of a linear node, in index order (one for Conv, ConvTranspose,
 *     Gemm, MatMul and Einsum; two for LSTM and GRU: the input product, then the recurrent one);
 *     empty for every other node
 */
public record Built(Op op, DType[] outTypes, List<LinearSite> sites) {
  /** A linear node with one site (or a non-linear node when {@code site} is null). */
  public Built(Op op, DType[] outTypes, LinearSite site) {
    this(op, outTypes, site == null ? List.of() : List.of(site));
  }

  /** A non-linear node with the given output types. */
  public static Built of(Op op, DType... outTypes) {
    return new Built(op, outTypes, List.of());
  }

  /** The first (for most linear nodes the only) site, or null for a non-linear node. */
  public LinearSite site() {
    return sites.isEmpty() ? null : sites.get(0);
  }
}
