package org.exmy.synth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

/**
 * Runs the {@code xilinx.ys} script (Yosys {@code synth_xilinx -family xc7 -flatten -noiopad
 * -noclkbuf [-nodsp]}) on one core and reads back the cell counts.
 *
 * <p>Files kept in the work folder, {@code BASE = TOP} or {@code TOP_nodsp}: {@code BASE.ys} (the
 * filled-in script; {@code yosys -s BASE.ys} repeats the run), {@code BASE.yosys.log} (everything
 * Yosys printed, stdout and stderr) and {@code BASE.stat.json} ({@code stat -json}).
 *
 * <p>The executable is {@code yosys} from the PATH, or the system property {@code exmy.yosys}. A
 * run takes about 3 s for a small core on one CPU core; Yosys is single threaded.
 */
public final class YosysRunner {
  /** Default limit for one Yosys run. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final Duration timeout;

  public YosysRunner() {
    this(DEFAULT_TIMEOUT);
  }

  public YosysRunner(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero())
      throw new IllegalArgumentException("timeout must be positive");
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * The Yosys executable: system property {@code exmy.yosys}, else {@code yosys} (from the PATH).
   */
  public static String executable() {
    return ToolProcess.executable("exmy.yosys", "yosys");
  }

  /** True when the Yosys executable exists ({@code exmy.yosys}, or {@code yosys} on the PATH). */
  public static boolean available() {
    return ToolProcess.onPath(executable());
  }

  /**
   * The first line of {@code yosys -V} (e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"), empty when Yosys
   * is missing or does not answer within 30 s.
   */
  public static Optional<String> version() {
    if (!available()) return Optional.empty();
    ToolRun.Result r;
    try {
      r = ToolRun.of(List.of(executable(), "-V")).timeout(Duration.ofSeconds(30)).run();
    } catch (ToolException e) {
      return Optional.empty();
    }
    String first = r.output().strip().split("\\R", 2)[0];
    return r.exitCode() == 0 && !first.isEmpty() ? Optional.of(first) : Optional.empty();
  }

  /** The script resource with its {@code ${...}} placeholders, as shipped. */
  public static String template() {
    try (InputStream in = YosysRunner.class.getResourceAsStream("xilinx.ys")) {
      if (in == null) throw new SynthException("missing resource org/exmy/synth/xilinx.ys");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Yosys script for these inputs, exactly as {@link #synthesize} runs it.
   *
   * @param statJson where {@code stat -json} goes, relative to Yosys' working folder (as {@link
   *     #synthesize} passes it) or absolute; Yosys' {@code tee -o} takes no quoting, so the name
   *     must not contain blanks or quotes
   */
  public static String script(List<Path> verilogFiles, String top, boolean useDsp, Path statJson) {
    checkTop(top);
    StringBuilder fs = new StringBuilder();
    for (Path f : verilogFiles)
      fs.append(fs.length() == 0 ? "" : " ").append(quote(f.toAbsolutePath().toString()));
    String json = plainName(statJson.toString());
    StringBuilder out = new StringBuilder();
    for (String line : template().split("\n", -1)) {
      if (!line.startsWith("#")) {
        line =
            line.replace("${FILES}", fs)
                .replace("${TOP}", top)
                .replace("${FLAGS}", useDsp ? "" : "-nodsp")
                .replace("${JSON}", json);
      }
      out.append(line).append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  /**
   * Synthesizes {@code top} from one Verilog file; see {@link #synthesize(List, String, boolean,
   * Path)}.
   */
  public SynthResult synthesize(Path verilogFile, String top, boolean useDsp, Path workDir) {
    return synthesize(List.of(verilogFile), top, useDsp, workDir);
  }

  /**
   * Synthesizes {@code top} for xc7 and returns its cell counts.
   *
   * @param useDsp false runs {@code synth_xilinx -nodsp}: multipliers become LUTs and carry chains
   * @param workDir created if needed; receives {@code TOP[_nodsp].ys/.yosys.log/.stat.json}
   * @throws SynthException when Yosys is missing, fails, or times out (the message holds the end of
   *     the log)
   */
  public SynthResult synthesize(List<Path> verilogFiles, String top, boolean useDsp, Path workDir) {
    checkTop(top);
    if (verilogFiles.isEmpty()) throw new IllegalArgumentException("no Verilog files");
    if (!available()) {
      throw new SynthException(
          "yosys not found (" + executable() + "); install it with: apt-get install -y yosys");
    }
    for (Path f : verilogFiles) {
      if (!Files.isRegularFile(f)) throw new SynthException("no such Verilog file: " + f);
    }
    String base = top + (useDsp ? "" : "_nodsp");
    Path ys = workDir.resolve(base + ".ys");
    Path json = workDir.resolve(base + ".stat.json");
    Path log = workDir.resolve(base + ".yosys.log");
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(json);
      // Yosys runs in workDir, and the JSON name is given relative to it: 'tee -o' cannot quote.
      Files.writeString(ys, script(verilogFiles, top, useDsp, json.getFileName()));
      int exit =
          ToolProcess.run(
              List.of(executable(), "-s", ys.toAbsolutePath().toString()),
              workDir,
              log,
              timeout,
              "yosys",
              top);
      if (exit != 0) throw ToolProcess.failed("yosys", top, exit, log);
      if (Files.isRegularFile(json))
        return YosysStatParser.parse(top, useDsp, Files.readString(json));
      return YosysStatParser.parse(
          top, useDsp, Files.readString(log)); // script edited by hand: text stat
    } catch (IOException e) {
      throw new SynthException("cannot run yosys on " + top + ": " + e.getMessage(), e);
    }
  }

  private static void checkTop(String top) {
    ToolProcess.checkModuleName(top);
  }

  /** Yosys command-line quoting of a file name. */
  private static String quote(String path) {
    return ToolProcess.yosysQuote(path);
  }

  /** A file name for 'tee -o', which takes no quoting. */
  private static String plainName(String path) {
    if (!path.matches("[^\\s\"';]+")) {
      throw new IllegalArgumentException(
          "Yosys 'tee -o' cannot take this file name (blank or quote): " + path);
    }
    return path;
  }

  static String tail(Path log) {
    return ToolProcess.tail(log);
  }
}
