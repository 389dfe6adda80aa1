package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Mod (with broadcasting: integers take the divisor's sign when {@code fmod} is 0, the dividend's
 * when 1; floats need {@code fmod} 1 and compute C's fmod) and BitShift (LEFT or RIGHT, with
 * broadcasting; ONNX's BitShift is defined on unsigned types only, held as int64: a right shift is
 * logical and a left shift wraps at 64 bits, so uint8..uint32 results are exact while no bit is
 * shifted past their width).
 */
final class ModShift {
  private ModShift() {}

  static Built mod(NodeSpec n) {
    n.attrs().allow("fmod");
    n.arity(2, 2, 1, 1);
    if (n.type(0) != n.type(1)) {
      throw new OpError("inputs A and B have different element types");
    }
    boolean fmod = n.attrs().i("fmod", 0) != 0;
    if (n.type(0) == DType.FLOAT && !fmod) {
      throw new OpError("fmod must be 1 for floating-point inputs");
    }
    Op o =
        (in, cx) -> {
          int[] os = Nary.shapeOf(in);
          int[][] off = Nary.offsets(os, in);
          int total = Tensor.size(os);
          if (in[0].type() == DType.FLOAT) {
            float[] a = in[0].floats();
            float[] b = in[1].floats();
            float[] y = new float[total];
            for (int i = 0; i < total; i++) {
              y[i] = a[off[0][i]] % b[off[1][i]];
            }
            return new Tensor[] {Tensor.of(y, os)};
          }
          long[] a = in[0].longs();
          long[] b = in[1].longs();
          long[] y = new long[total];
          for (int i = 0; i < total; i++) {
            long d = b[off[1][i]];
            if (d == 0) {
              throw new OpError("integer division by zero");
            }
            y[i] = fmod ? a[off[0][i]] % d : Math.floorMod(a[off[0][i]], d);
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, n.type(0));
  }

  static Built bitShift(NodeSpec n) {
    n.attrs().allow("direction");
    n.arity(2, 2, 1, 1);
    n.requireInt(0);
    n.requireInt(1);
    String dir = n.attrs().s("direction", "");
    boolean left;
    switch (dir) {
      case "LEFT" -> left = true;
      case "RIGHT" -> left = false;
      default -> throw new OpError("direction '" + dir + "' is not supported (LEFT or RIGHT)");
    }
    Op o =
        (in, cx) -> {
          int[] os = Nary.shapeOf(in);
          int[][] off = Nary.offsets(os, in);
          int total = Tensor.size(os);
          long[] a = in[0].longs();
          long[] b = in[1].longs();
          long[] y = new long[total];
          for (int i = 0; i < total; i++) {
            long s = b[off[1][i]];
            long x = a[off[0][i]];
            if (s < 0 || s >= 64) {
              y[i] = 0; // as unsigned: shifted past the width
            } else {
              y[i] = left ? x << s : x >>> s;
            }
          }
          return new Tensor[] {Tensor.ofLongs(y, os)};
        };
    return Built.of(o, DType.INT64);
  }
}
