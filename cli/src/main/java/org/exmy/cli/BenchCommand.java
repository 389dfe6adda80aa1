package org.exmy.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.exmy.mac.MacCore;
import org.exmy.simulator.MacModel;
import org.exmy.testbench.CrossCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure simulation speed: JNI vectors/s, model steps/s, checked vectors/s.",
        "Per core, in one run: raw Verilator-through-JNI vectors/s (one batch of 65536 cycles per JNI "
        + "call), Java model steps/s, and checked vectors/s (random accumulate sequences through both, "
        + "compared every cycle; the model runs beside Verilator), and the ratio checked / raw."})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "50",
      description = "Batches of 65536 cycles per measurement, 1.." + Limits.MAX_RUNS + " (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--model", paramLabel = "MODEL",
      description = "Instead of cores: images/s of MODEL (an .onnx file or mlp, cnn, vit) in float32 and with"
          + " bit-exact quantized inference for each FORMAT (default E4M3), on the Fashion-MNIST test images.")
  String model;

  @Option(names = "--images", paramLabel = "N", defaultValue = "10000",
      description = "Test images timed with --model, 1..60000 (default: ${DEFAULT-VALUE}).")
  int images;

  @Override
  public Integer call() {
    if (model != null) return benchModel();
    Limits.check("--runs", runs, 1, Limits.MAX_RUNS);
    VerifyCommand.requireVerilator();
    PrintWriter o = spec.commandLine().getOut();
    o.println("format,acc_width,latency,jni_vectors_per_s,model_steps_per_s,checked_vectors_per_s,checked_over_jni");
    for (MacCore core : selection.cores()) {
      try (CrossCheck cc = new CrossCheck(core)) {
        cc.checkedVectorsPerSecond(2); // warm-up: JIT and caches
        double raw = cc.rawVectorsPerSecond(runs);
        double model = modelStepsPerSecond(core, runs * CrossCheck.BATCH);
        double checked = cc.checkedVectorsPerSecond(runs);
        o.printf("%s,%d,%d,%.0f,%.0f,%.0f,%.2f%n", core.label(), core.spec().accWidth(), core.latency(), raw, model,
            checked, checked / raw);
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

  /** Float32 and exact quantized images/s on the same model and images, in one run. */
  private int benchModel() {
    Limits.check("--images", images, 1, 60_000);
    org.exmy.nn.Model m = org.exmy.nn.ReferenceModels.load(model);
    org.exmy.nn.data.Dataset test = org.exmy.nn.data.Datasets.load("fashion-mnist", org.exmy.nn.data.Datasets.Split.TEST);
    org.exmy.nn.Tensor x = test.head(images).inputs();
    org.exmy.nn.Tensor calib = org.exmy.nn.data.Datasets.load("fashion-mnist", org.exmy.nn.data.Datasets.Split.TRAIN)
        .head(256).inputs();
    int threads = Runtime.getRuntime().availableProcessors();
    PrintWriter o = spec.commandLine().getOut();
    o.println("model,w,a,images,threads,fp32_images_per_s,exact_images_per_s,exact_over_fp32");
    double fp32;
    try (org.exmy.nn.Session s = new org.exmy.nn.Session(m, org.exmy.nn.LinearKernels.fp32(), threads)) {
      fp32 = s.imagesPerSecond(x, Math.min(images, 1000));
    }
    List<String> fmts = selection.formats.isEmpty() ? List.of("E4M3") : selection.formats;
    for (String f : fmts) {
      org.exmy.simulator.NumberFormat nf = org.exmy.simulator.Formats.parse(f);
      org.exmy.simulator.NumberFormat nb = selection.b == null ? nf : org.exmy.simulator.Formats.parse(selection.b);
      org.exmy.nn.quant.Ptq ptq = org.exmy.nn.quant.Ptq.prepare(m, calib, org.exmy.nn.quant.QuantOptions.of(nf, nb),
          threads);
      double exact;
      try (org.exmy.nn.Session s = new org.exmy.nn.Session(m, ptq, threads)) {
        exact = s.imagesPerSecond(x, Math.min(images, 1000));
      }
      o.printf(java.util.Locale.ROOT, "%s,%s,%s,%d,%d,%.0f,%.0f,%.2f%n", model, nf.name(), nb.name(), images, threads,
          fp32, exact, exact / fp32);
      o.flush();
    }
    return 0;
  }
}
