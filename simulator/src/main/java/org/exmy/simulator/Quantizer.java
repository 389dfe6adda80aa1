package org.exmy.simulator;

import java.util.Objects;
import java.util.SplittableRandom;

/** Accuracy of quantizing a tensor to a format with per-tensor absmax scaling. */
public final class Quantizer {

  private Quantizer() {}

  /**
   * Quantizes {@code data} with one scale {@code s = max|x| / maxFinite} (for integers {@code
   * maxFinite = max()}; {@code s = 1} for an all-zero tensor): {@code q = s * decode(encode(x /
   * s))}, and returns error statistics. The data must be finite.
   */
  public static QuantStats evaluate(NumberFormat f, double[] data, Overflow policy) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(policy, "policy");
    if (data.length == 0) {
      throw new IllegalArgumentException("empty data");
    }
    double absMax = 0;
    for (double x : data) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("data must be finite, got " + x);
      }
      absMax = Math.max(absMax, Math.abs(x));
    }
    double hi;
    double lo;
    if (f instanceof FloatFormat) {
      hi = ((FloatFormat) f).maxFinite().toDouble();
      lo = -hi;
    } else {
      hi = ((IntFormat) f).max();
      lo = ((IntFormat) f).min();
    }
    double scale = absMax == 0 ? 1.0 : absMax / hi;
    double sumSq = 0;
    double sumErr = 0;
    double maxErr = 0;
    int saturated = 0;
    for (double x : data) {
      double y = x / scale;
      if (y > hi || y < lo) {
        saturated++;
      }
      double q = f.decode(f.encode(y, policy)).toDouble() * scale;
      double err = x - q;
      sumSq += x * x;
      sumErr += err * err;
      maxErr = Math.max(maxErr, Math.abs(err));
    }
    double mse = sumErr / data.length;
    double signal = sumSq / data.length;
    double sqnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / mse);
    return new QuantStats(mse, sqnr, maxErr, saturated);
  }

  /** {@code n} deterministic standard normal samples (SplittableRandom(seed) + Box-Muller). */
  public static double[] gaussian(long seed, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i += 2) {
      double u1 = 1.0 - rnd.nextDouble(); // (0, 1]
      double u2 = rnd.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) {
        out[i + 1] = r * Math.sin(2 * Math.PI * u2);
      }
    }
    return out;
  }
}
