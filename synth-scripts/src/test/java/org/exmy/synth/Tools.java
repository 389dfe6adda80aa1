package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tool checks of the timing tests: a missing tool FAILS the test (it must not pass silently),
 * unless the environment sets {@code EXMY_SKIP_TOOLS=1}, which turns the failure into a skip.
 */
final class Tools {
  private Tools() {}

  /** Fails (or, with EXMY_SKIP_TOOLS=1, skips) the test when {@code exe} cannot be run. */
  static void requireTool(String exe) {
    if (ToolProcess.onPath(exe)) return;
    String why = exe + " is not installed (./setup.sh installs it)";
    if ("1".equals(System.getenv("EXMY_SKIP_TOOLS")))
      Assumptions.abort(why + "; skipped as EXMY_SKIP_TOOLS=1");
    fail(why + "; set EXMY_SKIP_TOOLS=1 to skip the tests that need it");
  }

  static void requireYosys() {
    requireTool(YosysRunner.executable());
  }

  static void requireNextpnr() {
    requireTool(Ice40Runner.executable());
  }

  static void requireTclsh() {
    requireTool("tclsh");
  }

  /** True for Yosys 0.23, the version the exact numbers of these tests were read from. */
  static boolean yosys023() {
    return YosysRunner.version().orElse("").startsWith("Yosys 0.23 ");
  }
}
