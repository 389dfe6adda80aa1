/**
 * QONNX models (graphs quantized elsewhere, e.g. by Brevitas): the quantization operators as
 * float32 operators ({@link org.exmy.nn.qonnx.QonnxOps}), the exmy format each quantized tensor
 * denotes ({@link org.exmy.nn.qonnx.TensorQuant}, recorded by the loader in a {@link
 * org.exmy.nn.qonnx.QonnxTrace}), and running the linear nodes with the MAC arithmetic of those
 * formats ({@link org.exmy.nn.qonnx.QonnxQuantization}).
 */
package org.exmy.nn.qonnx;
