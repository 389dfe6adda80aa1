package org.exmy.cli;

import java.io.PrintWriter;
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
        "Per core: raw Verilator-through-JNI vectors/s (one batch of 65536 cycles per JNI call),",
        "Java model steps/s, and checked vectors/s (both + compare)."})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "50",
      description = "Batches of 65536 cycles per measurement, 1.." + Limits.MAX_RUNS + " (default: ${DEFAULT-VALUE}).")
  int runs;

  @Override
  public Integer call() {
    Limits.check("--runs", runs, 1, Limits.MAX_RUNS);
    VerifyCommand.requireVerilator();
    PrintWriter o = spec.commandLine().getOut();
    o.println("format,acc_width,jni_vectors_per_s,model_steps_per_s,checked_vectors_per_s");
    for (MacCore core : selection.cores()) {
      try (CrossCheck cc = new CrossCheck(core)) {
        double raw = cc.rawVectorsPerSecond(runs);
        double model = modelStepsPerSecond(core, runs * CrossCheck.BATCH);
        CrossCheck.Report r = cc.exhaustivePairs();
        o.printf("%s,%d,%.0f,%.0f,%.0f%n", core.label(), core.spec().width(), raw, model, r.vectorsPerSecond());
        o.flush();
      }
    }
    return 0;
  }

  static double modelStepsPerSecond(MacCore core, int steps) {
    MacModel m = new MacModel(core.a(), core.b(), core.spec().terms());
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int na = core.a().codeCount();
    int nb = core.b().codeCount();
    int lanes = core.lanes();
    int[] ca = new int[lanes];
    int[] cb = new int[lanes];
    long t0 = 0;
    for (int i = -10000; i < steps; i++) { // 10000 warm-up steps first
      if (i == 0) t0 = System.nanoTime();
      if (lanes == 1) {
        m.step(false, true, r.nextInt(na), r.nextInt(nb));
      } else {
        for (int k = 0; k < lanes; k++) {
          ca[k] = r.nextInt(na);
          cb[k] = r.nextInt(nb);
        }
        m.step(false, true, ca, cb);
      }
    }
    return steps / ((System.nanoTime() - t0) / 1e9);
  }
}
