package org.exmy.nn.quant;

/**
 * GPTQ weight rounding (Frantar et al., 2023) onto a format's grid with fixed per-row scales.
 *
 * <p>For a weight matrix {@code W[rows][k]} (a row per output channel, its {@code k} entries along
 * the reduction axis) and the Hessian {@code H = 2 X X^T} of the layer-wise squared error {@code
 * ||W X - Q X||^2} over the calibration inputs {@code X[k][samples]}:
 *
 * <ol>
 *   <li>dead inputs ({@code H[i][i] = 0}) get {@code H[i][i] = 1} (their column is then rounded to
 *       nearest and its error goes nowhere);
 *   <li>with act-order, the columns are processed in descending {@code H[i][i]} (ties: lower index
 *       first);
 *   <li>dampening: {@code H += lambda * mean(diag H) * I};
 *   <li>{@code U} = the upper Cholesky factor of {@code H^-1} ({@code H^-1 = U^T U});
 *   <li>column by column, in blocks of {@code block} columns: {@code q = Q(w_j)} (round to nearest
 *       on the row's grid, {@link FormatQuantizer#fixed}), {@code e = (w_j - q) / U[j][j]}, the
 *       block's later columns {@code w_l -= e * U[j][l]}; after a block, every later column {@code
 *       W[:, l] -= E * U[block, l]} at once (the lazy batch update; the same values up to rounding
 *       as updating every column at once).
 * </ol>
 *
 * Everything in double; each quantized value is the grid point the MAC operand represents.
 */
final class Gptq {
  private Gptq() {}

  /**
   * The GPTQ fixed-point operands of {@code w} (row-major {@code [rows][k]}, row r's scale {@code
   * scale[r]}).
   *
   * @param h the symmetric {@code k x k} Hessian, row-major (not modified)
   * @return the fixed operands, row-major {@code [rows][k]}; null when the dampened Hessian is not
   *     positive definite
   */
  static double[] quantize(
      double[] w,
      int rows,
      int k,
      double[] h,
      float[] scale,
      FormatQuantizer q,
      double damp,
      int block,
      boolean actOrder) {
    double[] hh = h.clone();
    int[] perm = new int[k];
    for (int i = 0; i < k; i++) {
      perm[i] = i;
      if (hh[i * k + i] == 0) {
        hh[i * k + i] = 1;
      }
    }
    if (actOrder) {
      Integer[] p = new Integer[k];
      for (int i = 0; i < k; i++) {
        p[i] = i;
      }
      double[] d = new double[k];
      for (int i = 0; i < k; i++) {
        d[i] = hh[i * k + i];
      }
      java.util.Arrays.sort(
          p, (x, y) -> d[x] != d[y] ? Double.compare(d[y], d[x]) : Integer.compare(x, y));
      for (int i = 0; i < k; i++) {
        perm[i] = p[i];
      }
    }
    // permuted H and W
    double[] hp = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        hp[i * k + j] = hh[perm[i] * k + perm[j]];
      }
    }
    double mean = 0;
    for (int i = 0; i < k; i++) {
      mean += hp[i * k + i];
    }
    mean /= k;
    for (int i = 0; i < k; i++) {
      hp[i * k + i] += damp * mean;
    }
    double[] u = upperCholeskyOfInverse(hp, k);
    if (u == null) {
      return null;
    }
    double[] wp = new double[rows * k];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < k; j++) {
        wp[r * k + j] = w[r * k + perm[j]];
      }
    }
    double[] fixed = new double[rows * k];
    double lsbScale = Math.scalb(1.0, q.lsb());
    int b = Math.max(1, block);
    double[] err = new double[rows * b];
    for (int i1 = 0; i1 < k; i1 += b) {
      int i2 = Math.min(k, i1 + b);
      int nb = i2 - i1;
      for (int j = i1; j < i2; j++) {
        double d = u[j * k + j];
        for (int r = 0; r < rows; r++) {
          double x = wp[r * k + j];
          double f = q.fixed((float) x, scale[r]);
          fixed[r * k + perm[j]] = f;
          double e = (x - f * lsbScale * scale[r]) / d;
          err[r * b + (j - i1)] = e;
          for (int l = j + 1; l < i2; l++) {
            wp[r * k + l] -= e * u[j * k + l];
          }
        }
      }
      // lazy batch update of the columns after the block
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < nb; t++) {
          double e = err[r * b + t];
          if (e == 0) {
            continue;
          }
          int row = (i1 + t) * k;
          for (int l = i2; l < k; l++) {
            wp[r * k + l] -= e * u[row + l];
          }
        }
      }
    }
    return fixed;
  }

  /**
   * The upper triangular U with {@code A^-1 = U^T U} for a symmetric positive definite {@code A}
   * (row-major k x k), or null when A is not positive definite: L = chol(A), {@code A^-1 = L^-T
   * L^-1}, then U = chol(A^-1)^T.
   */
  static double[] upperCholeskyOfInverse(double[] a, int k) {
    double[] l = cholesky(a, k);
    if (l == null) {
      return null;
    }
    // L^-1 (lower triangular), by forward substitution column by column
    double[] li = new double[k * k];
    for (int c = 0; c < k; c++) {
      li[c * k + c] = 1 / l[c * k + c];
      for (int i = c + 1; i < k; i++) {
        double s = 0;
        for (int t = c; t < i; t++) {
          s += l[i * k + t] * li[t * k + c];
        }
        li[i * k + c] = -s / l[i * k + i];
      }
    }
    // A^-1 = L^-T L^-1: (i, j) = sum over t >= max(i, j) of li[t][i] * li[t][j]
    double[] inv = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = i; t < k; t++) {
          s += li[t * k + i] * li[t * k + j];
        }
        inv[i * k + j] = s;
        inv[j * k + i] = s;
      }
    }
    double[] l2 = cholesky(inv, k);
    if (l2 == null) {
      return null;
    }
    double[] u = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        u[j * k + i] = l2[i * k + j];
      }
    }
    return u;
  }

  /** The lower Cholesky factor of a symmetric positive definite matrix, or null. */
  static double[] cholesky(double[] a, int k) {
    double[] l = new double[k * k];
    for (int j = 0; j < k; j++) {
      double s = a[j * k + j];
      for (int t = 0; t < j; t++) {
        s -= l[j * k + t] * l[j * k + t];
      }
      if (!(s > 0)) {
        return null;
      }
      double d = Math.sqrt(s);
      l[j * k + j] = d;
      for (int i = j + 1; i < k; i++) {
        double v = a[i * k + j];
        for (int t = 0; t < j; t++) {
          v -= l[i * k + t] * l[j * k + t];
        }
        l[i * k + j] = v / d;
      }
    }
    return l;
  }
}
