package org.exmy.nn.quant;

/**
 * Learned rounding by greedy flips (a simple, documented stand-in for AdaRound): for each weight
 * row, the rounding that lowers the layer's output error on the calibration inputs, {@code E(q) =
 * (w - q)^T H (w - q)} with the GPTQ Hessian {@code H = 2 X X^T} (undampened), by passes over the
 * columns in order: column j may move to either grid point adjacent to {@code fl32(w_j) / s} (the
 * one below or above; its current point excluded), and moves to the one lowering E most when that
 * lowers E at all; passes repeat until one changes nothing, at most {@link #MAX_PASSES}. E only
 * decreases, so the result is never worse than the starting rounding (round to nearest, or GPTQ's)
 * on the calibration data.
 */
final class LearnedRound {
  /** The most passes over the columns of a row. */
  static final int MAX_PASSES = 10;

  private LearnedRound() {}

  /**
   * Improves {@code fixed} ([rows][k] fixed operands, row-major) of the weight {@code w} in place.
   *
   * @return the number of flips made
   */
  static long refine(
      double[] w, int rows, int k, double[] h, float[] scale, FormatQuantizer q, double[] fixed) {
    double[] grid = q.gridFixed();
    double unit = Math.scalb(1.0, q.lsb());
    long flips = 0;
    double[] e = new double[k];
    double[] g = new double[k];
    for (int r = 0; r < rows; r++) {
      double s = scale[r];
      for (int j = 0; j < k; j++) {
        e[j] = w[r * k + j] - fixed[r * k + j] * unit * s;
      }
      for (int i = 0; i < k; i++) {
        double v = 0;
        for (int j = 0; j < k; j++) {
          v += h[i * k + j] * e[j];
        }
        g[i] = v;
      }
      for (int pass = 0; pass < MAX_PASSES; pass++) {
        boolean changed = false;
        for (int j = 0; j < k; j++) {
          double cur = fixed[r * k + j];
          double y = Math.scalb((double) ((float) w[r * k + j] / scale[r]), -q.lsb());
          int up = lowerBound(grid, y);
          int down = up < grid.length && grid[up] == y ? up : up - 1;
          double best = 0;
          double bestF = cur;
          for (int idx : new int[] {down, up}) {
            if (idx < 0 || idx >= grid.length || grid[idx] == cur) {
              continue;
            }
            double delta = (cur - grid[idx]) * unit * s;
            double d = 2 * delta * g[j] + delta * delta * h[j * k + j];
            if (d < best) {
              best = d;
              bestF = grid[idx];
            }
          }
          if (bestF != cur) {
            double delta = (cur - bestF) * unit * s;
            e[j] += delta;
            for (int i = 0; i < k; i++) {
              g[i] += delta * h[i * k + j];
            }
            fixed[r * k + j] = bestF;
            flips++;
            changed = true;
          }
        }
        if (!changed) {
          break;
        }
      }
    }
    return flips;
  }

  /** The first index whose value is >= y (grid.length when none). */
  private static int lowerBound(double[] grid, double y) {
    int lo = 0;
    int hi = grid.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (grid[mid] < y) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
