/**
 * ONNX model import and a float32 inference engine with one pluggable matrix-product hook.
 *
 * <ul>
 *   <li>{@link org.exmy.nn.onnx.OnnxLoader} reads a .onnx file into a validated {@link
 *       org.exmy.nn.Model} (every error is an {@link org.exmy.nn.NnException} with one line naming
 *       the file and the node or tensor, raised before anything runs).
 *   <li>{@link org.exmy.nn.Session} runs a model over a batch on a fixed thread pool; results do
 *       not depend on the thread count.
 *   <li>Every Conv, Gemm and MatMul computes its product through the {@link
 *       org.exmy.nn.LinearKernel} that a {@link org.exmy.nn.LinearKernels} strategy supplies for
 *       its {@link org.exmy.nn.LinearSite}; the default is {@link org.exmy.nn.Fp32Kernel}.
 *   <li>{@link org.exmy.nn.data.Datasets} reads IDX, .npy and .npz data.
 * </ul>
 */
package org.exmy.nn;
