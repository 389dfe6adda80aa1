package org.exmy.hdl.sim;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external tools with a timeout and turns failures into {@link SimException}s. */
final class Tools {
  static final int ERROR_LINES = 40;

  private Tools() {}

  /**
   * Runs {@code cmd} in {@code dir}; returns its output (stdout and stderr merged). A non-zero exit
   * or a timeout throws a SimException with the command and the first {@value #ERROR_LINES} lines of
   * the output; a tool stopped by SIGINT/SIGTERM, or any failure while the JVM shuts down, throws
   * {@link ToolInterruptedException} instead.
   */
  static String run(List<String> cmd, Path dir, int timeoutSeconds) {
    Path log = null;
    try {
      if (ShutdownCleanup.shuttingDown()) throw new ToolInterruptedException("not starting " + cmd.get(0) + ": exiting");
      ShutdownCleanup.install();
      log = Files.createTempFile("exmy-tool", ".log");
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly); // g++ -> cc1plus, as ...
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new SimException("timed out after " + timeoutSeconds + " s: " + abbreviate(cmd) + "\n"
            + head(Files.readString(log, StandardCharsets.UTF_8), ERROR_LINES));
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0 && (ToolInterruptedException.signalled(p.exitValue()) || ShutdownCleanup.shuttingDown())) {
        throw new ToolInterruptedException(cmd.get(0) + " was interrupted (exit " + p.exitValue() + ")");
      }
      if (p.exitValue() != 0) {
        throw new SimException(cmd.get(0) + " failed (exit " + p.exitValue() + "): " + abbreviate(cmd) + "\n"
            + head(text, ERROR_LINES));
      }
      return text;
    } catch (IOException e) {
      throw new SimException("cannot run " + cmd.get(0) + installHint(cmd.get(0)) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolInterruptedException("interrupted while running " + cmd.get(0));
    } finally {
      if (log != null) {
        try {
          Files.deleteIfExists(log);
        } catch (IOException e) {
          // a leftover log in the temp folder is harmless
        }
      }
    }
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
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
    }
    return null;
  }

  private static String abbreviate(List<String> cmd) {
    String s = String.join(" ", cmd);
    return s.length() > 400 ? s.substring(0, 400) + " ..." : s;
  }

  /** The first {@code lines} lines of {@code text}, trimmed and indented. */
  static String head(String text, int lines) {
    String[] ls = text.strip().split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines, ls.length); i++) sb.append("  ").append(ls[i].stripTrailing()).append('\n');
    if (ls.length > lines) sb.append("  ... (").append(ls.length - lines).append(" more lines)\n");
    return sb.toString().stripTrailing();
  }
}
