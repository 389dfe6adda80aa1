/**
 * The operators: one factory per ONNX op type ({@link org.exmy.nn.ops.OpRegistry}) that checks a
 * node's attributes and input types at load time for its opset and returns a runnable {@link
 * org.exmy.nn.ops.Op}.
 */
package org.exmy.nn.ops;
