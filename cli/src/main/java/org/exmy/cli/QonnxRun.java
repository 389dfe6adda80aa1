package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;
import org.exmy.base.AtomicWrite;
import org.exmy.nn.Feeds;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.qonnx.QonnxExport;
import org.exmy.nn.qonnx.QonnxQuantization;
import org.exmy.nn.qonnx.QonnxTrace;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorChoice;

/** {@code --as-quantized} and {@code --export-qonnx} of {@code accuracy} and {@code run}. */
final class QonnxRun {
  private QonnxRun() {}

  /** A model loaded with the quantization it carries, and the kernels that run it. */
  record Carried(Model model, LinearKernels kernels, int nodes) {}

  /**
   * Loads {@code model} recording its QONNX quantization; its kernels for accumulator {@code acc}.
   * Prints to {@code err} one line per linear node it maps.
   */
  static Carried load(String model, AccumulatorChoice acc, int lanes, PrintWriter err) {
    QonnxTrace trace = new QonnxTrace();
    Model m = OnnxLoader.load(ReferenceModels.bytes(model), ReferenceModels.source(model), trace);
    var mapped = QonnxQuantization.report(m.source(), trace);
    if (mapped.isEmpty()) {
      throw new UsageException(
          m.source()
              + ": --as-quantized: no Conv, Gemm or MatMul has both inputs from QONNX"
              + " quantization nodes (Quant, BipolarQuant, Trunc, FloatQuant)");
    }
    for (var mp : mapped) {
      err.println(
          "exmy: as quantized: node '"
              + mp.node()
              + "' ("
              + mp.op()
              + "): "
              + mp.weight()
              + " x "
              + mp.activation());
    }
    err.flush();
    return new Carried(m, QonnxQuantization.kernels(m.source(), trace, acc, lanes), mapped.size());
  }

  /** {@code accuracy --as-quantized}. */
  static int accuracy(AccuracyCommand c, Metric mt, int threads) {
    var pr = c.spec.commandLine().getParseResult();
    for (String o :
        new String[] {
          "--w",
          "--a",
          "--export-qonnx",
          "--bias-correction",
          "--fp32-layers",
          "--calib",
          "--pow2-scales",
          "--granularity"
        }) {
      if (pr.hasMatchedOption(o)) {
        throw new UsageException(
            "--as-quantized runs the quantization the model carries; " + o + " does not apply");
      }
    }
    Carried cq = load(c.model, c.accumulator.choice(), c.lanes, c.spec.commandLine().getErr());
    Model m = cq.model();
    String d = ModelInputs.data(c.data, c.model, "--data");
    ModelData test = ModelInputs.test(d, m, c.limit);
    if (mt == Metric.TOP1 && test.labels() == null) {
      throw new UsageException(
          test.source() + ": no labels (an array y) for --metric top1; use --metric fidelity");
    }
    int n = test.items();
    Assessment as;
    try (Progress p =
        Progress.start("accuracy " + ModelInputs.label(c.model) + " as quantized", 2L * n)) {
      Map<String, Tensor> fp32 = Assessment.fp32(m, test.inputs(), threads, p::stepTo);
      Map<String, Tensor> q =
          Assessment.outputs(m, cq.kernels(), test.inputs(), threads, done -> p.stepTo(n + done));
      as = Assessment.of(n, fp32, q, mt == Metric.TOP1 ? test.labels() : null);
    }
    c.report(mt, as, test, "qonnx", "qonnx");
    return 0;
  }

  /** PTQ as {@link Assessment#run} does it, then the plan written as QONNX to {@code out}. */
  static Assessment runAndExport(
      Model m,
      byte[] bytes,
      ModelData test,
      Feeds calib,
      QuantOptions opt,
      int threads,
      IntConsumer progress,
      Path out) {
    int n = test.items();
    Map<String, Tensor> ref = Assessment.fp32(m, test.inputs(), threads, progress);
    Ptq ptq = Ptq.prepare(m, calib, opt, threads);
    byte[] q = QonnxExport.write(bytes, m, ptq);
    Map<String, Tensor> qo =
        Assessment.outputs(m, ptq, test.inputs(), threads, done -> progress.accept(n + done));
    try {
      AtomicWrite.write(out, q);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
    return Assessment.of(n, ref, qo, test.labels());
  }

  /** {@code generate --from MODEL}: a core per distinct (formats, fan-in) and the manifest. */
  static void generate(GenerateCommand g) {
    PrintWriter o = g.spec.commandLine().getOut();
    QonnxTrace trace = new QonnxTrace();
    Model m = OnnxLoader.load(ReferenceModels.bytes(g.from), ReferenceModels.source(g.from), trace);
    var sites = QonnxQuantization.sites(m.source(), trace);
    if (sites.isEmpty()) {
      throw new UsageException(
          m.source()
              + ": --from: no Conv, Gemm or MatMul has both inputs from QONNX"
              + " quantization nodes (Quant, BipolarQuant, Trunc, FloatQuant)");
    }
    long[] macs = org.exmy.nn.quant.Sensitivity.macsPerItem(m, zeros(m));
    AccumulatorChoice acc = g.selection.accumulator();
    org.exmy.simulator.Pipeline pipe = org.exmy.simulator.Pipeline.parse(g.selection.pipeline);
    int lanes = g.selection.lanes;
    Limits.checkTermsAndLanes(g.selection.terms, lanes);
    StringBuilder manifest =
        new StringBuilder("node,op,core,a_format,b_format,terms,macs_per_inference\n");
    java.util.Map<String, org.exmy.mac.MacCore> cores = new java.util.LinkedHashMap<>();
    for (var s : sites) {
      int k = s.site().k() > 0 ? Math.max(s.site().k(), lanes) : g.selection.terms;
      org.exmy.simulator.CoreSpec spec =
          g.dspOption.apply(
              acc.apply(
                  org.exmy.simulator.CoreSpec.mac(s.weight(), s.activation())
                      .withTerms(k)
                      .withLanes(lanes)
                      .withPipeline(pipe)));
      String module = spec.moduleName();
      if (!cores.containsKey(module)) {
        try {
          cores.put(module, org.exmy.mac.MacGenerator.generate(spec));
        } catch (org.exmy.hdl.HdlException e) {
          throw new UsageException(e.getMessage());
        }
      }
      manifest
          .append(s.site().nodeName())
          .append(',')
          .append(s.site().opType())
          .append(',')
          .append(module)
          .append(',')
          .append(s.weight().name())
          .append(',')
          .append(s.activation().name())
          .append(',')
          .append(k)
          .append(',')
          .append(macs[s.site().index()])
          .append('\n');
    }
    for (org.exmy.mac.MacCore core : cores.values()) {
      o.println("wrote " + org.exmy.mac.Catalogue.writeVerilog(g.out, core));
    }
    Path mf = g.out.resolve("manifest.csv");
    try {
      AtomicWrite.write(mf, manifest.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + mf + ": " + e.getMessage(), e);
    }
    o.println("wrote " + mf + " (" + sites.size() + " nodes, " + cores.size() + " cores)");
    o.flush();
  }

  /** One item of zeros per input, symbolic dimensions 1. */
  private static Feeds zeros(Model m) {
    java.util.Map<String, Tensor> t = new java.util.LinkedHashMap<>();
    for (Model.Input in : m.inputs()) {
      int[] d = in.dims().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] = i == 0 || d[i] < 0 ? 1 : d[i];
      }
      t.put(in.name(), Tensor.zeros(in.type(), d));
    }
    return new Feeds(m.source(), t);
  }
}
