package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exmy.base.AtomicWrite;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Fidelity;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "accuracy",
    mixinStandardHelpOptions = true,
    description = {
      "A model after post-training quantization, computed with the MAC core's exact arithmetic, rated "
          + "against its labels (top-1) or against its own float32 outputs (fidelity).",
      "Calibrates activation ranges on float32 runs, quantizes every linear node (weights --w, "
          + "activations --a) and sums each dot product exactly as the generated core does (Kulisch "
          + "accumulator sized for the layer's fan-in, or --acc), all other ops float32. Prints CSV:",
      "--metric top1: model,w,a,top1,fp32_top1,agreement,images;",
      "otherwise one row per output: model,w,a,output,sqnr_db,cosine,max_abs_error,argmax_agreement,positions.",
      "See docs/quantization.md 'Quantization semantics' and 'Fidelity metrics'."
    })
final class AccuracyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "An .onnx file, or a reference model: mlp, cnn, vit (Fashion-MNIST), bert (its own data).")
  String model;

  @Option(
      names = "--data",
      paramLabel = "DATA",
      description =
          "Test data: fashion-mnist (its test split), an IDX folder, x.npy,y.npy, or a .npz with an array"
              + " per model input (labels y, calibration split calib_*) (default for a reference model: its data).")
  String data;

  @Option(
      names = "--metric",
      paramLabel = "M",
      defaultValue = "top1",
      description =
          "top1 (needs labels), fidelity (= sqnr), sqnr, cosine, agreement or maxerr (default: "
              + "${DEFAULT-VALUE}); every fidelity metric prints all of them.")
  String metric;

  @Option(
      names = "--w",
      paramLabel = "FMT",
      defaultValue = "E4M3",
      description =
          "Weight format (default: ${DEFAULT-VALUE}); an MX format (e.g. MXFP4_E2M1) quantizes weights"
              + " and activations in blocks along each product's reduction axis (docs/quantization.md 'MX quantization').")
  String w;

  @Option(
      names = "--a",
      paramLabel = "FMT",
      description = "Activation format (default: the same as --w).")
  String a;

  @Mixin PtqOptions ptq = new PtqOptions();

  @Mixin AccumulatorOptions accumulator = new AccumulatorOptions();

  @Option(
      names = "--lanes",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Products per cycle of the core (orders a rounding accumulator's additions), 1..256.")
  int lanes;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Evaluate only the first N test items.")
  Integer limit;

  @Option(
      names = "--predictions",
      paramLabel = "FILE",
      description =
          "Write index,label,fp32_pred,quant_pred for every labelled position to FILE (top1).")
  Path predictions;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads (default: one per processor).")
  Integer threads;

  @Option(
      names = "--as-quantized",
      description =
          "Run the quantization a QONNX model carries instead of PTQ: every"
              + " Conv/Gemm/MatMul whose two inputs come from Quant/BipolarQuant/Trunc/FloatQuant nodes summed by the MAC"
              + " arithmetic of the formats they denote (exact, or --acc), everything else float32; w,a print as 'qonnx'"
              + " (docs/models.md 'Models quantized elsewhere').")
  boolean asQuantized;

  @Option(
      names = "--export-qonnx",
      paramLabel = "OUT.onnx",
      description =
          "Also write the PTQ result as QONNX: a FloatQuant (minifloat) or Quant (integer) node with the"
              + " plan's scale in front of each input of every quantized linear node.")
  Path exportQonnx;

  @Override
  public Integer call() {
    Limits.check("--lanes", lanes, 1, Limits.MAX_LANES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    Metric mt = Metric.parse(metric);
    int nThreads = ModelInputs.threads(threads);
    if (asQuantized) {
      return QonnxRun.accuracy(this, mt, nThreads);
    }
    QuantOptions opt = options();
    usedOptions = opt;
    byte[] bytes = ReferenceModels.bytes(model);
    Model m = org.exmy.nn.onnx.OnnxLoader.load(bytes, ReferenceModels.source(model));
    String d = ModelInputs.data(data, model, "--data");
    ModelData test = ModelInputs.test(d, m, limit);
    if (mt == Metric.TOP1 && test.labels() == null) {
      throw new UsageException(
          test.source() + ": no labels (an array y) for --metric top1; use --metric fidelity");
    }
    ModelData rated = mt == Metric.TOP1 ? test : new ModelData(test.inputs(), null);
    var calib = ModelInputs.calibration(ptq, d, m);
    Assessment as;
    try (Progress p =
        Progress.start(
            "accuracy " + label() + " " + opt.weightsName() + "/" + opt.activationsName(),
            2L * test.items())) {
      if (exportQonnx == null) {
        int n = rated.items();
        var ref = Assessment.fp32(m, rated.inputs(), nThreads, p::stepTo);
        long t0 = System.nanoTime();
        org.exmy.nn.quant.Ptq ptq = org.exmy.nn.quant.Ptq.prepare(m, calib, opt, nThreads);
        prepareSeconds = (System.nanoTime() - t0) / 1e9;
        planSeconds = ptq.planSeconds();
        accAwareSummary = ptq.accumulatorAwareSummary();
        var q = Assessment.outputs(m, ptq, rated.inputs(), nThreads, done -> p.stepTo(n + done));
        as = Assessment.of(n, ref, q, rated.labels());
      } else {
        as = QonnxRun.runAndExport(m, bytes, rated, calib, opt, nThreads, p::stepTo, exportQonnx);
      }
    }
    report(mt, as, test, opt.weightsName(), opt.activationsName());
    return 0;
  }

  /** Prints the rating (CSV) and writes --predictions; {@code w}, {@code a} name the formats. */
  void report(Metric mt, Assessment as, ModelData test, String w, String a) {
    PrintWriter o = spec.commandLine().getOut();
    if (mt == Metric.TOP1) {
      o.println("model,w,a,top1,fp32_top1,agreement,images");
      Assessment.Top1 t = as.top1();
      o.println(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%.2f,%.2f,%.2f,%d",
              label(),
              w,
              a,
              t.top1(),
              t.fp32Top1(),
              t.agreement(),
              t.positions()));
    } else {
      o.println("model,w,a,output,sqnr_db,cosine,max_abs_error,argmax_agreement,positions");
      for (Fidelity f : as.fidelity()) {
        o.println(
            String.format(
                Locale.ROOT,
                "%s,%s,%s,%s,%.2f,%.6f,%.6g,%.2f,%d",
                label(),
                w,
                a,
                f.output(),
                f.sqnrDb(),
                f.cosine(),
                f.maxAbsError(),
                f.agreement(),
                f.positions()));
      }
    }
    o.flush();
    QuantOptions opt = usedOptions;
    if (opt != null && !opt.techniques().equals(QuantOptions.Techniques.NONE)) {
      spec.commandLine()
          .getErr()
          .println(
              String.format(
                  Locale.ROOT,
                  "exmy: %s: calibration + plan %.2f s, of which plan (scales, rounding%s) %.2f s",
                  label(),
                  prepareSeconds,
                  opt.techniques().gptq() ? ", GPTQ" : "",
                  planSeconds));
      if (accAwareSummary != null) {
        spec.commandLine().getErr().println("exmy: " + label() + ": " + accAwareSummary);
      }
    }
    if (predictions != null) {
      if (as.top1() == null) throw new UsageException("--predictions needs --metric top1");
      writePredictions(predictions, test, as.top1());
    }
  }

  private double prepareSeconds;

  /** The PTQ options of the run (null: the model's own quantization, --as-quantized). */
  private QuantOptions usedOptions;

  private double planSeconds;
  private String accAwareSummary;

  static String row(String model, QuantOptions opt, Assessment.Top1 t) {
    return String.format(
        Locale.ROOT,
        "%s,%s,%s,%.2f,%.2f,%.2f,%d",
        model,
        opt.weightsName(),
        opt.activationsName(),
        t.top1(),
        t.fp32Top1(),
        t.agreement(),
        t.positions());
  }

  private String label() {
    return ModelInputs.label(model);
  }

  QuantOptions options() {
    return ptq.options(w, a, accumulator.choice(), lanes);
  }

  private static void writePredictions(Path file, ModelData test, Assessment.Top1 t) {
    long[] y = test.labels().longs();
    StringBuilder sb = new StringBuilder("index,label,fp32_pred,quant_pred\n");
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0) continue;
      sb.append(i)
          .append(',')
          .append(y[i])
          .append(',')
          .append(t.fp32Pred()[i])
          .append(',')
          .append(t.quantPred()[i])
          .append('\n');
    }
    try {
      AtomicWrite.write(file, sb.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
