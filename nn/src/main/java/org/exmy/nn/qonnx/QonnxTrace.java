package org.exmy.nn.qonnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exmy.nn.LinearSite;
import org.exmy.nn.ops.NodeSpec;

/**
 * What the loader saw of a QONNX model's quantization: the {@link TensorQuant} of every value that
 * a QONNX quantization node produces (also through the value-preserving nodes {@code Identity},
 * {@code Reshape}, {@code Flatten}, {@code Squeeze}, {@code Unsqueeze}, {@code Transpose}, {@code
 * Relu} and {@code MaxPool} when its scale is one value for the tensor), and for every Conv, Gemm
 * and MatMul node the quantization of its two product inputs. Fill it by passing it to {@link
 * org.exmy.nn.onnx.OnnxLoader#load(byte[], String, QonnxTrace)}; not thread-safe while loading.
 */
public final class QonnxTrace {
  /** Nodes whose output holds the same values (or a subset, a max) as their first input. */
  private static final Set<String> PASS =
      Set.of(
          "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Relu", "MaxPool");

  /**
   * One linear node and the quantization of its inputs 0 and 1.
   *
   * @param site the node's linear site
   * @param spec the node as the loader saw it (attributes, constant inputs)
   * @param in0 the quantization of input 0, or null when it is not a QONNX output
   * @param in1 the same of input 1
   */
  public record Site(LinearSite site, NodeSpec spec, TensorQuant in0, TensorQuant in1) {
    /** Whether both product inputs come from QONNX quantization nodes. */
    public boolean bothQuantized() {
      return in0 != null && in1 != null;
    }
  }

  private final Map<String, TensorQuant> quantOf = new HashMap<>();
  private final List<Site> sites = new ArrayList<>();

  /** For the loader: one node, after it was built ({@code sites}: its linear sites, if any). */
  public void node(
      boolean qonnx,
      NodeSpec spec,
      List<String> inputs,
      List<String> outputs,
      List<LinearSite> nodeSites) {
    String op = spec.opType();
    if (qonnx && QonnxOps.OPS.contains(op) && !outputs.isEmpty()) {
      quantOf.put(outputs.get(0), TensorQuant.of(spec));
    } else if (!qonnx && PASS.contains(op) && !inputs.isEmpty() && !outputs.isEmpty()) {
      TensorQuant q = quantOf.get(inputs.get(0));
      if (q != null && (q.format() == null || q.perTensor())) {
        quantOf.put(outputs.get(0), q);
      }
    }
    if (nodeSites.size() == 1 && inputs.size() >= 2) {
      sites.add(
          new Site(nodeSites.get(0), spec, quantOf.get(inputs.get(0)), quantOf.get(inputs.get(1))));
    }
  }

  /** The quantization of the value named {@code value}, or null. */
  public TensorQuant quantOf(String value) {
    return quantOf.get(value);
  }

  /** Every single-site linear node (Conv, Gemm, MatMul, ...), in order. */
  public List<Site> sites() {
    return List.copyOf(sites);
  }
}
