package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.testbench.CrossCheck;
import org.exmy.testbench.WorstCaseOracle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Prove MAC cores bit-exact against the Java model in Verilator.",
      "Verilates each core and compares it with the Java model cycle by cycle (aligned by the "
          + "core's latency), for every operand pair and random accumulate sequences; then drives "
          + "exactly --terms worst-case products and compares io_acc with BigDecimal sums.",
      "A failed check prints its first failing cycle in full and writes a "
          + "reproduction folder under --failures: the Verilog, the vectors up to the "
          + "failure, a Verilog testbench, run.sh (verilator --binary; it replays the "
          + "mismatch) and wave.vcd around the failing cycle.",
      "Exit code 1 when any vector differs."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Mixin DspOption dspOption;

  @Option(
      names = "--sequences",
      paramLabel = "N",
      defaultValue = "200",
      description =
          "Random accumulate sequences per core, 0.."
              + Limits.MAX_SEQUENCES
              + " (default: ${DEFAULT-VALUE}).")
  int sequences;

  @Option(
      names = "--max-length",
      paramLabel = "N",
      defaultValue = "2000",
      description = {
        "Longest random sequence, 1.."
            + Limits.MAX_LENGTH
            + " (default: ${DEFAULT-VALUE}); "
            + "--sequences x --max-length at most "
            + Limits.MAX_SEQUENCE_CYCLES
            + "."
      })
  int maxLength;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--failures",
      paramLabel = "DIR",
      defaultValue = "build/failures",
      description =
          "Where a failed check writes its reproduction folder <module>-<time>-<check>"
              + " (default: ${DEFAULT-VALUE}); a passed one writes nothing.")
  Path failures;

  @Override
  public Integer call() {
    Limits.checkSequences(sequences, maxLength);
    failuresFolder(failures);
    requireVerilator();
    PrintWriter out = spec.commandLine().getOut();
    boolean allOk = true;
    for (MacCore core :
        selection.specs().stream().map(s -> MacGenerator.generate(dspOption.apply(s))).toList()) {
      for (CrossCheck.Report r : run(core, sequences, maxLength, seed, failures)) {
        out.println((r.passed() ? "PASS " : "FAIL ") + r);
        out.flush();
        allOk &= r.passed();
      }
    }
    return allOk ? 0 : Main.EXIT_FAILURE;
  }

  /**
   * Every operand pair and random sequences against the model, then the model-free worst-case sums
   * against BigDecimal; a failed check writes its reproduction folder under {@code failures}.
   */
  static java.util.List<CrossCheck.Report> run(
      MacCore core, int sequences, int maxLength, long seed, Path failures) {
    java.util.List<CrossCheck.Report> reports = new java.util.ArrayList<>();
    try (CrossCheck cc = new CrossCheck(core).failures(failures)) {
      reports.add(cc.exhaustivePairs());
      if (sequences > 0) reports.add(cc.randomSequences(seed, sequences, maxLength));
    }
    reports.add(WorstCaseOracle.check(core, failures));
    return reports;
  }

  /** {@code dir} when it is a folder or does not exist yet (it is made on the first failure). */
  static Path failuresFolder(Path dir) {
    if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
      throw new UsageException("--failures: " + dir + " is not a folder");
    }
    return dir;
  }

  static void requireVerilator() {
    CacheCommand.cap(); // a bad EXMY_CACHE_MAX is bad input, before any work
    if (!VerilatorSim.available()) {
      throw new UsageException(
          "verilator and g++ are needed for verification; run ./setup.sh "
              + "(or: apt-get install -y verilator g++)");
    }
  }
}
