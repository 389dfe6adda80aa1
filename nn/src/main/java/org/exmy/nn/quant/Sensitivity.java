package org.exmy.nn.quant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;
import org.exmy.nn.Feeds;
import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;

/**
 * Layer sensitivity: each linear site quantized alone (all others float32, the calibration of the
 * full plan shared), rated by a {@link Metric} against float32 (docs/quantization.md "Layer
 * sensitivity").
 *
 * @param metric the metric
 * @param fp32 the metric's value of float32 itself
 * @param all the metric's value with every site quantized
 * @param rows one per linear site, the most sensitive first
 */
public record Sensitivity(Metric metric, double fp32, double all, List<Row> rows) {

  /**
   * One linear site.
   *
   * @param site its index among the model's linear sites
   * @param node the ONNX node's name
   * @param op its operator
   * @param macs multiply-accumulates of the site per item (per image, per sentence)
   * @param value the metric with only this site quantized
   * @param drop how much worse than float32: {@code fp32 - value}, or {@code value - fp32} for a
   *     metric where lower is better; for SQNR (float32: +∞) the value's distance below the best
   *     site's, 0 for the least sensitive
   */
  public record Row(int site, String node, String op, long macs, double value, double drop) {}

  /**
   * Rates every linear site of {@code model} on {@code test}.
   *
   * @param progress called with the sites done so far, out of the site count plus one (the fully
   *     quantized run); may be null
   */
  public static Sensitivity run(
      Model model,
      ModelData test,
      Feeds calibration,
      QuantOptions options,
      Metric metric,
      int threads,
      IntConsumer progress) {
    Map<String, Tensor> ref = Assessment.fp32(model, test.inputs(), threads, null);
    Ptq ptq = Ptq.prepare(model, calibration, options, threads);
    long[] macs = macsPerItem(model, test.inputs());
    List<LinearSite> sites = model.linearSites();
    double fp32 = metric.ofFloat32(Assessment.of(test.items(), ref, ref, test.labels()));
    double[] values = new double[sites.size()];
    for (int i = 0; i < sites.size(); i++) {
      values[i] = rate(model, ptq.only(i), test, ref, metric, threads);
      if (progress != null) {
        progress.accept(i + 1);
      }
    }
    double all = rate(model, ptq, test, ref, metric, threads);
    if (progress != null) {
      progress.accept(sites.size() + 1);
    }
    double best = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      best = Math.max(best, Double.isInfinite(v) ? best : v);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      LinearSite s = sites.get(i);
      double v = values[i];
      double drop =
          Double.isInfinite(fp32)
              ? (Double.isInfinite(v) ? 0 : best - v)
              : metric.higherIsBetter() ? fp32 - v : v - fp32;
      rows.add(new Row(i, s.nodeName(), s.opType(), macs[i], v, drop));
    }
    rows.sort(Comparator.comparingDouble(Row::drop).reversed().thenComparingInt(Row::site));
    return new Sensitivity(metric, fp32, all, List.copyOf(rows));
  }

  private static double rate(
      Model model,
      LinearKernels kernels,
      ModelData test,
      Map<String, Tensor> ref,
      Metric metric,
      int threads) {
    Map<String, Tensor> q = Assessment.outputs(model, kernels, test.inputs(), threads, null);
    return metric.of(Assessment.of(test.items(), ref, q, test.labels()));
  }

  /**
   * Multiply-accumulates of each linear site for one item: the products of a float32 run of the
   * first item, counted ({@code m·k·n} per call).
   */
  public static long[] macsPerItem(Model model, Feeds feeds) {
    AtomicLongArray count = new AtomicLongArray(model.linearSites().size());
    LinearKernels counting =
        site -> {
          LinearKernel inner = Fp32Kernel.INSTANCE;
          return new LinearKernel() {
            @Override
            public void multiply(
                float[] a,
                int aOff,
                float[] b,
                int bOff,
                float[] c,
                int cOff,
                int m,
                int k,
                int n) {
              count.addAndGet(site.index(), (long) m * k * n);
              inner.multiply(a, aOff, b, bOff, c, cOff, m, k, n);
            }
          };
        };
    Assessment.outputs(model, counting, feeds.head(1), 1, null);
    long[] out = new long[count.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = count.get(i);
    }
    return out;
  }
}
