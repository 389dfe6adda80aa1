package org.exmy.nn.quant;

import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;

/**
 * GPTQ written from the paper's text (Frantar et al., "GPTQ", sections 2-3), unblocked and in
 * double, without Cholesky: the columns are quantized one at a time in the chosen order; after
 * quantizing column q, every not yet quantized weight of the row moves by {@code delta_F = -(w_q -
 * quant(w_q)) / [H_F^-1]_qq * (H_F^-1)_{:,q}} (the OBS update) and the inverse Hessian of the
 * remaining weights is updated by Gaussian elimination of row and column q, {@code H^-1 -
 * H^-1_{:,q} H^-1_{q,:} / [H^-1]_qq} (equation 3). H is dampened first ({@code + lambda * mean(diag
 * H)}), and dead inputs ({@code H_ii = 0}) get {@code H_ii = 1}. The inverse is by Gauss-Jordan
 * elimination. Quantization: {@code decode(encode(fl32(fl32(w) / s)))} with the format's encoder.
 */
public final class GptqReference {
  private GptqReference() {}

  /** The largest value absmax maps onto. */
  public static double maxValue(NumberFormat f) {
    return f instanceof FloatFormat ff ? ff.maxFinite().toDouble() : ((IntFormat) f).max();
  }

  /** The quantized value of w on the grid of scale s. */
  public static double quant(double w, float s, NumberFormat f) {
    float x = (float) w;
    return f.decode(f.encode((double) (x / s), Overflow.SATURATE)).toDouble() * s;
  }

  /**
   * The GPTQ values of {@code w[rows][k]}, row r at scale {@code s[r]}, for the Hessian {@code
   * h[k][k]}; {@code actOrder}: columns in descending diag H (ties: lower index first).
   */
  public static double[][] gptq(
      double[][] w, double[][] h, float[] s, NumberFormat f, double damp, boolean actOrder) {
    int k = h.length;
    double[][] hh = new double[k][];
    for (int i = 0; i < k; i++) {
      hh[i] = h[i].clone();
      if (hh[i][i] == 0) {
        hh[i][i] = 1;
      }
    }
    double mean = 0;
    for (int i = 0; i < k; i++) {
      mean += hh[i][i];
    }
    mean /= k;
    Integer[] order = new Integer[k];
    for (int i = 0; i < k; i++) {
      order[i] = i;
      hh[i][i] += damp * mean;
    }
    if (actOrder) {
      double[][] hf = hh;
      // diag before dampening orders the same as after (the same constant is added)
      java.util.Arrays.sort(
          order,
          (x, y) ->
              hf[x][x] != hf[y][y] ? Double.compare(hf[y][y], hf[x][x]) : Integer.compare(x, y));
    }
    double[][] inv0 = inverse(hh);
    double[][] out = new double[w.length][k];
    for (int r = 0; r < w.length; r++) {
      double[] row = w[r].clone();
      double[][] inv = new double[k][];
      for (int i = 0; i < k; i++) {
        inv[i] = inv0[i].clone();
      }
      boolean[] done = new boolean[k];
      for (int step = 0; step < k; step++) {
        int q = order[step];
        double qv = quant(row[q], s[r], f);
        out[r][q] = qv;
        double d = inv[q][q];
        double e = (row[q] - qv) / d;
        for (int j = 0; j < k; j++) {
          if (!done[j] && j != q) {
            row[j] -= e * inv[j][q];
          }
        }
        row[q] = qv;
        done[q] = true;
        double[][] next = new double[k][k];
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            next[i][j] = done[i] || done[j] ? 0 : inv[i][j] - inv[i][q] * inv[q][j] / d;
          }
        }
        inv = next;
      }
    }
    return out;
  }

  /** Gauss-Jordan inverse with partial pivoting. */
  public static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(m[i][c]) > Math.abs(m[p][c])) {
          p = i;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      double piv = m[c][c];
      for (int j = 0; j < 2 * n; j++) {
        m[c][j] /= piv;
      }
      for (int i = 0; i < n; i++) {
        if (i != c && m[i][c] != 0) {
          double fct = m[i][c];
          for (int j = 0; j < 2 * n; j++) {
            m[i][j] -= fct * m[c][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  /** 2 X X^T of samples {@code x[samples][k]}. */
  public static double[][] hessian(double[][] x) {
    int k = x[0].length;
    double[][] h = new double[k][k];
    for (double[] v : x) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          h[i][j] += 2 * v[i] * v[j];
        }
      }
    }
    return h;
  }
}
