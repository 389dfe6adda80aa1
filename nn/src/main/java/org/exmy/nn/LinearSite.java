package org.exmy.nn;

/**
 * One linear node of a model, as its {@link LinearKernel} sees it.
 *
 * <p>Canonical orientation of the product {@code C[M][N] = A[M][K] * B[K][N]} per operator:
 *
 * <ul>
 *   <li>Conv (im2col): A = the weights as {@code [outChannels][inChannelsPerGroup*kh*kw]} (all
 *       groups stacked; one call per group and image with that group's rows), B = the image's
 *       patches {@code [K][outH*outW]}, C = the output channels of that group. Weight operand A,
 *       channel axis 0.
 *   <li>Gemm with a constant B (a fully connected layer): A = the weight as {@code
 *       [outFeatures][K]} (transposed at load time when {@code transB=0}), B = the activations
 *       transposed, {@code [K][batch]}; C is {@code Y} transposed. Weight operand A, channel axis
 *       0. Gemm with a constant A: A = op(A), B = op(B) as they are, weight operand A. Neither
 *       constant: NONE.
 *   <li>MatMul: A = the left matrix, B = the right matrix, per broadcast batch pair; a left operand
 *       whose right operand is a constant 2-D weight is flattened to {@code [batch*M][K]} (one
 *       call). A constant right operand: weight operand B, channel axis 1 (columns); a constant
 *       left one: A, axis 0; two activations (attention's {@code Q*K^T}): NONE.
 *   <li>ConvTranspose (col2im): A = the weight {@code [C_in][C_out/group][kh][kw]} rearranged to
 *       {@code [group*(C_out/group)*kh*kw][C_in/group]} (a row per group, output channel and kernel
 *       offset), B = the image's input channels of that group {@code [K][H*W]}; one call per group
 *       and image. Weight operand A, channel axis 0 (so "per channel" is per row here).
 *   <li>Einsum (two-operand matrix-product equations only): as MatMul, with each operand permuted
 *       to {@code [batch][M][K]} / {@code [batch][K][N]}; a constant operand is stored permuted
 *       (the site weight) and is operand A or B as for MatMul; two activations: NONE.
 *   <li>LSTM and GRU: TWO sites per node, at consecutive indices. The first is the input product, A
 *       = W as {@code [dirs*gates*H][I]}, B = X transposed {@code [I][seq*batch]} (one call per
 *       direction, {@code aOff/k} = its first row); the second the recurrent product, A = R as
 *       {@code [dirs*gates*H][H]}, B = the hidden state transposed {@code [H][batch]} (one call per
 *       direction and step; GRU with linear_before_reset=0 calls the z/r rows with the state and
 *       the h rows with {@code r * state}). Weight operand A, channel axis 0 (a row per gate unit);
 *       NONE when W or R is not a constant. The recurrent site's {@link LinearKernel#activations}
 *       sees every step's state (computed during the run), not a node input.
 * </ul>
 *
 * @param nodeName the ONNX node name ({@code "#i"} when it had none)
 * @param opType {@code Conv}, {@code Gemm}, {@code MatMul}, {@code ConvTranspose}, {@code Einsum},
 *     {@code LSTM} or {@code GRU}
 * @param index position among the model's linear nodes, in topological order, from 0
 * @param k the reduction length (fan-in) of every call; -1 when no operand is a constant (then it
 *     is known only at run time, from the shapes, and is passed to every call)
 * @param weightOperand which operand of the product is a constant weight
 * @param weightChannelAxis axis of the output channels in the canonical weight matrix: 0 (rows of
 *     A) or 1 (columns of B); -1 when there is no weight
 * @param weight the constant weight in canonical orientation ({@code [rows][cols]}, or the original
 *     constant for a MatMul operand of rank above 2), or null when {@code weightOperand} is NONE
 */
public record LinearSite(
    String nodeName,
    String opType,
    int index,
    int k,
    Operand weightOperand,
    int weightChannelAxis,
    Tensor weight) {

  /** Which product operand holds the constant weight. */
  public enum Operand {
    A,
    B,
    NONE
  }
}
