package org.exmy.synth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

/**
 * Runs one external tool (Yosys, nextpnr) with its output in a log file and a time limit; the
 * shared part of {@link YosysRunner}, {@link Ice40Runner} and {@link Xc7StaRunner}.
 */
final class ToolProcess {
  /** Lines of the log quoted in an error message. */
  static final int LOG_TAIL_LINES = 30;

  private ToolProcess() {}

  /** True when {@code exe} (a path, or a name looked up in the PATH) is an executable file. */
  static boolean onPath(String exe) {
    return ToolRun.onPath(exe);
  }

  /** System property {@code property} when set and not blank, else {@code fallback}. */
  static String executable(String property, String fallback) {
    String p = System.getProperty(property);
    return p == null || p.isBlank() ? fallback : p;
  }

  /**
   * Runs {@code command} in {@code dir}, stdout and stderr into {@code log}, and returns its exit
   * code.
   *
   * @param tool the tool's name for messages ("yosys")
   * @param what what it works on, for messages ("mul8")
   * @throws SynthException when it cannot start, times out (it and its children are killed) or the
   *     thread is interrupted (likewise)
   */
  static int run(
      List<String> command, Path dir, Path log, Duration timeout, String tool, String what) {
    try {
      return ToolRun.of(command).directory(dir).log(log).timeout(timeout).run().exitCode();
    } catch (ToolException e) {
      throw switch (e.kind()) {
        case TIMED_OUT ->
            new SynthException(
                tool
                    + " timed out after "
                    + seconds(timeout)
                    + " on "
                    + what
                    + " (log "
                    + log
                    + "); end of the log:\n"
                    + tail(log),
                e);
        case CANNOT_START ->
            new SynthException("cannot run " + tool + " on " + what + ": " + e.reason(), e);
        case INTERRUPTED ->
            new SynthException("interrupted while running " + tool + " on " + what, e);
      };
    }
  }

  /** The failure message for a non-zero exit code, with the end of the log. */
  static SynthException failed(String tool, String what, int exit, Path log) {
    return new SynthException(
        tool
            + " failed on "
            + what
            + " (exit "
            + exit
            + ", log "
            + log
            + "); end of the log:\n"
            + tail(log));
  }

  static String seconds(Duration d) {
    return ToolRun.seconds(d);
  }

  /** The first "ERROR:" line (the tool's own explanation), then the last lines of the log. */
  static String tail(Path log) {
    if (!Files.exists(log)) return "  (no log)\n";
    String[] ls;
    try {
      ls = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R");
    } catch (IOException e) {
      return "  (cannot read the log: " + e.getMessage() + ")\n";
    }
    StringBuilder sb = new StringBuilder();
    int from = Math.max(0, ls.length - LOG_TAIL_LINES);
    for (int i = 0; i < from; i++) {
      if (ls[i].startsWith("ERROR:")) {
        sb.append("  ").append(ls[i]).append("\n  ...\n");
        break;
      }
    }
    for (int i = from; i < ls.length; i++) sb.append("  ").append(ls[i]).append('\n');
    return sb.toString();
  }

  /** Yosys command-line quoting of a file name (double quotes when it has blanks etc.). */
  static String yosysQuote(String path) {
    if (path.matches("[A-Za-z0-9_./+\\-]+")) return path;
    if (path.contains("\"") || path.matches("(?s).*[\\r\\n].*")) {
      throw new IllegalArgumentException(
          "Yosys cannot read a file name with a quote or line break: " + path);
    }
    return "\"" + path + "\"";
  }

  /** A plain Verilog module name, as the runners accept for top modules. */
  static void checkModuleName(String top) {
    if (top == null || !top.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
      throw new IllegalArgumentException("not a plain Verilog module name: " + top);
    }
  }
}
