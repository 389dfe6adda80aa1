package org.exmy.hdl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

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
      ToolRun.Result r =
          ToolRun.of(
                  List.of(
                      "verilator", "--lint-only", "-Wall", "--top-module", top, file.toString()))
              .timeout(Duration.ofSeconds(120))
              .run();
      String text = r.output();
      List<String> msgs = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("%")) msgs.add(line);
      }
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
      return new Result(r.exitCode(), msgs);
    } catch (IOException e) {
      throw new HdlException(
          "cannot run verilator (install it with: apt-get install -y verilator): "
              + e.getMessage());
    } catch (ToolException e) {
      throw switch (e.kind()) {
        case CANNOT_START ->
            new HdlException(
                "cannot run verilator (install it with: apt-get install -y verilator): "
                    + e.reason());
        case TIMED_OUT -> new HdlException("verilator --lint-only timed out after 120 s");
        case INTERRUPTED -> new HdlException("interrupted while linting");
      };
    }
  }
}
