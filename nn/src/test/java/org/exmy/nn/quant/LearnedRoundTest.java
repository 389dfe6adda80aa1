package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LearnedRound} against a reference written from its definition that evaluates the layer
 * error {@code (w - q)^T H (w - q)} directly for every candidate (the grid from decoding every code
 * of the format), and the properties: never worse than round to nearest, and no single move to an
 * adjacent grid point lowers the error at the end.
 */
class LearnedRoundTest {
  static double error(double[] w, double[] q, double[][] h) {
    int k = w.length;
    double e = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        e += (w[i] - q[i]) * h[i][j] * (w[j] - q[j]);
      }
    }
    return e;
  }

  /** The format's finite values, ascending. */
  static double[] values(NumberFormat f) {
    TreeSet<Double> v = new TreeSet<>();
    for (int c = 0; c < f.codeCount(); c++) {
      var x = f.decode(c);
      if (x.isFinite()) {
        v.add(x.toDouble() + 0.0);
      }
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The grid values adjacent to fl32(w) / s, times s (one when on a grid point). */
  static double[] adjacent(double w, float s, double[] vals) {
    double y = (float) w / s;
    double lo = Double.NaN;
    double hi = Double.NaN;
    for (double v : vals) {
      if (v <= y) {
        lo = v;
      }
      if (v >= y && Double.isNaN(hi)) {
        hi = v;
      }
    }
    return new double[] {lo * s, hi * s};
  }

  static double[] reference(double[] w, double[] start, double[][] h, float s, double[] vals) {
    int k = w.length;
    double[] q = start.clone();
    for (int pass = 0; pass < LearnedRound.MAX_PASSES; pass++) {
      boolean changed = false;
      for (int j = 0; j < k; j++) {
        double base = error(w, q, h);
        double best = 0;
        double bestV = q[j];
        for (double c : adjacent(w[j], s, vals)) {
          if (Double.isNaN(c) || c == q[j]) {
            continue;
          }
          double old = q[j];
          q[j] = c;
          double d = error(w, q, h) - base;
          q[j] = old;
          if (d < best) {
            best = d;
            bestV = c;
          }
        }
        if (bestV != q[j]) {
          q[j] = bestV;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
    }
    return q;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E2M1", "E3M2", "E2M3", "E4M3", "INT4", "INT6", "INT8"})
  void matchesTheReferenceAndImprovesOnRoundToNearest(String fmt) {
    NumberFormat f = Formats.parse(fmt);
    FormatQuantizer fq = new FormatQuantizer(f);
    double[] vals = values(f);
    int improved = 0;
    for (int seed = 0; seed < 3; seed++) {
      SplittableRandom r = new SplittableRandom(fmt.hashCode() * 7L + seed);
      int rows = 3;
      int k = 18 + 5 * seed;
      double[][] w = GptqTest.weights(r, rows, k);
      double[][] x = GptqTest.inputs(r, 2 * k, k);
      double[][] h = GptqReference.hessian(x);
      float[] s = GptqTest.scales(w, f);
      double[] fixed = new double[rows * k];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < k; j++) {
          fixed[i * k + j] = fq.fixed((float) w[i][j], s[i]);
        }
      }
      LearnedRound.refine(GptqTest.flat(w), rows, k, GptqTest.flat(h), s, fq, fixed);
      for (int i = 0; i < rows; i++) {
        double[] rtn = new double[k];
        double[] got = new double[k];
        for (int j = 0; j < k; j++) {
          rtn[j] = GptqReference.quant(w[i][j], s[i], f);
          got[j] = Math.scalb(fixed[i * k + j], fq.lsb()) * s[i];
        }
        double[] want = reference(w[i], rtn, h, s[i], vals);
        for (int j = 0; j < k; j++) {
          assertEquals(want[j], got[j], 0, fmt + " seed " + seed + " w[" + i + "][" + j + "]");
        }
        double eGot = error(w[i], got, h);
        double eRtn = error(w[i], rtn, h);
        assertTrue(
            eGot <= eRtn, fmt + " seed " + seed + " row " + i + ": " + eGot + " vs RTN " + eRtn);
        improved += eGot < eRtn ? 1 : 0;
        // a local optimum: no single adjacent move lowers the error
        for (int j = 0; j < k; j++) {
          for (double c : adjacent(w[i][j], s[i], vals)) {
            if (Double.isNaN(c)) {
              continue;
            }
            double old = got[j];
            got[j] = c;
            assertTrue(
                error(w[i], got, h) >= eGot - 1e-9 * eGot,
                fmt + " move of w[" + i + "][" + j + "]");
            got[j] = old;
          }
        }
      }
    }
    assertTrue(improved > 0, fmt + ": no row improved on round to nearest");
  }
}
