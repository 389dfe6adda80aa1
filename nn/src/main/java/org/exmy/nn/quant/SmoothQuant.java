package org.exmy.nn.quant;

import org.exmy.nn.LinearSite;

/**
 * SmoothQuant activation equalization (Xiao et al., 2023) of one linear node with a constant
 * weight: per reduction index j, {@code sigma_j = fl32(max|X_j|^alpha / max|W_j|^(1-alpha))} (in
 * double; 1 when either maximum is 0), the activation entering the quantizer is {@code fl32(x_j /
 * sigma_j)} and the weight {@code fl32(w_cj * sigma_j)}, so that in exact arithmetic the product is
 * unchanged. {@code max|X_j|} is over the float32 calibration pass, {@code max|W_j|} over the
 * output channels.
 */
public final class SmoothQuant {
  private SmoothQuant() {}

  /** The reduction index of flat weight index {@code i} (canonical layout). */
  static int kOf(LinearSite site, int i) {
    int cols = site.weight().dim(-1);
    return site.weightChannelAxis() == 0 ? i % cols : (i / cols) % site.weight().dim(-2);
  }

  /**
   * The factors {@code sigma_j} from the activation maxima {@code maxX[j]} and the weight maxima
   * {@code maxW[j]}.
   */
  public static float[] factors(float[] maxX, float[] maxW, double alpha) {
    float[] s = new float[maxX.length];
    for (int j = 0; j < s.length; j++) {
      double v = Math.pow(maxX[j], alpha) / Math.pow(maxW[j], 1 - alpha);
      s[j] = maxX[j] > 0 && maxW[j] > 0 && Double.isFinite(v) && (float) v > 0 ? (float) v : 1f;
    }
    return s;
  }

  /** max over the output channels of |w| per reduction index. */
  static float[] weightMax(LinearSite site, float[] w) {
    float[] m = new float[site.k()];
    for (int i = 0; i < w.length; i++) {
      int j = kOf(site, i);
      m[j] = Math.max(m[j], Math.abs(w[i]));
    }
    return m;
  }

  /** {@code fl32(w * sigma_j)} for every weight. */
  static float[] scaleWeights(LinearSite site, float[] w, float[] sigma) {
    float[] out = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i] * sigma[kOf(site, i)];
    }
    return out;
  }

  /** The absmax of the smoothed activation: max over j of fl32(maxX[j] / sigma_j). */
  static float range(float[] maxX, float[] sigma) {
    float m = 0;
    for (int j = 0; j < maxX.length; j++) {
      m = Math.max(m, maxX[j] / sigma[j]);
    }
    return m;
  }
}
