package org.exmy.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.exmy.base.AtomicWrite;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.data.NpzWriter;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Inference of any model: float32, or quantized with the MAC core's exact arithmetic (--w).",
      "Reads a .npz whose arrays are named after the model's inputs (float32/float16/float64, int64/int32/"
          + "int16/int8, uint8/16/32, bool; the items along dimension 0; batch and sequence dimensions bound from"
          + " the data) and writes every graph output under its name to OUT.npz (float32 or int64). With --w, "
          + "calibrates on --calib-data (default: the data's calib_* arrays, else the inputs themselves) and "
          + "quantizes every linear node as 'exmy accuracy' does."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "An .onnx file, or a reference model: mlp, cnn, vit, bert.")
  String model;

  @Option(
      names = "--inputs",
      paramLabel = "DATA",
      description =
          "The inputs: a .npz (an array per input name; labels y and calib_* arrays are ignored), or "
              + "fashion-mnist / an IDX folder for a one-input model (default for a reference model: its data).")
  String inputs;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT.npz",
      required = true,
      description = "Where to write the outputs (replaced at once when done).")
  Path output;

  @Option(
      names = "--w",
      paramLabel = "FMT",
      description = "Weight format; without it the run is float32.")
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

  @Option(names = "--limit", paramLabel = "N", description = "Run only the first N items.")
  Integer limit;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads (default: one per processor).")
  Integer threads;

  @Option(
      names = "--as-quantized",
      description =
          "Run the quantization a QONNX model carries: every Conv/Gemm/MatMul"
              + " whose two inputs come from QONNX quantization nodes summed by the MAC arithmetic of their formats (exact,"
              + " or --acc), everything else float32.")
  boolean asQuantized;

  @Override
  public Integer call() {
    Limits.check("--lanes", lanes, 1, Limits.MAX_LANES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    if (w == null && a != null)
      throw new UsageException("--a needs --w (without --w the run is float32)");
    if (!output.getFileName().toString().endsWith(".npz")) {
      throw new UsageException("--output must name a .npz file, got '" + output + "'");
    }
    int nThreads = ModelInputs.threads(threads);
    if (asQuantized && w != null)
      throw new UsageException(
          "--as-quantized runs the quantization the model carries;" + " --w does not apply");
    QonnxRun.Carried carried =
        asQuantized
            ? QonnxRun.load(model, accumulator.choice(), lanes, spec.commandLine().getErr())
            : null;
    Model m = carried != null ? carried.model() : ReferenceModels.load(model);
    String data = ModelInputs.data(inputs, model, "--inputs");
    ModelData d = ModelInputs.test(data, m, limit);
    LinearKernels kernels = LinearKernels.fp32();
    String what = "float32";
    if (carried != null) {
      kernels = carried.kernels();
      what = "as quantized";
    }
    if (w != null) {
      NumberFormat fw = Formats.parse(w);
      QuantOptions opt =
          ptq.options(fw, a == null ? fw : Formats.parse(a), accumulator.choice(), lanes);
      kernels = Ptq.prepare(m, ModelInputs.calibration(ptq, data, m), opt, nThreads);
      what = opt.weights().name() + "/" + opt.activations().name();
    }
    Map<String, Tensor> out;
    try (Progress p = Progress.start("run " + ModelInputs.label(model) + " " + what, d.items())) {
      out = Assessment.outputs(m, kernels, d.inputs(), nThreads, p::stepTo);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      NpzWriter.write(bytes, out);
      AtomicWrite.write(output, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("output,dtype,shape");
    out.forEach(
        (name, t) ->
            o.println(
                name
                    + ","
                    + (t.type() == DType.FLOAT ? "float32" : "int64")
                    + ","
                    + Arrays.toString(t.shape()).replace(", ", "x").replaceAll("[\\[\\]]", "")));
    o.println("# " + d.items() + " items (" + what + ") written to " + output);
    o.flush();
    return 0;
  }
}
