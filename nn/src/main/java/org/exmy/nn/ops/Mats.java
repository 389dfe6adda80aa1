package org.exmy.nn.ops;

import org.exmy.nn.Tensor;

/** Matrix helpers. */
final class Mats {
  private Mats() {}

  /** The transpose of a 2-D float tensor. */
  static Tensor transpose(Tensor t) {
    int r = t.dim(0);
    int c = t.dim(1);
    float[] out = new float[r * c];
    transpose(t.floats(), r, c, out);
    return Tensor.of(out, c, r);
  }

  /** Writes the transpose of the {@code rows x cols} matrix {@code src} into {@code dst}. */
  static void transpose(float[] src, int rows, int cols, float[] dst) {
    for (int i = 0; i < rows; i++) {
      int s = i * cols;
      for (int j = 0; j < cols; j++) {
        dst[j * rows + i] = src[s + j];
      }
    }
  }
}
