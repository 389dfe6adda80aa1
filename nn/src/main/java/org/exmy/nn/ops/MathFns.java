package org.exmy.nn.ops;

/** Scalar functions the JDK lacks. */
public final class MathFns {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  private MathFns() {}

  /**
   * The error function, to about 1e-13 relative: the Maclaurin series {@code 2/sqrt(pi) * sum
   * (-1)^n x^(2n+1) / (n! (2n+1))} below |x| = 2.5, and above it {@code 1 - erfc(x)} with erfc from
   * its continued fraction {@code exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}.
   */
  public static double erf(double x) {
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
