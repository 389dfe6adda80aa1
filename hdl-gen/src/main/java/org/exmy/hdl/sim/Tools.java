package org.exmy.hdl.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external tools with a timeout and turns failures into {@link SimException}s. */
final class Tools {
  private Tools() {}

  static String run(List<String> cmd, Path dir, int timeoutSeconds) {
    try {
      Path log = Files.createTempFile(dir, "tool", ".log");
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SimException("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0) {
        throw new SimException(cmd.get(0) + " failed (exit " + p.exitValue() + "): " + abbreviate(cmd) + "\n"
            + head(text, 40));
      }
      return text;
    } catch (IOException e) {
      String hint = cmd.get(0).equals("verilator") ? " (install it with: apt-get install -y verilator)"
          : cmd.get(0).equals("g++") || cmd.get(0).equals("gcc") ? " (install it with: apt-get install -y g++)" : "";
      throw new SimException("cannot run " + cmd.get(0) + hint + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SimException("interrupted while running " + cmd.get(0), e);
    }
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
    }
    return false;
  }

  private static String abbreviate(List<String> cmd) {
    String s = String.join(" ", cmd);
    return s.length() > 300 ? s.substring(0, 300) + " ..." : s;
  }

  static String head(String text, int lines) {
    String[] ls = text.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines, ls.length); i++) sb.append("  ").append(ls[i]).append('\n');
    if (ls.length > lines) sb.append("  ... (").append(ls.length - lines).append(" more lines)\n");
    return sb.toString();
  }
}
