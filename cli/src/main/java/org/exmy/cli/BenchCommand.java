package org.exmy.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.exmy.mac.MacCore;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.MacModel;
import org.exmy.testbench.CrossCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure simulation speed: JNI vectors/s, model steps/s, checked vectors/s.",
      "Per core, in one run: raw Verilator-through-JNI vectors/s (one batch of 65536 cycles per JNI "
          + "call), Java model steps/s, and checked vectors/s (random accumulate sequences through both, "
          + "compared every cycle; the model runs beside Verilator), and the ratio checked / raw."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "Batches of 65536 cycles per measurement, 1.."
              + Limits.MAX_RUNS
              + " (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "Instead of cores: images/s of MODEL (an .onnx file, mlp, cnn, vit, or resnet18: a generated"
              + " ResNet-18) in exmy float32, exmy exact quantized for each FORMAT (default E4M3 and INT8) and ONNX"
              + " Runtime float32 (when on the class path), on the same inputs, with the ratios and exmy float32's"
              + " largest difference from ONNX Runtime.")
  String model;

  @Option(
      names = "--images",
      paramLabel = "N",
      description =
          "Images per timed pass with --model, 1..60000 (default: 10000 Fashion-MNIST test images for"
              + " mlp, cnn, vit; one batch otherwise).")
  Integer images;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "8",
      description =
          "Images per model run with --model, 1..1024 (default: ${DEFAULT-VALUE}); the threads split"
              + " batches when a pass has several, else each product.")
  int batch;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description =
          "Threads of exmy and intra-op threads of ONNX Runtime with --model, 1..256 (default: the"
              + " available processors).")
  Integer threads;

  @Option(
      names = "--size",
      paramLabel = "PIXELS",
      defaultValue = "224",
      description =
          "Image height and width of the generated resnet18, 32..512 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "3",
      description =
          "Least time each engine is timed with --model, after a warm-up (2 passes and 1.5 s), 0..600 (default:"
              + " ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--ptq",
      description =
          "With --model: instead of images/s, the seconds that PTQ takes to calibrate and plan (scales"
              + " and rounding) with no technique, --gptq, --gptq --gptq-act-order and --learned-round, for each"
              + " FORMAT of the weights (default INT4 and E2M1) with --b (default INT8) activations.")
  boolean ptq;

  @Override
  public Integer call() {
    if (model != null) return benchModel();
    Limits.check("--runs", runs, 1, Limits.MAX_RUNS);
    VerifyCommand.requireVerilator();
    PrintWriter o = spec.commandLine().getOut();
    o.println(
        "format,acc_width,latency,jni_vectors_per_s,model_steps_per_s,checked_vectors_per_s,checked_over_jni");
    for (MacCore core : selection.cores()) {
      try (CrossCheck cc = new CrossCheck(core)) {
        cc.checkedVectorsPerSecond(2); // warm-up: JIT and caches
        double raw = cc.rawVectorsPerSecond(runs);
        double model = modelStepsPerSecond(core, runs * CrossCheck.BATCH);
        double checked = cc.checkedVectorsPerSecond(runs);
        o.printf(
            "%s,%d,%d,%.0f,%.0f,%.0f,%.2f%n",
            core.label(),
            core.spec().accWidth(),
            core.latency(),
            raw,
            model,
            checked,
            checked / raw);
        o.flush();
      }
    }
    return 0;
  }

  /**
   * Model steps per second on pre-drawn random operands: passes over 2^16 of them, first for 0.3 s
   * of warm-up (the JIT recompiles a step whose profile the previous format left), then timed for
   * at least 0.5 s and at least {@code steps} steps, so that a fast model is not timed over a
   * fraction of a millisecond.
   */
  static double modelStepsPerSecond(MacCore core, int steps) {
    MacModel m = new MacModel(core.spec());
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int lanes = core.lanes();
    int n = 1 << 16;
    int[][] ca = new int[n][lanes];
    int[][] cb = new int[n][lanes];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < lanes; k++) {
        ca[i][k] = r.nextInt(core.a().codeCount());
        cb[i][k] = r.nextInt(core.b().codeCount());
      }
    }
    long warm = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < warm) {
      pass(m, ca, cb, lanes);
    }
    long t0 = System.nanoTime();
    long done = 0;
    long elapsed;
    do {
      pass(m, ca, cb, lanes);
      done += n;
      elapsed = System.nanoTime() - t0;
    } while (elapsed < 500_000_000L || done < steps);
    return done / (elapsed / 1e9);
  }

  private static void pass(MacModel m, int[][] ca, int[][] cb, int lanes) {
    for (int j = 0; j < ca.length; j++) {
      if (lanes == 1) {
        m.step(false, true, ca[j][0], cb[j][0]);
      } else {
        m.step(false, true, ca[j], cb[j]);
      }
    }
  }

  /**
   * exmy float32, exmy exact quantized per format and ONNX Runtime float32 images/s on the same
   * model and inputs, in one run, with the ratios and the largest |exmy - ONNX Runtime| output.
   */
  private int benchModel() {
    Limits.check("--batch", batch, 1, 1024);
    Limits.check("--size", size, 32, 512);
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Limits.check("--threads", t, 1, 256);
    if (!(seconds >= 0 && seconds <= 600)) {
      throw new UsageException("--seconds must be 0..600, got " + seconds);
    }
    boolean resnet = model.equalsIgnoreCase("resnet18");
    boolean reference = org.exmy.nn.ReferenceModels.isName(model);
    byte[] bytes =
        resnet
            ? org.exmy.nn.ResNets.resnet18(0, size, size)
            : org.exmy.nn.ReferenceModels.bytes(model);
    String source = resnet ? "resnet18" : org.exmy.nn.ReferenceModels.source(model);
    org.exmy.nn.Model m = org.exmy.nn.onnx.OnnxLoader.load(bytes, source);
    org.exmy.nn.Feeds x;
    org.exmy.nn.Feeds calib;
    if (reference) {
      // a reference model benches on its own test data, calibrated on its calibration split
      String data = org.exmy.nn.ReferenceModels.defaultData(model);
      org.exmy.nn.data.ModelData d =
          org.exmy.nn.data.ModelData.load(data, m, org.exmy.nn.data.Datasets.Split.TEST);
      int n = images != null ? images : d.items();
      Limits.check("--images", n, 1, 60_000);
      x = d.inputs().head(n);
      calib = org.exmy.nn.data.ModelData.calibration(data, m, 256);
    } else {
      int n = images != null ? images : batch;
      Limits.check("--images", n, 1, 60_000);
      x = random(m, n, 1);
      calib = random(m, Math.min(8, n), 2);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (ptq) return benchPtq(m, source, calib, t, o);
    o.println(
        "model,input,batch,threads,engine,images_per_s,over_exmy_fp32,over_onnxruntime,max_abs_diff_vs_onnxruntime");
    OrtBench.Result ort = null;
    if (ortAvailable()) {
      ort = OrtBench.run(bytes, x, batch, t, seconds);
    } else {
      spec.commandLine()
          .getErr()
          .println(
              "exmy bench: ONNX Runtime is not on the class path (the exmy script adds"
                  + " cli/target/ort/*.jar, copied there by the cli build); its row is left out");
    }
    String in =
        String.join(
            " ",
            x.tensors().values().stream()
                .map(
                    v ->
                        java.util.Arrays.toString(v.shape())
                            .replace(", ", "x")
                            .replace("[", "")
                            .replace("]", ""))
                .toList());
    double fp32;
    float[] fp32Out;
    try (org.exmy.nn.Session s = new org.exmy.nn.Session(m, org.exmy.nn.LinearKernels.fp32(), t)) {
      fp32Out = s.runAll(x.head(batch), batch, null).values().iterator().next().floats();
      fp32 = time(s, x);
    }
    if (ort != null) {
      row(
          o,
          source,
          in,
          t,
          "onnxruntime-1.20 fp32",
          ort.imagesPerSecond(),
          fp32,
          ort.imagesPerSecond(),
          "");
    }
    String diff = "";
    if (ort != null) {
      double d = 0;
      for (int i = 0; i < fp32Out.length; i++) {
        d = Math.max(d, Math.abs(fp32Out[i] - ort.firstOutput()[i]));
      }
      diff = String.format(java.util.Locale.ROOT, "%.3g", d);
    }
    row(
        o,
        source,
        in,
        t,
        "exmy fp32",
        fp32,
        fp32,
        ort == null ? Double.NaN : ort.imagesPerSecond(),
        diff);
    List<String> fmts = selection.formats.isEmpty() ? List.of("E4M3", "INT8") : selection.formats;
    for (String f : fmts) {
      org.exmy.simulator.NumberFormat nf = org.exmy.simulator.Formats.parse(f);
      org.exmy.simulator.NumberFormat nb =
          selection.b == null ? nf : org.exmy.simulator.Formats.parse(selection.b);
      org.exmy.nn.quant.Ptq ptq =
          org.exmy.nn.quant.Ptq.prepare(m, calib, org.exmy.nn.quant.QuantOptions.of(nf, nb), t);
      double exact;
      try (org.exmy.nn.Session s = new org.exmy.nn.Session(m, ptq, t)) {
        exact = time(s, x);
      }
      row(
          o,
          source,
          in,
          t,
          "exmy exact " + nf.name() + (nb == nf ? "" : "x" + nb.name()),
          exact,
          fp32,
          ort == null ? Double.NaN : ort.imagesPerSecond(),
          "");
    }
    return 0;
  }

  /**
   * True when the ONNX Runtime classes can be loaded. Asked here, not in {@link OrtBench}: loading
   * that class needs ONNX Runtime's own classes (its catch clauses name them).
   */
  private static boolean ortAvailable() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, BenchCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Seconds of {@code Ptq.prepare} (calibration and plan) and of its plan alone, per weight format
   * and technique, on the calibration data; one run each after one untimed warm-up run.
   */
  private int benchPtq(
      org.exmy.nn.Model m, String source, org.exmy.nn.Feeds calib, int t, PrintWriter o) {
    org.exmy.simulator.NumberFormat act =
        org.exmy.simulator.Formats.parse(selection.b == null ? "INT8" : selection.b);
    List<String> fmts = selection.formats.isEmpty() ? List.of("INT4", "E2M1") : selection.formats;
    QuantOptions.Techniques none = QuantOptions.Techniques.NONE;
    QuantOptions.Techniques gptq =
        new QuantOptions.Techniques(true, 0.01, 128, false, Double.NaN, false, false, false, false);
    QuantOptions.Techniques actOrder =
        new QuantOptions.Techniques(true, 0.01, 128, true, Double.NaN, false, false, false, false);
    QuantOptions.Techniques learned =
        new QuantOptions.Techniques(false, 0.01, 128, false, Double.NaN, false, false, true, false);
    Map<String, QuantOptions.Techniques> techniques = new LinkedHashMap<>();
    techniques.put("none", none);
    techniques.put("gptq", gptq);
    techniques.put("gptq+act-order", actOrder);
    techniques.put("learned-round", learned);
    o.println("model,w,a,threads,technique,calibration_plus_plan_s,plan_s");
    boolean warm = false;
    for (String f : fmts) {
      org.exmy.simulator.NumberFormat w = org.exmy.simulator.Formats.parse(f);
      for (Map.Entry<String, QuantOptions.Techniques> e : techniques.entrySet()) {
        QuantOptions opt = QuantOptions.of(w, act).withTechniques(e.getValue());
        if (!warm) {
          org.exmy.nn.quant.Ptq.prepare(m, calib, opt, t); // warm-up: the JIT
          warm = true;
        }
        long t0 = System.nanoTime();
        org.exmy.nn.quant.Ptq p = org.exmy.nn.quant.Ptq.prepare(m, calib, opt, t);
        double all = (System.nanoTime() - t0) / 1e9;
        o.printf(
            java.util.Locale.ROOT,
            "%s,%s,%s,%d,%s,%.3f,%.3f%n",
            source,
            w.name(),
            act.name(),
            t,
            e.getKey(),
            all,
            p.planSeconds());
        o.flush();
      }
    }
    return 0;
  }

  private void row(
      PrintWriter o,
      String source,
      String in,
      int t,
      String engine,
      double ips,
      double fp32,
      double ort,
      String diff) {
    o.printf(
        java.util.Locale.ROOT,
        "%s,%s,%d,%d,%s,%.2f,%.2f,%s,%s%n",
        source,
        in,
        batch,
        t,
        engine,
        ips,
        ips / fp32,
        Double.isNaN(ort) ? "" : String.format(java.util.Locale.ROOT, "%.2f", ips / ort),
        diff);
    o.flush();
  }

  /**
   * Images/s of passes over {@code x} in runs of {@code batch}: warm-up passes, then for {@code
   * seconds}.
   */
  private double time(org.exmy.nn.Session s, org.exmy.nn.Feeds x) {
    long w0 = System.nanoTime();
    for (int i = 0; i < 2 || System.nanoTime() - w0 < Math.min(seconds, 1.5) * 1e9; i++) {
      s.runAll(x, batch, null); // warm-up: the JIT compiles the kernels for these shapes
    }
    long t0 = System.nanoTime();
    long passes = 0;
    do {
      s.runAll(x, batch, null);
      passes++;
    } while (System.nanoTime() - t0 < seconds * 1e9);
    return passes * x.items() / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Seeded inputs for every input of the model, its free batch dimension set to {@code n}: float
   * inputs uniform in [0, 1), integer inputs 0 or 1 (valid token ids, masks and segment ids).
   */
  private static org.exmy.nn.Feeds random(org.exmy.nn.Model m, int n, long seed) {
    java.util.Map<String, org.exmy.nn.Tensor> feeds = new java.util.LinkedHashMap<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    for (org.exmy.nn.Model.Input in : m.inputs()) {
      int[] dims = in.dims().clone();
      if (dims.length == 0) {
        throw new org.exmy.nn.NnException(
            m.source() + ": input '" + in.name() + "' has no batch dimension");
      }
      dims[0] = n;
      long size = 1;
      for (int i = 0; i < dims.length; i++) {
        if (i > 0 && dims[i] < 1) {
          throw new org.exmy.nn.NnException(
              m.source()
                  + ": input '"
                  + in.name()
                  + "' dimension "
                  + i
                  + " is not fixed; bench it on data with 'exmy run' or a reference model");
        }
        size *= dims[i];
      }
      if (size > 1L << 28) {
        throw new org.exmy.nn.NnException(
            m.source()
                + ": input '"
                + in.name()
                + "' of "
                + size
                + " values is too large to bench");
      }
      if (in.type() == org.exmy.nn.DType.FLOAT) {
        float[] v = new float[(int) size];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextDouble();
        }
        feeds.put(in.name(), org.exmy.nn.Tensor.of(v, dims));
      } else {
        long[] v = new long[(int) size];
        for (int i = 0; i < v.length; i++) {
          v[i] = r.nextInt(2);
        }
        feeds.put(in.name(), org.exmy.nn.Tensor.ofLongs(v, dims));
      }
    }
    return new org.exmy.nn.Feeds("random inputs", feeds);
  }
}
