package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exmy.mac.AtomicFiles;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Session;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.Dataset;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.quant.Evaluation;
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
    description = {"Top-1 of a model after post-training quantization, computed with the MAC core's exact arithmetic.",
        "Calibrates activation ranges on float32 runs, quantizes every Conv/Gemm/MatMul (weights --w, "
        + "activations --a) and sums each dot product exactly as the generated core does (Kulisch "
        + "accumulator sized for the layer's fan-in, or --acc), all other ops float32. Prints CSV:",
        "model,w,a,top1,fp32_top1,agreement,images. See README 'Quantization semantics'."})
final class AccuracyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "An .onnx file, or a reference model: mlp, cnn, vit (Fashion-MNIST).")
  String model;

  @Option(names = "--data", paramLabel = "DATA", defaultValue = "fashion-mnist",
      description = "Test data: fashion-mnist (its test split), an IDX folder, a .npz (x, y) or x.npy,y.npy"
          + " (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--w", paramLabel = "FMT", defaultValue = "E4M3", description = "Weight format (default: ${DEFAULT-VALUE}).")
  String w;

  @Option(names = "--a", paramLabel = "FMT", description = "Activation format (default: the same as --w).")
  String a;

  @Mixin PtqOptions ptq = new PtqOptions();

  @Mixin AccumulatorOptions accumulator = new AccumulatorOptions();

  @Option(names = "--lanes", paramLabel = "N", defaultValue = "1",
      description = "Products per cycle of the core (orders a rounding accumulator's additions), 1..256.")
  int lanes;

  @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N test images.")
  Integer limit;

  @Option(names = "--predictions", paramLabel = "FILE",
      description = "Write index,label,fp32_pred,quant_pred for every image to FILE.")
  Path predictions;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per processor).")
  Integer threads;

  @Override
  public Integer call() {
    Limits.check("--lanes", lanes, 1, Limits.MAX_LANES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : (int) Limits.check("--threads", threads, 1, 256);
    QuantOptions opt = options();
    Model m = ReferenceModels.load(model);
    Dataset test = Datasets.load(data, Datasets.Split.TEST);
    if (limit != null && limit < test.size()) test = test.head(limit);
    Dataset cal = calibration();
    test.checkFits(m.inputs().get(0));
    cal.checkFits(m.inputs().get(0));
    try (Session s = Session.fp32(m)) {
      test.checkClasses(s.classes(test.inputs()));
    }
    Tensor calImages = cal.head(Math.min(ptq.calibImages, cal.size())).inputs();
    Evaluation ev;
    try (Progress p = Progress.start("accuracy " + label() + " " + opt.weights().name() + "/" + opt.activations().name(),
        2L * test.size())) {
      ev = Evaluation.run(m, test, calImages, opt, nThreads, p::stepTo);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("model,w,a,top1,fp32_top1,agreement,images");
    o.println(row(label(), opt, ev));
    o.flush();
    if (predictions != null) writePredictions(predictions, ev);
    return 0;
  }

  static String row(String model, QuantOptions opt, Evaluation ev) {
    return String.format(Locale.ROOT, "%s,%s,%s,%.2f,%.2f,%.2f,%d", model, opt.weights().name(),
        opt.activations().name(), ev.top1(), ev.fp32Top1(), ev.agreement(), ev.images());
  }

  private String label() {
    return ReferenceModels.isName(model) ? model.toLowerCase(Locale.ROOT) : Path.of(model).getFileName().toString();
  }

  QuantOptions options() {
    NumberFormat fw = Formats.parse(w);
    return ptq.options(fw, a == null ? fw : Formats.parse(a), accumulator.choice(), lanes);
  }

  /** --calib-data; else the training split of --data; else --data. */
  private Dataset calibration() {
    String spec = ptq.calibData != null ? ptq.calibData : data;
    try {
      return Datasets.load(spec, Datasets.Split.TRAIN);
    } catch (org.exmy.nn.data.DataFormatException e) {
      if (ptq.calibData != null || !e.getMessage().contains("no train-")) throw e;
      return Datasets.load(spec, Datasets.Split.TEST);
    }
  }

  private static void writePredictions(Path file, Evaluation ev) {
    StringBuilder sb = new StringBuilder("index,label,fp32_pred,quant_pred\n");
    for (int i = 0; i < ev.images(); i++) {
      sb.append(i).append(',').append(ev.labels()[i]).append(',').append(ev.fp32Pred()[i]).append(',')
          .append(ev.quantPred()[i]).append('\n');
    }
    try {
      AtomicFiles.write(file, sb.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
