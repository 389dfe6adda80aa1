package org.exmy.nn.quant;

import org.exmy.nn.DType;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;

/**
 * How close one quantized output is to its float32 reference, for models without labels
 * (docs/quantization.md "Fidelity metrics"). Sums are in double over every element of the output.
 *
 * @param output the output's name
 * @param sqnrDb {@code 10 log10(Σ ref² / Σ (q − ref)²)}: +∞ when the outputs are equal, −∞ when the
 *     reference is all zero and the quantized output is not
 * @param cosine {@code Σ ref·q / sqrt(Σ ref² · Σ q²)}: 1 when both are all zero, 0 when only one is
 * @param maxAbsError {@code max |q − ref|}
 * @param agreement the percentage of positions whose arg-max along the last axis is the same (the
 *     first maximum counts); for a tensor of rank below 2 or a last axis of length 1 (no choice to
 *     agree on), the percentage of equal elements
 * @param positions the positions compared by {@code agreement}: the element count over the last
 *     axis's length (per image, per token, per time step), or the element count
 * @param nans elements that are NaN in either tensor (left out of every sum)
 */
public record Fidelity(
    String output,
    double sqnrDb,
    double cosine,
    double maxAbsError,
    double agreement,
    long positions,
    long nans) {

  /** Compares {@code quant} with {@code ref}, which must have the same shape. */
  public static Fidelity of(String output, Tensor ref, Tensor quant) {
    if (!java.util.Arrays.equals(ref.shape(), quant.shape())) {
      throw new NnException(
          "output '"
              + output
              + "': quantized shape "
              + java.util.Arrays.toString(quant.shape())
              + " differs from float32 "
              + java.util.Arrays.toString(ref.shape()));
    }
    double[] r = values(ref);
    double[] q = values(quant);
    double rr = 0;
    double qq = 0;
    double rq = 0;
    double ee = 0;
    double max = 0;
    long nans = 0;
    for (int i = 0; i < r.length; i++) {
      if (Double.isNaN(r[i]) || Double.isNaN(q[i])) {
        nans++;
        continue;
      }
      double e = q[i] - r[i];
      rr += r[i] * r[i];
      qq += q[i] * q[i];
      rq += r[i] * q[i];
      ee += e * e;
      max = Math.max(max, Math.abs(e));
    }
    double sqnr = ee == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(rr / ee);
    double cos = rr == 0 && qq == 0 ? 1 : rr == 0 || qq == 0 ? 0 : rq / Math.sqrt(rr * qq);
    int[] s = ref.shape();
    int last = s.length >= 2 ? s[s.length - 1] : 1;
    long positions;
    long same = 0;
    if (last > 1) {
      positions = r.length / last;
      for (int p = 0; p < positions; p++) {
        same += argMax(r, p * last, last) == argMax(q, p * last, last) ? 1 : 0;
      }
    } else {
      positions = r.length;
      for (int i = 0; i < r.length; i++) {
        same += Double.compare(r[i], q[i]) == 0 ? 1 : 0;
      }
    }
    double agreement = positions == 0 ? 100 : 100.0 * same / positions;
    return new Fidelity(output, sqnr, cos, max, agreement, positions, nans);
  }

  /** The index of the first maximum of {@code v[from, from + n)} (NaN is never a maximum). */
  static int argMax(double[] v, int from, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[from + j] > v[from + best]
          || Double.isNaN(v[from + best]) && !Double.isNaN(v[from + j])) {
        best = j;
      }
    }
    return best;
  }

  private static double[] values(Tensor t) {
    double[] d = new double[t.size()];
    if (t.type() == DType.FLOAT) {
      float[] f = t.floats();
      for (int i = 0; i < d.length; i++) {
        d[i] = f[i];
      }
    } else {
      long[] l = t.longs();
      for (int i = 0; i < d.length; i++) {
        d[i] = l[i];
      }
    }
    return d;
  }
}
