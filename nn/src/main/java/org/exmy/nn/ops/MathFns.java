package org.exmy.nn.ops;

/** Scalar functions the JDK lacks, or has only slowly. */
public final class MathFns {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  private MathFns() {}

  /**
   * tanh to about 1e-13 relative (far below a float32 ulp), several times faster than {@link
   * Math#tanh} (a software routine on JDK 17, where {@link Math#exp} is an intrinsic): {@code x -
   * x^3/3 + 2x^5/15 - 17x^7/315} below |x| = 2^-6 (next term under 2^-43 relative), else {@code 1 -
   * 2 / (exp(2x) + 1)}; ±1 beyond |x| = 20 (where tanh is 1 to double precision); NaN stays NaN.
   */
  public static double tanh(double x) {
    double ax = Math.abs(x);
    if (ax < 0x1p-6) {
      if (x == 0) {
        return x; // keeps -0
      }
      double x2 = x * x;
      return x + x * x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315)));
    }
    if (ax > 20) {
      return Math.copySign(1.0, x);
    }
    double t = 1 - 2 / (Math.exp(2 * ax) + 1);
    return Math.copySign(t, x); // NaN: exp(NaN) is NaN, and so is t
  }

  /** Grid points of {@link #erf}'s table per unit of x. */
  private static final int ERF_STEPS = 64;

  /** Taylor terms kept per grid point (the next is below 1e-19 on the grid's half-step). */
  private static final int ERF_TERMS = 8;

  /** Per grid point x0 = k/64, 0 <= x0 <= 6: the Taylor coefficients of erf around x0. */
  private static final double[] ERF_TABLE = erfTable();

  /**
   * The error function, to about 1e-13 relative: a table of Taylor expansions around the points
   * k/64 of [0, 6] (erf(x0) from {@link #erfSeries}; the derivatives {@code erf^(n+1)(x0) = (-1)^n
   * H_n(x0) 2/sqrt(pi) exp(-x0^2)} with the Hermite polynomials H_n), evaluated at the nearest
   * point by Horner's rule; ±1 beyond |x| = 6 (erf(6) = 1 - 2e-17); odd; NaN stays NaN.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    if (!(ax < 6)) {
      return Double.isNaN(x) ? x : Math.copySign(1.0, x);
    }
    int k = (int) (ax * ERF_STEPS + 0.5);
    double d = ax - (double) k / ERF_STEPS;
    int o = k * ERF_TERMS;
    double v = ERF_TABLE[o + ERF_TERMS - 1];
    for (int j = ERF_TERMS - 2; j >= 0; j--) {
      v = v * d + ERF_TABLE[o + j];
    }
    return Math.copySign(v, x);
  }

  private static double[] erfTable() {
    int points = 6 * ERF_STEPS + 1;
    double[] t = new double[points * ERF_TERMS];
    for (int k = 0; k < points; k++) {
      double x0 = (double) k / ERF_STEPS;
      double g = TWO_OVER_SQRT_PI * Math.exp(-x0 * x0);
      t[k * ERF_TERMS] = erfSeries(x0);
      double hPrev = 0;
      double h = 1; // H_0
      double fact = 1;
      for (int n = 0; n + 1 < ERF_TERMS; n++) {
        fact *= n + 1; // (n + 1)!
        t[k * ERF_TERMS + n + 1] = ((n & 1) == 0 ? 1 : -1) * h * g / fact;
        double next = 2 * x0 * h - 2 * n * hPrev; // H_{n+1}
        hPrev = h;
        h = next;
      }
    }
    return t;
  }

  /**
   * The error function by its series, to about 1e-13 relative (slow; builds {@link #erf}'s table):
   * the Maclaurin series {@code 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))} below |x| = 2.5,
   * and above it {@code 1 - erfc(x)} with erfc from its continued fraction {@code
   * exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}.
   */
  static double erfSeries(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    if (ax < 2.5) {
      double x2 = x * x;
      double term = x;
      double sum = x;
      for (int n = 1; n < 100; n++) {
        term *= -x2 / n;
        double t = term / (2 * n + 1);
        sum += t;
        if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      return sum * TWO_OVER_SQRT_PI;
    }
    if (ax > 6) {
      return Math.signum(x);
    }
    double k = ax;
    for (int n = 80; n >= 1; n--) {
      k = ax + (n / 2.0) / k;
    }
    double erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * k);
    return Math.copySign(1 - erfc, x);
  }
}
