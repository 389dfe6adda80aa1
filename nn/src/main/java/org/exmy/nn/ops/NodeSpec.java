package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * What an operator factory knows about a node at load time.
 *
 * @param opType ONNX op_type
 * @param opset the default-domain opset version the model imports (6..20)
 * @param name the node's name, or {@code "#i"} for the i-th node when it has none
 * @param attrs decoded attributes
 * @param inTypes element type of each input; null where the optional input is omitted
 * @param consts the value of each input that is constant at load time, else null
 * @param numOutputs number of outputs the node declares
 * @param linearIndex the site index this node gets if it is a linear node
 */
public record NodeSpec(
    String opType,
    int opset,
    String name,
    Attrs attrs,
    DType[] inTypes,
    Tensor[] consts,
    int numOutputs,
    int linearIndex) {

  /** Whether input {@code i} is given (not omitted). */
  public boolean has(int i) {
    return i < inTypes.length && inTypes[i] != null;
  }

  /** Whether input {@code i} is given and constant. */
  public boolean isConst(int i) {
    return has(i) && consts[i] != null;
  }

  /** Type of input {@code i}. */
  public DType type(int i) {
    return inTypes[i];
  }

  /** Checks the number of inputs and outputs (omitted trailing optional inputs count as absent). */
  public void arity(int minIn, int maxIn, int minOut, int maxOut) {
    if (inTypes.length < minIn || inTypes.length > maxIn) {
      throw new OpError(
          "expects "
              + (minIn == maxIn ? String.valueOf(minIn) : minIn + ".." + maxIn)
              + " inputs, has "
              + inTypes.length);
    }
    for (int i = 0; i < minIn; i++) {
      if (!has(i)) {
        throw new OpError("required input " + i + " is missing");
      }
    }
    if (numOutputs < minOut || numOutputs > maxOut) {
      throw new OpError(
          "expects "
              + (minOut == maxOut ? String.valueOf(minOut) : minOut + ".." + maxOut)
              + " outputs, has "
              + numOutputs);
    }
  }

  /** Requires input {@code i} to be FLOAT. */
  public void requireFloat(int i) {
    if (has(i) && inTypes[i] != DType.FLOAT) {
      throw new OpError("input " + i + " must be a floating-point tensor, is int64");
    }
  }

  /** Requires input {@code i} to be INT64 (any integer type). */
  public void requireInt(int i) {
    if (has(i) && inTypes[i] != DType.INT64) {
      throw new OpError("input " + i + " must be an integer tensor, is float");
    }
  }
}
