package org.exmy.hdl.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

/** Runs external tools with a timeout and turns failures into {@link SimException}s. */
final class Tools {
  static final int ERROR_LINES = 40;

  private Tools() {}

  /**
   * Runs {@code cmd} in {@code dir}; returns its output (stdout and stderr merged). A non-zero exit
   * or a timeout throws a SimException with the command and the first {@value #ERROR_LINES} lines
   * of the output; a tool stopped by SIGINT/SIGTERM, or any failure while the JVM shuts down,
   * throws {@link ToolInterruptedException} instead.
   */
  static String run(List<String> cmd, Path dir, int timeoutSeconds) {
    if (ShutdownCleanup.shuttingDown())
      throw new ToolInterruptedException("not starting " + cmd.get(0) + ": exiting");
    ShutdownCleanup.install();
    ToolRun.Result r;
    try {
      r = ToolRun.of(cmd).directory(dir).timeout(Duration.ofSeconds(timeoutSeconds)).run();
    } catch (ToolException e) {
      throw switch (e.kind()) {
        case TIMED_OUT ->
            new SimException(
                "timed out after "
                    + timeoutSeconds
                    + " s: "
                    + abbreviate(cmd)
                    + "\n"
                    + head(e.output(), ERROR_LINES));
        case CANNOT_START ->
            new SimException(
                "cannot run " + cmd.get(0) + installHint(cmd.get(0)) + ": " + e.reason(), e);
        case INTERRUPTED -> new ToolInterruptedException("interrupted while running " + cmd.get(0));
      };
    }
    int exit = r.exitCode();
    if (exit != 0 && (ToolInterruptedException.signalled(exit) || ShutdownCleanup.shuttingDown())) {
      throw new ToolInterruptedException(cmd.get(0) + " was interrupted (exit " + exit + ")");
    }
    if (exit != 0) {
      throw new SimException(
          cmd.get(0)
              + " failed (exit "
              + exit
              + "): "
              + abbreviate(cmd)
              + "\n"
              + head(r.output(), ERROR_LINES));
    }
    return r.output();
  }

  static String installHint(String tool) {
    return switch (tool) {
      case "verilator" -> " (not installed? apt-get install -y verilator)";
      case "g++", "gcc" -> " (not installed? apt-get install -y g++)";
      default -> "";
    };
  }

  /** The executable {@code tool} on the PATH, or null. */
  static Path onPath(String tool) {
    return ToolRun.find(tool);
  }

  private static String abbreviate(List<String> cmd) {
    String s = String.join(" ", cmd);
    return s.length() > 400 ? s.substring(0, 400) + " ..." : s;
  }

  /** The first {@code lines} lines of {@code text}, trimmed and indented. */
  static String head(String text, int lines) {
    String[] ls = text.strip().split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines, ls.length); i++)
      sb.append("  ").append(ls[i].stripTrailing()).append('\n');
    if (ls.length > lines) sb.append("  ... (").append(ls.length - lines).append(" more lines)\n");
    return sb.toString().stripTrailing();
  }
}
