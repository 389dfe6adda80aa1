package org.exmy.hdl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code verilator --lint-only -Wall} on generated Verilog. */
public final class VerilatorLint {
  private VerilatorLint() {}

  /** Result of a lint run: exit code and every warning/error line. */
  public record Result(int exitCode, List<String> messages) {
    public boolean clean() {
      return exitCode == 0 && messages.isEmpty();
    }
  }

  /** Lints {@code verilog} whose top module is {@code top}; the file is named {@code top.v}. */
  public static Result lint(String verilog, String top) {
    try {
      Path dir = Files.createTempDirectory("exmy-lint");
      Path file = dir.resolve(top + ".v");
      Files.writeString(file, verilog, StandardCharsets.UTF_8);
      Process p = new ProcessBuilder("verilator", "--lint-only", "-Wall", "--top-module", top, file.toString())
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HdlException("verilator --lint-only timed out after 120 s");
      }
      List<String> msgs = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("%")) msgs.add(line);
      }
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
      return new Result(p.exitValue(), msgs);
    } catch (IOException e) {
      throw new HdlException("cannot run verilator (install it with: apt-get install -y verilator): "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HdlException("interrupted while linting");
    }
  }
}
