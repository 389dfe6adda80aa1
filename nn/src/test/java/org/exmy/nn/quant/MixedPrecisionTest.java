package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MixedPrecisionTest {
  private static final String[] FORMATS = {"INT3", "INT5", "E4M3"};

  /** Made-up core LUTs per format; a site's cost is the core's LUTs times (site + 1) units. */
  private static final long[] CORE_LUTS = {26, 41, 141};

  private static Model cnn;
  private static Feeds x;
  private static MixedPrecision study;

  @BeforeAll
  static void measure() {
    cnn = ReferenceModels.load("cnn");
    Random r = new Random(5);
    float[] v = new float[24 * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    x = Feeds.of("random", cnn.inputs().get(0).name(), Tensor.of(v, 24, 1, 28, 28));
    List<MixedPrecision.Candidate> c = new ArrayList<>();
    for (int f = 0; f < FORMATS.length; f++) {
      long[] cost = new long[4];
      for (int i = 0; i < 4; i++) {
        cost[i] = CORE_LUTS[f] * (i + 1);
      }
      var fmt = Formats.parse(FORMATS[f]);
      c.add(new MixedPrecision.Candidate(FORMATS[f], QuantOptions.of(fmt, fmt), cost));
    }
    study = MixedPrecision.study(cnn, new ModelData(x, null), x, c, Metric.SQNR, 1, null);
  }

  /** Every assignment of the 3 formats to the CNN's 4 sites (81), by brute force. */
  private static List<int[]> all() {
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < 81; k++) {
      int[] c = new int[4];
      for (int i = 0, m = k; i < 4; i++, m /= 3) {
        c[i] = m % 3;
      }
      out.add(c);
    }
    return out;
  }

  /** The SQNR predicted from one-site measurements: the noise powers 10^(-SQNR/10) added. */
  private static double predicted(int[] c) {
    double noise = 0;
    for (int i = 0; i < c.length; i++) {
      noise += Math.pow(10, -study.singleSqnr(i, c[i]) / 10);
      assertEquals(
          study.single(i, c[i]), study.singleSqnr(i, c[i]), 0.0); // the metric is SQNR here
    }
    return -10 * Math.log10(noise);
  }

  private static long cost(int[] c) {
    long s = 0;
    for (int i = 0; i < c.length; i++) {
      s += CORE_LUTS[c[i]] * (i + 1);
    }
    return s;
  }

  @Test
  void theKnapsackFindsTheBestPredictedAssignmentUnderEveryBudget() {
    for (long budget : new long[] {260, 300, 400, 500, 700, 900, 1200, 1410}) {
      double best = Double.NEGATIVE_INFINITY;
      for (int[] c : all()) {
        if (cost(c) <= budget) {
          best = Math.max(best, predicted(c));
        }
      }
      MixedPrecision.Assignment a = study.solve(budget);
      assertTrue(a.cost() <= budget, budget + ": cost " + a.cost());
      assertEquals(cost(a.choice()), a.cost());
      assertEquals(best, a.predicted(), 1e-9 * Math.abs(best), "budget " + budget);
      assertEquals(predicted(a.choice()), a.predicted(), 1e-9 * Math.abs(best));
    }
  }

  @Test
  void aBudgetBelowTheCheapestAssignmentIsRefused() {
    assertEquals(26 * 10, study.minimumCost());
    assertThrows(IllegalArgumentException.class, () -> study.solve(259));
  }

  /** The composed per-site kernels of a uniform assignment compute what the full plan computes. */
  @Test
  void composedKernelsOfAUniformAssignmentEqualTheFullPlan() {
    var ref = Assessment.fp32(cnn, x, 1, null);
    for (int f = 0; f < FORMATS.length; f++) {
      var fmt = Formats.parse(FORMATS[f]);
      Ptq ptq = Ptq.prepare(cnn, x, QuantOptions.of(fmt, fmt), 1);
      Map<String, Tensor> full = Assessment.outputs(cnn, ptq, x, 1, null);
      double expected = Metric.SQNR.of(Assessment.of(24, ref, full, null));
      MixedPrecision.Assignment u = study.uniform(f);
      assertEquals(expected, u.value(), 0.0, FORMATS[f]);
      assertEquals(expected, study.measure(u).value(), 0.0, FORMATS[f]);
    }
  }

  /**
   * Refinement never returns something that measures worse than where it started, nor over budget.
   */
  @Test
  void refinementKeepsTheBudgetAndNeverMeasuresWorse() {
    long budget = 700;
    MixedPrecision.Assignment start = study.measure(study.solve(budget));
    MixedPrecision.Assignment r = study.refine(start, budget, 2, 3);
    assertTrue(r.cost() <= budget);
    assertTrue(r.value() >= start.value(), r.value() + " < " + start.value());
    assertEquals(cost(r.choice()), r.cost());
  }
}
