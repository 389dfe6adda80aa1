package org.exmy.testbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.exmy.hdl.HdlException;
import org.exmy.hdl.VerilatorLint;
import org.exmy.hdl.sim.SimException;
import org.exmy.hdl.sim.ToolInterruptedException;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.FormatException;

/**
 * Proves one {@link FuzzConfig}: its generated Verilog is clean under {@code verilator --lint-only
 * -Wall}, it matches the model on every operand pair and on random accumulate sequences (with the
 * wrap-around run), and the model-free {@link WorstCaseOracle} agrees with it (exact accumulators).
 * Every failure is collected, none stops the others; a failed check leaves a reproduction folder.
 */
public final class Fuzzer {
  private Fuzzer() {}

  /**
   * What proving one configuration found.
   *
   * @param vectors cycles compared
   * @param failures one text per failed step (lint, a check, a tool), empty when all passed
   * @param repros the reproduction folders the failed checks wrote
   */
  public record Outcome(
      FuzzConfig config,
      String module,
      long vectors,
      List<String> failures,
      List<Repro> repros,
      double seconds) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /**
   * Proves {@code config}; failed checks write their repros under {@code failures} (null: none).
   */
  public static Outcome prove(FuzzConfig config, Path failures) {
    return prove(config, failures, UnaryOperator.identity());
  }

  /**
   * Proves {@code config} with its Verilog passed through {@code change} first (to show that a
   * wrong core fails).
   */
  public static Outcome prove(FuzzConfig config, Path failures, UnaryOperator<String> change) {
    long t0 = System.nanoTime();
    List<String> found = new ArrayList<>();
    List<Repro> repros = new ArrayList<>();
    long vectors = 0;
    MacCore core;
    try {
      core = MacGenerator.generate(config.spec());
    } catch (FormatException e) {
      found.add("the generator refused it: " + e.getMessage());
      return new Outcome(config, config.spec().moduleName(), 0, found, repros, seconds(t0));
    }
    String verilog = change.apply(core.verilog());
    try {
      VerilatorLint.Result lint = VerilatorLint.lint(verilog, core.moduleName());
      if (!lint.clean()) {
        // the messages name a temporary file: keep only its name
        String file = "\\S*/(" + core.moduleName() + "\\.v)";
        List<String> msgs = lint.messages().stream().map(m -> m.replaceAll(file, "$1")).toList();
        found.add(
            "verilator --lint-only -Wall is not clean (exit "
                + lint.exitCode()
                + "): "
                + (msgs.isEmpty() ? "no message" : msgs.get(0))
                + (msgs.size() > 1 ? "\n  " : "")
                + String.join(
                    "\n  ", msgs.subList(Math.min(1, msgs.size()), Math.min(10, msgs.size()))));
      }
    } catch (HdlException e) {
      found.add("lint: " + e.getMessage());
    }
    List<CrossCheck.Report> reports = new ArrayList<>();
    try (CrossCheck cc = new CrossCheck(core, verilog).failures(failures)) {
      reports.add(cc.exhaustivePairs());
      reports.add(cc.randomSequences(config.seed(), config.sequences(), config.maxLength()));
      reports.add(
          WorstCaseOracle.check(
              core, verilog, config.spec().terms(), core.geometry().lsbExponent(), failures));
    } catch (ToolInterruptedException e) {
      throw e;
    } catch (SimException | java.io.UncheckedIOException e) {
      found.add("error: " + e.getMessage());
    } catch (RuntimeException e) {
      // a bug in exmy itself (the model, the checks): a finding like any other
      StackTraceElement[] at = e.getStackTrace();
      found.add("error: " + e + (at.length > 0 ? " at " + at[0] : ""));
    }
    for (CrossCheck.Report r : reports) {
      vectors += r.vectors();
      if (!r.passed()) found.add(r.toString());
      if (r.repro() != null) repros.add(r.repro());
    }
    return new Outcome(config, core.moduleName(), vectors, found, repros, seconds(t0));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
