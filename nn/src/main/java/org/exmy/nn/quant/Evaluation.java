package org.exmy.nn.quant;

import java.util.function.IntConsumer;
import org.exmy.nn.Model;
import org.exmy.nn.Session;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.Dataset;

/**
 * Top-1 accuracy of a model in float32 and after post-training quantization with the MAC core's
 * exact arithmetic, on the same images.
 *
 * @param images number of test images
 * @param top1 quantized top-1, in percent
 * @param fp32Top1 float32 top-1, in percent
 * @param agreement percentage of images whose quantized prediction equals the float32 one
 * @param labels the test labels
 * @param fp32Pred float32 predictions
 * @param quantPred quantized predictions
 */
public record Evaluation(int images, double top1, double fp32Top1, double agreement, int[] labels, int[] fp32Pred,
    int[] quantPred) {

  /**
   * Calibrates on {@code calibration}, then predicts {@code test} in float32 and quantized.
   *
   * @param progress called with the work done so far, out of twice the test images: the float32
   *     pass, then the quantized one (may be null)
   */
  public static Evaluation run(Model model, Dataset test, Tensor calibration, QuantOptions options, int threads,
      IntConsumer progress) {
    int[] fp32 = fp32Predictions(model, test, threads, progress);
    return run(model, test, calibration, options, threads, progress, fp32);
  }

  /** The float32 predictions of {@code test}. */
  public static int[] fp32Predictions(Model model, Dataset test, int threads, IntConsumer progress) {
    try (Session s = new Session(model, org.exmy.nn.LinearKernels.fp32(), threads)) {
      return s.predict(test.inputs(), progress);
    }
  }

  /** Like {@link #run(Model, Dataset, Tensor, QuantOptions, int, IntConsumer)} with the float32 predictions given. */
  public static Evaluation run(Model model, Dataset test, Tensor calibration, QuantOptions options, int threads,
      IntConsumer progress, int[] fp32) {
    int n = test.size();
    Ptq ptq = Ptq.prepare(model, calibration, options, threads);
    int[] quant;
    try (Session s = new Session(model, ptq, threads)) {
      quant = s.predict(test.inputs(), progress == null ? null : done -> progress.accept(n + done));
    }
    return of(test.labels(), fp32, quant);
  }

  /** The statistics of given predictions. */
  public static Evaluation of(int[] labels, int[] fp32, int[] quant) {
    int n = labels.length;
    int okF = 0;
    int okQ = 0;
    int same = 0;
    for (int i = 0; i < n; i++) {
      okF += fp32[i] == labels[i] ? 1 : 0;
      okQ += quant[i] == labels[i] ? 1 : 0;
      same += fp32[i] == quant[i] ? 1 : 0;
    }
    double d = Math.max(1, n) / 100.0;
    return new Evaluation(n, okQ / d, okF / d, same / d, labels, fp32, quant);
  }
}
