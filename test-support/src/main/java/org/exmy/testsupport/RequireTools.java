package org.exmy.testsupport;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test says which external tools it needs. A missing tool <em>fails</em> the test
 * with one line naming the tool and its apt package; only when the user opts out explicitly with
 * {@code EXMY_SKIP_TOOLS=1} is the test skipped instead (a JUnit assumption), and {@link
 * SkippedToolsSummary} prints how many tests were skipped that way.
 *
 * <p>Call it first thing in a test, or in {@code @BeforeAll} for a whole class. jqwik properties
 * call it too and carry {@link SkipWithoutVerilator} (jqwik does not treat an aborted property as
 * skipped).
 */
public final class RequireTools {
  /** The environment variable that turns "missing tool: fail" into "missing tool: skip". */
  public static final String OPT_OUT = "EXMY_SKIP_TOOLS";

  /** Every skip reason starts with this, so that the skips can be counted. */
  public static final String SKIP_PREFIX = OPT_OUT + "=1: ";

  private RequireTools() {}

  /** verilator, g++ and gcc: the Verilator JNI backend (verilate, compile, load). */
  public static void verilatorBackend() {
    require(Tool.VERILATOR, Tool.GXX, Tool.GCC);
  }

  /** verilator alone ({@code --lint-only}). */
  public static void verilator() {
    require(Tool.VERILATOR);
  }

  /** The Fashion-MNIST dataset (Debian package dataset-fashion-mnist). */
  public static void fashionMnist() {
    require(Tool.FASHION_MNIST);
  }

  /** A one-node SLURM: slurmctld, slurmd, the client commands (sbatch, squeue, ...) and munged. */
  public static void slurm() {
    require(Tool.SLURMCTLD, Tool.SLURMD, Tool.SBATCH, Tool.MUNGED);
  }

  /** yosys. */
  public static void yosys() {
    require(Tool.YOSYS);
  }

  /**
   * Fails the calling test (or skips it under {@code EXMY_SKIP_TOOLS=1}) unless every tool is on
   * the PATH.
   */
  public static void require(Tool... tools) {
    List<Tool> missing = missing(tools);
    if (!missing.isEmpty()) fail(missing, skipRequested());
  }

  /**
   * Aborts (skip) when {@code optedOut}, else fails, with the one-line message for {@code missing}.
   */
  static void fail(List<Tool> missing, boolean optedOut) {
    if (optedOut) Assumptions.abort(SKIP_PREFIX + message(missing));
    Assertions.fail(message(missing));
  }

  /** The tools among {@code tools} that are not on the PATH. */
  public static List<Tool> missing(Tool... tools) {
    return Stream.of(tools).filter(t -> !t.available()).toList();
  }

  /** True when the user asked to skip tests whose tools are missing ({@code EXMY_SKIP_TOOLS=1}). */
  public static boolean skipRequested() {
    return optedOut(System.getenv(OPT_OUT));
  }

  static boolean optedOut(String value) {
    return value != null
        && (value.strip().equals("1") || value.strip().toLowerCase(Locale.ROOT).equals("true"));
  }

  /**
   * One line, e.g. "verilator, g++ not found on the PATH: apt-get install -y verilator g++ (or set
   * EXMY_SKIP_TOOLS=1 to skip the tests that need them)".
   */
  static String message(List<Tool> missing) {
    return String.join(", ", missing.stream().map(Tool::command).toList())
        + " not found on the PATH: "
        + "apt-get install -y "
        + String.join(" ", missing.stream().map(Tool::aptPackage).distinct().toList())
        + " (or set "
        + OPT_OUT
        + "=1 to skip the tests that need "
        + (missing.size() == 1 ? "it" : "them")
        + ")";
  }
}
