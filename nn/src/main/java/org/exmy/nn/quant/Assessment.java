package org.exmy.nn.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.exmy.nn.DType;
import org.exmy.nn.Feeds;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Session;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;

/**
 * A quantized model rated against float32 on the same data: top-1 when the data has labels, and the
 * {@link Fidelity} of every output.
 *
 * @param items the items (images, sentences) run
 * @param top1 top-1 against the labels, or null when the data has none
 * @param fidelity one per graph output, in graph order
 */
public record Assessment(int items, Top1 top1, List<Fidelity> fidelity) {

  /**
   * Top-1 of one output against labels.
   *
   * @param output the output rated: the first whose shape is the labels' shape plus a class axis
   * @param top1 quantized top-1 in percent of the labelled positions
   * @param fp32Top1 float32 top-1 in percent
   * @param agreement percentage of labelled positions where the quantized and float32 arg-max agree
   * @param positions labelled positions (labels below 0 are ignored, e.g. padding)
   * @param fp32Pred the float32 arg-max per position (labels' shape, flattened)
   * @param quantPred the quantized arg-max per position
   */
  public record Top1(
      String output,
      double top1,
      double fp32Top1,
      double agreement,
      long positions,
      int[] fp32Pred,
      int[] quantPred) {}

  /** Runs {@code feeds} through {@code model} with {@code kernels}: every output by name. */
  public static Map<String, Tensor> outputs(
      Model model, LinearKernels kernels, Feeds feeds, int threads, IntConsumer progress) {
    try (Session s = new Session(model, kernels, threads)) {
      return s.runAll(feeds, Session.DEFAULT_CHUNK, progress);
    }
  }

  /** The float32 outputs of {@code feeds}. */
  public static Map<String, Tensor> fp32(
      Model model, Feeds feeds, int threads, IntConsumer progress) {
    return outputs(model, LinearKernels.fp32(), feeds, threads, progress);
  }

  /**
   * Calibrates on {@code calibration}, runs {@code test} in float32 (unless {@code fp32} is given)
   * and quantized, and rates the result.
   *
   * @param fp32 the float32 outputs of {@code test}, or null to compute them
   * @param progress called with work done out of twice the items (float32 pass, then quantized);
   *     may be null
   */
  public static Assessment run(
      Model model,
      ModelData test,
      Feeds calibration,
      QuantOptions options,
      int threads,
      IntConsumer progress,
      Map<String, Tensor> fp32) {
    int n = test.items();
    Map<String, Tensor> ref = fp32 != null ? fp32 : fp32(model, test.inputs(), threads, progress);
    Ptq ptq = Ptq.prepare(model, calibration, options, threads);
    Map<String, Tensor> q =
        outputs(
            model,
            ptq,
            test.inputs(),
            threads,
            progress == null ? null : done -> progress.accept(n + done));
    return of(n, ref, q, test.labels());
  }

  /** Rates given outputs; {@code labels} may be null. */
  public static Assessment of(
      int items, Map<String, Tensor> fp32, Map<String, Tensor> quant, Tensor labels) {
    List<Fidelity> f = new ArrayList<>();
    for (var e : fp32.entrySet()) {
      Tensor q = quant.get(e.getKey());
      if (q == null) {
        throw new NnException("output '" + e.getKey() + "' is missing from the quantized run");
      }
      f.add(Fidelity.of(e.getKey(), e.getValue(), q));
    }
    return new Assessment(items, labels == null ? null : top1(fp32, quant, labels), List.copyOf(f));
  }

  /** The fidelity of one output by name, or null. */
  public Fidelity fidelity(String output) {
    return fidelity.stream().filter(x -> x.output().equals(output)).findFirst().orElse(null);
  }

  /**
   * Top-1 of the first output whose shape is the labels' shape plus a last class axis ({@code [N]}
   * labels rate {@code [N, C]} logits; {@code [N, L]} labels rate {@code [N, L, C]}, per position).
   *
   * @throws NnException when no output fits the labels
   */
  public static Top1 top1(Map<String, Tensor> fp32, Map<String, Tensor> quant, Tensor labels) {
    if (labels.type() != DType.INT64) {
      throw new NnException("labels must be integers, are " + labels);
    }
    int[] ls = labels.shape();
    for (var e : fp32.entrySet()) {
      int[] s = e.getValue().shape();
      if (s.length == ls.length + 1
          && Arrays.equals(Arrays.copyOf(s, ls.length), ls)
          && s[ls.length] >= 1) {
        return top1(e.getKey(), e.getValue(), quant.get(e.getKey()), labels);
      }
    }
    Map<String, String> shapes = new LinkedHashMap<>();
    fp32.forEach((k, v) -> shapes.put(k, Arrays.toString(v.shape())));
    throw new NnException(
        "labels "
            + Arrays.toString(ls)
            + " fit no output (an output of their shape plus a"
            + " class axis); outputs: "
            + shapes
            + "; use --metric fidelity to rate the outputs without labels");
  }

  private static Top1 top1(String name, Tensor ref, Tensor q, Tensor labels) {
    long[] y = labels.longs();
    int classes = ref.dim(ref.rank() - 1);
    float[] r = ref.floats();
    float[] qv = q.floats();
    int[] pf = new int[y.length];
    int[] pq = new int[y.length];
    long counted = 0;
    long okF = 0;
    long okQ = 0;
    long same = 0;
    for (int i = 0; i < y.length; i++) {
      pf[i] = argMax(r, i * classes, classes);
      pq[i] = argMax(qv, i * classes, classes);
      if (y[i] < 0) {
        continue;
      }
      if (y[i] >= classes) {
        throw new NnException(
            "label "
                + y[i]
                + " at position "
                + i
                + " is not below the "
                + classes
                + " classes of output '"
                + name
                + "'");
      }
      counted++;
      okF += pf[i] == y[i] ? 1 : 0;
      okQ += pq[i] == y[i] ? 1 : 0;
      same += pf[i] == pq[i] ? 1 : 0;
    }
    double d = Math.max(1, counted) / 100.0;
    return new Top1(name, okQ / d, okF / d, same / d, counted, pf, pq);
  }

  private static int argMax(float[] v, int from, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[from + j] > v[from + best]) {
        best = j;
      }
    }
    return best;
  }
}
