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
        "Per core, in one run: raw Verilator-through-JNI vectors/s (one batch of 65536 cycles per JNI",
        "call), Java model steps/s, and checked vectors/s (random accumulate sequences through both,",
        "compared every cycle; the model runs beside Verilator), and the ratio checked / raw."})
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

  /** Model steps per second on pre-drawn random operands (warm-up run first). */
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
    long t0 = 0;
    for (int i = -4 * n; i < steps; i++) { // four rounds of warm-up first
      if (i == 0) t0 = System.nanoTime();
      int j = i & (n - 1);
      if (lanes == 1) {
        m.step(false, true, ca[j][0], cb[j][0]);
      } else {
        m.step(false, true, ca[j], cb[j]);
      }
    }
    return steps / ((System.nanoTime() - t0) / 1e9);
  }
}
