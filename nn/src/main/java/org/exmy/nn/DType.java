package org.exmy.nn;

/**
 * Element type of a {@link Tensor} inside the engine. Every ONNX floating type (FLOAT, DOUBLE,
 * FLOAT16) is held as float32; every integer and BOOL type as int64 (BOOL as 0 / 1).
 */
public enum DType {
  FLOAT,
  INT64
}
