package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exmy.mac.AtomicFiles;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Fidelity;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "accuracy", mixinStandardHelpOptions = true,
    description = {"A model after post-training quantization, computed with the MAC core's exact arithmetic, rated "
        + "against its labels (top-1) or against its own float32 outputs (fidelity).",
        "Calibrates activation ranges on float32 runs, quantizes every linear node (weights --w, "
        + "activations --a) and sums each dot product exactly as the generated core does (Kulisch "
        + "accumulator sized for the layer's fan-in, or --acc), all other ops float32. Prints CSV:",
        "--metric top1: model,w,a,top1,fp32_top1,agreement,images;",
        "otherwise one row per output: model,w,a,output,sqnr_db,cosine,max_abs_error,argmax_agreement,positions.",
        "See README 'Quantization semantics' and 'Fidelity metrics'."})
final class AccuracyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "An .onnx file, or a reference model: mlp, cnn, vit (Fashion-MNIST), bert (its own data).")
  String model;

  @Option(names = "--data", paramLabel = "DATA",
      description = "Test data: fashion-mnist (its test split), an IDX folder, x.npy,y.npy, or a .npz with an array"
          + " per model input (labels y, calibration split calib_*) (default for a reference model: its data).")
  String data;

  @Option(names = "--metric", paramLabel = "M", defaultValue = "top1",
      description = "top1 (needs labels), fidelity (= sqnr), sqnr, cosine, agreement or maxerr (default: "
          + "${DEFAULT-VALUE}); every fidelity metric prints all of them.")
  String metric;

  @Option(names = "--w", paramLabel = "FMT", defaultValue = "E4M3", description = "Weight format (default: ${DEFAULT-VALUE}); an MX format (e.g. MXFP4_E2M1) quantizes weights"
          + " and activations in blocks along each product's reduction axis (README 'MX quantization').")
  String w;

  @Option(names = "--a", paramLabel = "FMT", description = "Activation format (default: the same as --w).")
  String a;

  @Mixin PtqOptions ptq = new PtqOptions();

  @Mixin AccumulatorOptions accumulator = new AccumulatorOptions();

  @Option(names = "--lanes", paramLabel = "N", defaultValue = "1",
      description = "Products per cycle of the core (orders a rounding accumulator's additions), 1..256.")
  int lanes;

  @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N test items.")
  Integer limit;

  @Option(names = "--predictions", paramLabel = "FILE",
      description = "Write index,label,fp32_pred,quant_pred for every labelled position to FILE (top1).")
  Path predictions;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per processor).")
  Integer threads;

  @Override
  public Integer call() {
    Limits.check("--lanes", lanes, 1, Limits.MAX_LANES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    Metric mt = Metric.parse(metric);
    int nThreads = ModelInputs.threads(threads);
    QuantOptions opt = options();
    Model m = ReferenceModels.load(model);
    String d = ModelInputs.data(data, model, "--data");
    ModelData test = ModelInputs.test(d, m, limit);
    if (mt == Metric.TOP1 && test.labels() == null) {
      throw new UsageException(test.source() + ": no labels (an array y) for --metric top1; use --metric fidelity");
    }
    ModelData rated = mt == Metric.TOP1 ? test : new ModelData(test.inputs(), null);
    var calib = ModelInputs.calibration(ptq, d, m);
    Assessment as;
    try (Progress p = Progress.start("accuracy " + label() + " " + opt.weightsName() + "/" + opt.activationsName(),
        2L * test.items())) {
      int n = rated.items();
      var ref = Assessment.fp32(m, rated.inputs(), nThreads, p::stepTo);
      long t0 = System.nanoTime();
      org.exmy.nn.quant.Ptq ptq = org.exmy.nn.quant.Ptq.prepare(m, calib, opt, nThreads);
      prepareSeconds = (System.nanoTime() - t0) / 1e9;
      planSeconds = ptq.planSeconds();
      var q = Assessment.outputs(m, ptq, rated.inputs(), nThreads, done -> p.stepTo(n + done));
      as = Assessment.of(n, ref, q, rated.labels());
    }
    PrintWriter o = spec.commandLine().getOut();
    if (mt == Metric.TOP1) {
      o.println("model,w,a,top1,fp32_top1,agreement,images");
      o.println(row(label(), opt, as.top1()));
    } else {
      o.println("model,w,a,output,sqnr_db,cosine,max_abs_error,argmax_agreement,positions");
      for (Fidelity f : as.fidelity()) {
        o.println(String.format(Locale.ROOT, "%s,%s,%s,%s,%.2f,%.6f,%.6g,%.2f,%d", label(), opt.weightsName(),
            opt.activationsName(), f.output(), f.sqnrDb(), f.cosine(), f.maxAbsError(), f.agreement(),
            f.positions()));
      }
    }
    o.flush();
    if (!opt.techniques().equals(QuantOptions.Techniques.NONE)) {
      spec.commandLine().getErr().println(String.format(Locale.ROOT,
          "exmy: %s: calibration + plan %.2f s, of which plan (scales, rounding%s) %.2f s", label(),
          prepareSeconds, opt.techniques().gptq() ? ", GPTQ" : "", planSeconds));
    }
    if (predictions != null) {
      if (as.top1() == null) throw new UsageException("--predictions needs --metric top1");
      writePredictions(predictions, test, as.top1());
    }
    return 0;
  }

  private double prepareSeconds;
  private double planSeconds;

  static String row(String model, QuantOptions opt, Assessment.Top1 t) {
    return String.format(Locale.ROOT, "%s,%s,%s,%.2f,%.2f,%.2f,%d", model, opt.weightsName(),
        opt.activationsName(), t.top1(), t.fp32Top1(), t.agreement(), t.positions());
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
      sb.append(i).append(',').append(y[i]).append(',').append(t.fp32Pred()[i]).append(',')
          .append(t.quantPred()[i]).append('\n');
    }
    try {
      AtomicFiles.write(file, sb.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
