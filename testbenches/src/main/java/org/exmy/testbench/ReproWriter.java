package org.exmy.testbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;
import org.exmy.hdl.Port;
import org.exmy.hdl.sim.ShutdownCleanup;
import org.exmy.hdl.sim.SimException;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MacCore;

/**
 * Writes the reproduction folder of a failed check: {@code <module>-<yyyyMMdd-HHmmss>-<check>/}
 * under a failures folder, holding
 *
 * <ul>
 *   <li>{@code <module>.v}: the Verilog that was checked;
 *   <li>{@code vectors.hex}: the stimulus from a reset pulse to a few cycles past the first
 *       failure, with the expected outputs ({@code $readmemh} format, fields described in {@code
 *       tb.v});
 *   <li>{@code tb.v}: a plain Verilog testbench that replays the vectors, compares every checked
 *       cycle and prints the first mismatch; it starts {@code wave.vcd} {@value Replay#PRE} cycles
 *       before the failure, so the trace stays small;
 *   <li>{@code run.sh}: builds it with {@code verilator --binary --trace} and runs it (exit code 1:
 *       the mismatch is there);
 *   <li>{@code failure.txt}: the first failing cycle in full and how to replay it.
 * </ul>
 *
 * Then it runs {@code run.sh} once (when Verilator and g++ are on the PATH), which leaves {@code
 * replay.log} and {@code wave.vcd}, and checks that the replay shows the same first mismatch. The
 * folder is built under a temporary name and renamed into place when complete.
 */
final class ReproWriter {
  /** Longest a replay may take (build and run). */
  static final int TIMEOUT_SECONDS = 900;

  private static final Pattern FIRST_MISMATCH =
      Pattern.compile("FIRST MISMATCH cycle (-?\\d+): io_acc 0x([0-9a-fA-F]+)");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  private ReproWriter() {}

  /**
   * Writes and runs the repro of {@code r} in a new folder under {@code failures}. When the folder
   * cannot be written, the result names {@code failures} itself and says why.
   */
  static Repro write(Replay r, String report, Path failures) {
    String module = r.core.moduleName();
    try {
      Files.createDirectories(failures);
      String base = module + "-" + LocalDateTime.now().format(STAMP) + "-" + slug(r.check);
      Path tmp = Files.createTempDirectory(failures, "." + base + ".tmp");
      ShutdownCleanup.inFlight(tmp);
      try {
        write(tmp.resolve(module + ".v"), r.verilog);
        writeVectors(tmp.resolve("vectors.hex"), r);
        write(tmp.resolve("tb.v"), testbench(r));
        Path run = tmp.resolve("run.sh");
        write(run, runScript(r));
        run.toFile().setExecutable(true, false);
        write(tmp.resolve("failure.txt"), failureText(r, report));
        Outcome o =
            VerilatorSim.available()
                ? replay(tmp, r)
                : new Outcome(false, false, "not run: verilator, g++ or gcc is not on the PATH");
        Path folder = unique(failures, base);
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
        return new Repro(folder, o.ran, o.reproduced, o.note);
      } finally {
        deleteTree(tmp);
        ShutdownCleanup.done(tmp);
      }
    } catch (IOException | UncheckedIOException e) {
      // the check's verdict stands; only its repro is missing
      return new Repro(
          failures, false, false, "no repro written: cannot write under " + failures + ": " + e);
    }
  }

  private record Outcome(boolean ran, boolean reproduced, String note) {}

  /** Runs {@code run.sh} in {@code dir} and compares its first mismatch with the check's. */
  private static Outcome replay(Path dir, Replay r) throws IOException {
    Path log = dir.resolve("run.out");
    int exit;
    try {
      exit =
          ToolRun.of(List.of("sh", "run.sh"))
              .directory(dir)
              .log(log)
              .timeout(Duration.ofSeconds(TIMEOUT_SECONDS))
              .run()
              .exitCode();
    } catch (ToolException e) {
      switch (e.kind()) {
        case TIMED_OUT:
          return new Outcome(true, false, "run.sh timed out after " + TIMEOUT_SECONDS + " s");
        case INTERRUPTED:
          throw new SimException("interrupted while replaying " + r.core.moduleName());
        default:
          throw new IOException(e.getMessage(), e);
      }
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    deleteTree(dir.resolve("obj_dir"));
    if (exit >= 2) {
      String tail = out.lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse("");
      return new Outcome(
          true, false, "run.sh failed (exit " + exit + "): " + tail + "; see build.log");
    }
    Files.deleteIfExists(dir.resolve("build.log"));
    String range = "wave.vcd: cycles " + r.dumpFrom() + ".." + r.lastCycle();
    Matcher m = FIRST_MISMATCH.matcher(out);
    if (!m.find()) {
      return new Outcome(
          true,
          false,
          "sh run.sh does NOT reproduce it: the replay matched every expected output; " + range);
    }
    long cycle = Long.parseLong(m.group(1));
    BigInteger acc = new BigInteger(m.group(2), 16);
    if (cycle == r.failCycle && acc.equals(r.first.actualBits())) {
      return new Outcome(
          true, true, "sh run.sh reproduces the mismatch at cycle " + cycle + "; " + range);
    }
    return new Outcome(
        true,
        false,
        "sh run.sh does NOT reproduce it exactly: its first mismatch is at cycle "
            + cycle
            + " with io_acc 0x"
            + acc.toString(16)
            + "; "
            + range);
  }

  private static String slug(String check) {
    String s =
        check.replaceAll("\\(.*", "").trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    if (s.length() > 24) s = s.substring(0, 24);
    return s.replaceAll("^-+|-+$", "");
  }

  private static Path unique(Path dir, String base) {
    Path p = dir.resolve(base);
    for (int k = 2; Files.exists(p); k++) p = dir.resolve(base + "-" + k);
    return p;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ vectors.hex layout

  /** Hex digits of one operand field of {@code bits} bits. */
  private static int digits(int bits) {
    return (bits + 3) / 4;
  }

  /** Bits of one line of vectors.hex. */
  private static int lineBits(Replay r) {
    MacCore c = r.core;
    return 32
        + 4
        + 4
        + c.lanes() * 4 * (digits(c.a().bits()) + digits(c.b().bits()))
        + 4
        + 4 * digits(r.expectedBits);
  }

  private static void writeVectors(Path file, Replay r) throws IOException {
    MacCore c = r.core;
    int ha = digits(c.a().bits());
    int hb = digits(c.b().bits());
    int hx = digits(r.expectedBits);
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(
          "// "
              + c.moduleName()
              + ", "
              + r.check
              + ": count_check_inputs_operands_flags_expected (see tb.v)\n");
      for (Replay.Line l : r.lines) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(
            String.format(
                "%08x_%x_%x",
                l.count,
                (l.checkAcc ? 1 : 0) | (l.checkFlags ? 2 : 0),
                (l.reset ? 4 : 0) | (l.clear ? 2 : 0) | (l.valid ? 1 : 0)));
        for (int k = 0; k < c.lanes(); k++) {
          sb.append('_').append(hex(BigInteger.valueOf(l.a[k]), ha));
          sb.append('_').append(hex(BigInteger.valueOf(l.b[k]), hb));
        }
        sb.append('_').append(Integer.toHexString(l.flags)).append('_').append(hex(l.expected, hx));
        if (l == r.lines.get(0)) {
          sb.append(" // reset pulse");
        } else if (l.cycle == r.failCycle) {
          sb.append(" // cycle ").append(l.cycle).append(": the first mismatch of the check");
        } else if (l.count > 1) {
          sb.append(" // cycles ")
              .append(l.cycle)
              .append("..")
              .append(l.cycle + l.count - 1)
              .append(", not compared");
        } else if (l.dense || l.cycle == r.window.start()) {
          sb.append(" // cycle ").append(l.cycle);
        }
        sb.append('\n');
        w.write(sb.toString());
      }
    }
  }

  private static String hex(BigInteger v, int digits) {
    String h = v.toString(16);
    return "0".repeat(Math.max(0, digits - h.length())) + h;
  }

  // ------------------------------------------------------------------ tb.v

  static String testbench(Replay r) {
    MacCore c = r.core;
    int w = c.spec().accWidth();
    int xw = r.expectedBits;
    int lw = lineBits(r);
    int ha = digits(c.a().bits());
    int hb = digits(c.b().bits());
    StringBuilder sb = new StringBuilder();
    sb.append("// Replay of a failed exmy check: drives ")
        .append(c.moduleName())
        .append(" with vectors.hex and\n");
    sb.append(
        "// compares its outputs cycle by cycle. Build and run it with run.sh (Verilator 5).\n//\n");
    for (String line : r.first.toString().split("\n")) sb.append("// ").append(line).append('\n');
    sb.append(
        "//\n// vectors.hex: one line per run of equal cycles, hex fields separated by '_':\n");
    sb.append(
        "//   count     (8 digits) cycles this line lasts; lines of more than one cycle are not compared\n");
    sb.append("//   check     (1 digit)  bit 0: compare io_acc, bit 1: compare the flags\n");
    sb.append("//   inputs    (1 digit)  bit 2: reset, bit 1: io_clear, bit 0: io_valid\n");
    sb.append("//   operands  (")
        .append(ha)
        .append(" + ")
        .append(hb)
        .append(" digits per lane) ")
        .append(c.lanes() == 1 ? "io_a, io_b\n" : "io_a_0, io_b_0, io_a_1, io_b_1, ...\n");
    sb.append(
        "//   flags     (1 digit)  expected bit 0: io_nan, bit 1: io_posInf, bit 2: io_negInf\n");
    sb.append("//   expected  (")
        .append(digits(xw))
        .append(" digits) ")
        .append(r.expectedMeaning)
        .append('\n');
    sb.append("// Line 0 is the reset pulse that precedes the check; ")
        .append(r.startNote())
        .append(".\n");
    sb.append(
        "// Cycle t's rising edge is at time 10 * (t - FIRST_CYCLE) + 5 (Verilator's default unit, 1 ps).\n");
    sb.append("module tb;\n");
    sb.append("  localparam integer LINES = ").append(r.lines.size()).append(";\n");
    sb.append("  localparam integer LW = ")
        .append(lw)
        .append(";  // bits per line of vectors.hex\n");
    sb.append("  localparam integer FIRST_CYCLE = ")
        .append(r.lines.get(0).cycle)
        .append(";  // the cycle of line 0\n");
    sb.append("  localparam integer DUMP_FROM = ")
        .append(r.dumpFrom())
        .append(";  // wave.vcd starts here\n\n");
    sb.append("  /* verilator tracing_off */\n");
    sb.append("  reg [LW-1:0] vectors [0:LINES-1];\n");
    sb.append("  reg [LW-1:0] v;\n");
    sb.append("  integer line;\n");
    sb.append("  reg [31:0] rep;\n");
    sb.append("  /* verilator tracing_on */\n");
    sb.append("  integer cycle;       // the check's cycle number\n");
    sb.append("  integer mismatches;\n\n");
    sb.append("  // the core's ports\n");
    for (Port p : c.ports()) {
      String range = p.width() == 1 ? "" : "[" + (p.width() - 1) + ":0] ";
      if (p.input()) {
        sb.append("  reg  ")
            .append(range)
            .append(p.name())
            .append(" = ")
            .append(p.width())
            .append("'d0;\n");
      } else {
        sb.append("  wire ").append(range).append(p.name()).append(";\n");
      }
    }
    sb.append("\n  // what is compared\n");
    sb.append("  reg check_acc = 1'b0;\n  reg check_flags = 1'b0;\n");
    sb.append("  reg [").append(xw - 1).append(":0] exp_acc = ").append(xw).append("'d0;\n");
    sb.append("  reg [2:0] exp_flags = 3'd0;\n");
    String got;
    if (xw == w && r.shift == 0) {
      got = "io_acc;  // io_acc as it is";
    } else {
      String ext = xw > w ? "{{" + (xw - w) + "{io_acc[" + (w - 1) + "]}}, io_acc}" : "io_acc";
      got =
          r.shift == 0
              ? ext + ";  // io_acc sign-extended"
              : ext
                  + " << "
                  + r.shift
                  + ";  // io_acc sign-extended, in units of 2^"
                  + r.unitExponent;
    }
    sb.append("  wire [").append(xw - 1).append(":0] got_acc = ").append(got).append('\n');
    String nan = c.hasFlags() ? "io_nan" : "1'b0";
    String pos = c.hasInfFlags() ? "io_posInf" : "1'b0";
    String neg = c.hasInfFlags() ? "io_negInf" : "1'b0";
    sb.append("  wire [2:0] got_flags = {")
        .append(neg)
        .append(", ")
        .append(pos)
        .append(", ")
        .append(nan)
        .append("};\n");
    sb.append(
        "  wire mismatch = (check_acc && got_acc !== exp_acc) || (check_flags && got_flags !== exp_flags);\n\n");
    sb.append("  ").append(c.moduleName()).append(" dut (\n");
    List<Port> ports = c.ports();
    for (int i = 0; i < ports.size(); i++) {
      String n = ports.get(i).name();
      sb.append("    .")
          .append(n)
          .append('(')
          .append(n)
          .append(')')
          .append(i + 1 < ports.size() ? ",\n" : "\n");
    }
    sb.append("  );\n\n");
    sb.append("  initial begin\n");
    sb.append("    $readmemh(\"vectors.hex\", vectors);\n");
    sb.append("    mismatches = 0;\n");
    sb.append("    cycle = FIRST_CYCLE - 1;\n");
    sb.append("    for (line = 0; line < LINES; line = line + 1) begin\n");
    sb.append("      v = vectors[line];\n");
    int hi = lw - 1;
    sb.append("      for (rep = 0; rep < v[")
        .append(hi)
        .append(':')
        .append(hi - 31)
        .append("]; rep = rep + 1) begin\n");
    sb.append("        cycle = cycle + 1;\n");
    hi -= 32;
    sb.append("        {check_flags, check_acc} = v[")
        .append(hi - 2)
        .append(':')
        .append(hi - 3)
        .append("];\n");
    hi -= 4;
    sb.append("        {reset, io_clear, io_valid} = v[")
        .append(hi - 1)
        .append(':')
        .append(hi - 3)
        .append("];\n");
    hi -= 4;
    for (int k = 0; k < c.lanes(); k++) {
      sb.append("        ")
          .append(c.aPort(k))
          .append(" = v[")
          .append(hi - 4 * ha + c.a().bits())
          .append(':')
          .append(hi - 4 * ha + 1)
          .append("];\n");
      hi -= 4 * ha;
      sb.append("        ")
          .append(c.bPort(k))
          .append(" = v[")
          .append(hi - 4 * hb + c.b().bits())
          .append(':')
          .append(hi - 4 * hb + 1)
          .append("];\n");
      hi -= 4 * hb;
    }
    sb.append("        exp_flags = v[").append(hi - 1).append(':').append(hi - 3).append("];\n");
    sb.append("        exp_acc = v[").append(xw - 1).append(":0];\n");
    sb.append("        if (cycle == DUMP_FROM) begin\n");
    sb.append("          $dumpfile(\"wave.vcd\");\n");
    sb.append("          $dumpvars(0, tb);\n");
    sb.append("        end\n");
    sb.append("        #5 clk = 1'b1;\n");
    sb.append("        #1;\n");
    sb.append("        if (mismatch) begin\n");
    sb.append("          if (mismatches == 0)\n");
    String unit = r.unitExponent == null ? "" : " = %0d x 2^" + r.unitExponent;
    sb.append("            $display(\"FIRST MISMATCH cycle %0d: io_acc 0x%h")
        .append(unit)
        .append(", expected 0x%h")
        .append(unit)
        .append("; flags (-inf +inf nan) %b, expected %b\",\n");
    sb.append("                     cycle, io_acc, ")
        .append(r.unitExponent == null ? "" : "$signed(got_acc), ")
        .append("exp_acc, ")
        .append(r.unitExponent == null ? "" : "$signed(exp_acc), ")
        .append("got_flags, exp_flags);\n");
    sb.append("          mismatches = mismatches + 1;\n");
    sb.append("        end\n");
    sb.append("        #4 clk = 1'b0;\n");
    sb.append("      end\n");
    sb.append("    end\n");
    sb.append(
        "    #1;  // one step first: right after the loops, counters read stale in Verilator 5.006\n");
    sb.append(
        "    if (mismatches == 0) $display(\"PASS: cycles %0d..%0d as expected\", FIRST_CYCLE + 1, cycle);\n");
    sb.append(
        "    else $display(\"%0d mismatching cycles in %0d..%0d\", mismatches, FIRST_CYCLE + 1, cycle);\n");
    sb.append("    $finish;\n");
    sb.append("  end\n");
    sb.append("endmodule\n");
    return sb.toString();
  }

  // ------------------------------------------------------------------ run.sh and failure.txt

  static String runScript(Replay r) {
    String module = r.core.moduleName();
    return "#!/bin/sh\n"
        + "# Replays the first mismatch of "
        + module
        + " ("
        + r.check
        + ")\n"
        + "# and writes wave.vcd (cycles "
        + r.dumpFrom()
        + ".."
        + r.lastCycle()
        + "). Needs Verilator 5 and g++.\n"
        + "# Exit code: 1 the core shows a mismatch (the failure is reproduced), 0 it matches every\n"
        + "# expected output, 2 the build or the run failed.\n"
        + "cd \"$(dirname \"$0\")\" || exit 2\n"
        + "verilator --binary --trace -Wno-fatal -Wno-lint -Wno-style --top-module tb -Mdir obj_dir \\\n"
        + "  tb.v "
        + module
        + ".v >build.log 2>&1 \\\n"
        + "  || { cat build.log >&2; echo \"run.sh: the build failed\" >&2; exit 2; }\n"
        + "./obj_dir/Vtb >replay.log 2>&1\n"
        + "status=$?\n"
        + "cat replay.log\n"
        + "if grep -q '^FIRST MISMATCH' replay.log; then exit 1; fi\n"
        + "if [ \"$status\" -eq 0 ] && grep -q '^PASS' replay.log; then exit 0; fi\n"
        + "exit 2\n";
  }

  private static String failureText(Replay r, String report) {
    MacCore c = r.core;
    StringBuilder sb = new StringBuilder();
    sb.append(c.moduleName())
        .append(": ")
        .append(c.label())
        .append(", latency ")
        .append(c.latency())
        .append(", io_acc ")
        .append(c.spec().accWidth())
        .append(" bits\n");
    sb.append(report.strip()).append("\n\n");
    sb.append(r.first).append("\n\n");
    sb.append(
        "Replay: sh run.sh (Verilator 5 and g++; exit code 1 = the mismatch is reproduced)\n");
    sb.append("  ").append(r.startNote()).append('\n');
    sb.append("  vectors.hex: ")
        .append(r.lines.size())
        .append(" lines for cycles ")
        .append(r.lines.get(0).cycle)
        .append("..")
        .append(r.lastCycle())
        .append(" (line 0 is the reset pulse); expected column: ")
        .append(r.expectedMeaning)
        .append('\n');
    long edge = 10 * (r.failCycle - r.lines.get(0).cycle) + 5;
    sb.append("  wave.vcd: cycles ")
        .append(r.dumpFrom())
        .append("..")
        .append(r.lastCycle())
        .append(", every signal of tb and the core; cycle ")
        .append(r.failCycle)
        .append("'s rising edge is at time ")
        .append(edge)
        .append(" (tb.cycle holds the cycle number, tb.mismatch marks a mismatch)\n");
    sb.append("Files: ")
        .append(c.moduleName())
        .append(".v (the Verilog checked), tb.v, vectors.hex, run.sh,")
        .append(" replay.log (the output of the last run)\n");
    return sb.toString();
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temporary folder is harmless
    }
  }
}
