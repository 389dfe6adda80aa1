package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exmy.dse.SensitivityReport;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.nn.quant.Sensitivity;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sensitivity",
    mixinStandardHelpOptions = true,
    description = {
      "Layer sensitivity: quantizes one linear node at a time (all others float32, the calibration "
          + "shared) and prints, per node, its name, op, MACs per item and how much the metric drops, the most "
          + "sensitive first. This is what decides which layers stay wide (--fp32-layers).",
      "Prints CSV: rank,model,formats,site,node,op,macs,metric,value,drop; -o DIR also writes sensitivity.csv "
          + "and a bar plot (sensitivity.png, .svg)."
    })
final class SensitivityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "An .onnx file, or a reference model: mlp, cnn, vit, bert.")
  String model;

  @Option(
      names = "--data",
      paramLabel = "DATA",
      description = "Test data, as for 'exmy accuracy' (default for a reference model: its data).")
  String data;

  @Option(
      names = "--metric",
      paramLabel = "M",
      description =
          "top1, fidelity (= sqnr), sqnr, cosine, agreement or maxerr (default: top1 when the data have"
              + " labels, else sqnr).")
  String metric;

  @Option(
      names = "--w",
      paramLabel = "FMT",
      defaultValue = "E4M3",
      description = "Weight format (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--limit", paramLabel = "N", description = "Use only the first N test items.")
  Integer limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Also write sensitivity.csv/.png/.svg here.")
  Path output;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads (default: one per processor).")
  Integer threads;

  @Override
  public Integer call() {
    Limits.check("--lanes", lanes, 1, Limits.MAX_LANES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    int nThreads = ModelInputs.threads(threads);
    NumberFormat fw = Formats.parse(w);
    QuantOptions opt =
        ptq.options(fw, a == null ? fw : Formats.parse(a), accumulator.choice(), lanes);
    Metric mt0 = metric == null ? null : Metric.parse(metric);
    Model m = ReferenceModels.load(model);
    String d = ModelInputs.data(data, model, "--data");
    ModelData test = ModelInputs.test(d, m, limit);
    Metric mt = mt0 != null ? mt0 : test.labels() != null ? Metric.TOP1 : Metric.SQNR;
    if (mt == Metric.TOP1 && test.labels() == null) {
      throw new UsageException(
          test.source() + ": no labels (an array y) for --metric top1; use --metric fidelity");
    }
    ModelData rated = mt == Metric.TOP1 ? test : new ModelData(test.inputs(), null);
    var calib = ModelInputs.calibration(ptq, d, m);
    String formats = opt.weights().name() + "/" + opt.activations().name();
    Sensitivity s;
    try (Progress p =
        Progress.start(
            "sensitivity " + ModelInputs.label(model) + " " + formats,
            m.linearSites().size() + 1L)) {
      s = Sensitivity.run(m, rated, calib, opt, mt, nThreads, p::stepTo);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.print(SensitivityReport.csv(ModelInputs.label(model), formats, s));
    o.println(
        String.format(
            Locale.ROOT,
            "# %s: float32 %s, every node quantized %s (%d items)",
            mt.id(),
            SensitivityReport.num(s.fp32()),
            SensitivityReport.num(s.all()),
            test.items()));
    o.flush();
    if (output != null) {
      SensitivityReport.write(output, ModelInputs.label(model), formats, s);
    }
    return 0;
  }
}
