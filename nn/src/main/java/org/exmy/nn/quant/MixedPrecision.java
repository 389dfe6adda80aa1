package org.exmy.nn.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.exmy.nn.Feeds;
import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.Model;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;

/**
 * Per-layer mixed precision under a hardware budget (docs/quantization.md "Mixed precision under a
 * LUT budget"): one candidate format per linear site such that the sum of the sites' costs stays
 * within a budget and the metric is best.
 *
 * <p>The search, in three steps: (1) every site is measured alone in every candidate format (all
 * other sites float32, calibration shared: the layer sensitivities of {@link Sensitivity}); (2) the
 * assignment that minimises the sum of those one-site output noise powers {@code 10^(-SQNR/10)}
 * (SQNR of the outputs against float32, whatever the metric: a smooth, non-negative loss that adds
 * over independent sites, where a one-site top-1 change on a finite test set is mostly noise) under
 * the budget is found exactly by a multiple-choice knapsack (dynamic programming over the cost);
 * (3) it is measured by the metric, and improved greedily by measurement: each round measures the
 * single-site changes that keep the budget and are predicted best, and takes the best one that
 * measures better, until none does or the rounds run out.
 *
 * <p>Sites the options leave in float32 ({@code --fp32-layers}, first/last) stay float32 in every
 * assignment and cost nothing here.
 */
public final class MixedPrecision {
  /** Sums of DP cost buckets beyond this are coarsened (each cost rounded up to a bucket). */
  static final int MAX_BUCKETS = 1 << 20;

  /**
   * A candidate format.
   *
   * @param name its label ({@code E4M3}, {@code INT8/E4M3})
   * @param options the PTQ options quantizing with it
   * @param cost its cost at each linear site (LUTs), by site index
   */
  public record Candidate(String name, QuantOptions options, long[] cost) {
    public Candidate {
      cost = cost.clone();
    }
  }

  /**
   * A format per site and what it gives.
   *
   * @param choice candidate index per site ({@code -1}: the site stays float32)
   * @param cost total cost of the quantized sites
   * @param predicted the output SQNR (dB) predicted from the one-site measurements
   * @param value the measured metric (NaN when not measured)
   */
  public record Assignment(int[] choice, long cost, double predicted, double value) {
    public Assignment {
      choice = choice.clone();
    }

    @Override
    public int[] choice() {
      return choice.clone();
    }
  }

  private final Model model;
  private final ModelData test;
  private final Metric metric;
  private final int threads;
  private final List<Candidate> candidates;
  private final List<Ptq> ptqs = new ArrayList<>();
  private final Map<String, Tensor> ref;
  private final double fp32;
  private final boolean[] quantized;
  private final double[][] single;
  private final double[][] noise;
  private final double[] uniform;

  private MixedPrecision(
      Model model,
      ModelData test,
      Feeds calibration,
      List<Candidate> candidates,
      Metric metric,
      int threads,
      IntConsumer progress) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate formats");
    }
    this.model = model;
    this.test = test;
    this.metric = metric;
    this.threads = threads;
    this.candidates = List.copyOf(candidates);
    int sites = model.linearSites().size();
    for (Candidate c : candidates) {
      if (c.cost().length != sites) {
        throw new IllegalArgumentException(
            c.name() + ": " + c.cost().length + " costs for " + sites + " sites");
      }
    }
    ref = Assessment.fp32(model, test.inputs(), threads, null);
    fp32 = metric.ofFloat32(Assessment.of(test.items(), ref, ref, test.labels()));
    single = new double[sites][candidates.size()];
    noise = new double[sites][candidates.size()];
    uniform = new double[candidates.size()];
    quantized = new boolean[sites];
    int done = 0;
    for (int f = 0; f < candidates.size(); f++) {
      Ptq p = Ptq.prepare(model, calibration, candidates.get(f).options(), threads);
      ptqs.add(p);
      for (int i = 0; i < sites; i++) {
        quantized[i] |= p.quantized(i);
        if (p.quantized(i)) {
          Assessment a = assess(p.only(i));
          single[i][f] = metric.of(a);
          noise[i][f] = Math.pow(10, -Metric.SQNR.of(a) / 10);
        } else {
          single[i][f] = fp32;
        }
        tick(progress, ++done);
      }
      uniform[f] = rate(p);
      tick(progress, ++done);
    }
  }

  /** Steps {@link #study} reports to its progress callback. */
  public static long steps(Model model, int candidates) {
    return (long) candidates * (model.linearSites().size() + 1);
  }

  /**
   * Measures every site alone and every candidate uniformly on {@code test}.
   *
   * @param progress called with the steps done so far, out of {@link #steps}; may be null
   */
  public static MixedPrecision study(
      Model model,
      ModelData test,
      Feeds calibration,
      List<Candidate> candidates,
      Metric metric,
      int threads,
      IntConsumer progress) {
    return new MixedPrecision(model, test, calibration, candidates, metric, threads, progress);
  }

  private static void tick(IntConsumer progress, int done) {
    if (progress != null) {
      progress.accept(done);
    }
  }

  private Assessment assess(LinearKernels kernels) {
    Map<String, Tensor> q = Assessment.outputs(model, kernels, test.inputs(), threads, null);
    return Assessment.of(test.items(), ref, q, test.labels());
  }

  private double rate(LinearKernels kernels) {
    return metric.of(assess(kernels));
  }

  public Metric metric() {
    return metric;
  }

  public List<Candidate> candidates() {
    return candidates;
  }

  /** The metric of float32. */
  public double fp32() {
    return fp32;
  }

  /** The metric with only {@code site} quantized, in candidate {@code f}. */
  public double single(int site, int f) {
    return single[site][f];
  }

  /** True when the options quantize {@code site} (it is not a float32 layer). */
  public boolean quantized(int site) {
    return quantized[site];
  }

  /** Every site in candidate {@code f}, measured. */
  public Assignment uniform(int f) {
    int[] c = new int[quantized.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = quantized[i] ? f : -1;
    }
    return new Assignment(c, cost(c), predict(c), uniform[f]);
  }

  /** The output SQNR (dB) with only {@code site} quantized, in candidate {@code f}. */
  public double singleSqnr(int site, int f) {
    return noise[site][f] == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(noise[site][f]);
  }

  /**
   * The output SQNR (dB) predicted for an assignment: its sites' noise powers {@code 10^(-SQNR/10)}
   * added (the search's objective, whatever the metric).
   */
  public double predict(int[] choice) {
    double l = 0;
    for (int i = 0; i < choice.length; i++) {
      l += choice[i] < 0 ? 0 : noise[i][choice[i]];
    }
    return l <= 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(l);
  }

  /** The total cost of an assignment. */
  public long cost(int[] choice) {
    long c = 0;
    for (int i = 0; i < choice.length; i++) {
      if (choice[i] >= 0) {
        c += candidates.get(choice[i]).cost()[i];
      }
    }
    return c;
  }

  /** The cheapest assignment's cost: each site in its cheapest candidate. */
  public long minimumCost() {
    long c = 0;
    for (int i = 0; i < quantized.length; i++) {
      if (quantized[i]) {
        long m = Long.MAX_VALUE;
        for (Candidate k : candidates) {
          m = Math.min(m, k.cost()[i]);
        }
        c += m;
      }
    }
    return c;
  }

  /**
   * The assignment of least predicted output noise whose cost is at most {@code budget}, by exact
   * dynamic programming over the cost (costs coarsened to at most {@link #MAX_BUCKETS} buckets,
   * rounding each cost up so the budget still holds); not measured.
   *
   * @throws IllegalArgumentException when even the cheapest assignment exceeds the budget
   */
  public Assignment solve(long budget) {
    if (minimumCost() > budget) {
      throw new IllegalArgumentException(
          "budget " + budget + " is below the cheapest assignment's cost, " + minimumCost());
    }
    long unit = Math.max(1, (budget + MAX_BUCKETS - 1) / MAX_BUCKETS);
    int cap = (int) (budget / unit);
    int sites = quantized.length;
    int nf = candidates.size();
    // best[b] = least loss of the sites so far with bucketed cost exactly b
    double[] best = new double[cap + 1];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
    best[0] = 0;
    int[][] pick = new int[sites][];
    for (int i = 0; i < sites; i++) {
      if (!quantized[i]) {
        continue;
      }
      double[] next = new double[cap + 1];
      Arrays.fill(next, Double.POSITIVE_INFINITY);
      int[] p = new int[cap + 1];
      Arrays.fill(p, -1);
      for (int f = 0; f < nf; f++) {
        long cu = (candidates.get(f).cost()[i] + unit - 1) / unit;
        double l = f < 0 ? 0 : noise[i][f];
        for (int b = 0; b + cu <= cap; b++) {
          if (best[b] == Double.POSITIVE_INFINITY) {
            continue;
          }
          int nb = (int) (b + cu);
          double v = best[b] + l;
          if (v < next[nb] || (v == next[nb] && p[nb] >= 0 && cheaper(i, f, p[nb]))) {
            next[nb] = v;
            p[nb] = f;
          }
        }
      }
      best = next;
      pick[i] = p;
    }
    int b = -1;
    for (int k = 0; k <= cap; k++) {
      if (best[k] != Double.POSITIVE_INFINITY && (b < 0 || best[k] < best[b])) {
        b = k;
      }
    }
    if (b < 0) {
      throw new IllegalArgumentException(
          "budget "
              + budget
              + ": no assignment fits after rounding costs to "
              + unit
              + "-LUT buckets");
    }
    int[] choice = new int[sites];
    Arrays.fill(choice, -1);
    for (int i = sites - 1; i >= 0; i--) {
      if (!quantized[i]) {
        continue;
      }
      int f = pick[i][b];
      choice[i] = f;
      b -= (int) ((candidates.get(f).cost()[i] + unit - 1) / unit);
    }
    return new Assignment(choice, cost(choice), predict(choice), Double.NaN);
  }

  private boolean cheaper(int site, int f, int g) {
    return candidates.get(f).cost()[site] < candidates.get(g).cost()[site];
  }

  /** The kernels of an assignment: each site's kernel from its candidate's plan. */
  public LinearKernels kernels(int[] choice) {
    int[] c = choice.clone();
    return site -> {
      int f = c[site.index()];
      // a fresh one-site view per call, so that no plan keeps the kernels of earlier measurements
      return f < 0 ? Fp32Kernel.INSTANCE : ptqs.get(f).only(site.index()).kernelFor(site);
    };
  }

  /** {@code a} measured (each assignment once: a repeated one is answered from memory). */
  public Assignment measure(Assignment a) {
    double v =
        measured.computeIfAbsent(Arrays.toString(a.choice()), k -> rate(kernels(a.choice())));
    return new Assignment(a.choice(), a.cost(), a.predicted(), v);
  }

  private final Map<String, Double> measured = new java.util.HashMap<>();

  /**
   * Greedy refinement by measurement: each round measures the {@code tries} single-site changes of
   * {@code start} that keep the cost within {@code budget} and that are predicted best, and moves
   * to the best of them if it measures better than the current assignment; at most {@code rounds}
   * rounds.
   *
   * @param start a measured assignment
   */
  public Assignment refine(Assignment start, long budget, int rounds, int tries) {
    Assignment cur = Double.isNaN(start.value()) ? measure(start) : start;
    for (int r = 0; r < rounds; r++) {
      List<Assignment> moves = new ArrayList<>();
      int[] c = cur.choice();
      for (int i = 0; i < c.length; i++) {
        if (c[i] < 0) {
          continue;
        }
        for (int f = 0; f < candidates.size(); f++) {
          if (f == c[i]) {
            continue;
          }
          int[] n = c.clone();
          n[i] = f;
          long cost = cost(n);
          if (cost <= budget) {
            moves.add(new Assignment(n, cost, predict(n), Double.NaN));
          }
        }
      }
      moves.sort(
          Comparator.comparingDouble((Assignment a) -> -a.predicted())
              .thenComparingLong(Assignment::cost));
      Assignment bestMove = null;
      for (Assignment m : moves.subList(0, Math.min(tries, moves.size()))) {
        Assignment mm = measure(m);
        if (better(mm, bestMove == null ? cur : bestMove)) {
          bestMove = mm;
        }
      }
      if (bestMove == null) {
        break;
      }
      cur = bestMove;
    }
    return cur;
  }

  /** Higher is better: the metric, negated where lower is better. */
  private double score(double v) {
    return metric.higherIsBetter() ? v : -v;
  }

  /** True when {@code a} measures better than {@code b}, or as good for less cost. */
  public boolean better(Assignment a, Assignment b) {
    double sa = score(a.value());
    double sb = score(b.value());
    return sa > sb || (sa == sb && a.cost() < b.cost());
  }
}
