package org.exmy.nn.ops;

import org.exmy.nn.Tensor;

/** A built operator: validated attributes and constants, ready to run on input tensors. */
@FunctionalInterface
public interface Op {
  /**
   * Computes the node's outputs. {@code in[i]} is null for an omitted optional input. Throws {@link
   * OpError} for inputs it cannot handle (the executor names the node).
   */
  Tensor[] run(Tensor[] in, ExecContext cx);
}
