package org.exmy.nn;

import java.util.SplittableRandom;

/** Seeded random test tensors. */
final class Rand {
  private Rand() {}

  /** Normal(0, 1) floats. */
  static Tensor randn(SplittableRandom r, int... shape) {
    float[] f = new float[Tensor.size(shape)];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) gaussian(r);
    }
    return Tensor.of(f, shape);
  }

  /** Uniform floats in [lo, hi). */
  static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
    float[] f = new float[Tensor.size(shape)];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return Tensor.of(f, shape);
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static Tensor longs(long... v) {
    return Tensor.ofLongs(v, v.length);
  }
}
