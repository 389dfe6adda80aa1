package org.exmy.nn.onnx;

import org.exmy.nn.Tensor;
import org.exmy.nn.ops.Built;
import org.exmy.nn.ops.ExecContext;
import org.exmy.nn.ops.OpError;

/**
 * The constant-folding pass of the loader: a node whose inputs are all constant, and that is not a
 * linear node (those stay steps, to be quantized), is evaluated once while the model loads and its
 * outputs become constants. It runs node by node as the graph is read, not after it, because the
 * nodes that follow are built from the constants it makes (a Reshape's shape computed by Shape,
 * Gather and Concat, a weight that a Transpose or a Cast produced).
 */
final class ConstantFolding {
  private ConstantFolding() {}

  /** Runs nodes with constants only; a linear node reached here is a loader bug. */
  private static final ExecContext CONTEXT =
      new ExecContext(
          0,
          i -> {
            throw new OpError("linear nodes are not folded");
          });

  /**
   * True when the node is folded: every input that is given ({@code slots[i] >= 0}; an omitted
   * optional input is -1) is a constant, and it is not a linear node.
   */
  static boolean applies(int[] slots, Tensor[] consts, boolean linear) {
    if (linear) return false;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] >= 0 && consts[i] == null) return false;
    }
    return true;
  }

  /** The node's outputs, computed from its constant inputs. */
  static Tensor[] fold(Built b, Tensor[] consts) {
    return b.op().run(consts, CONTEXT);
  }
}
