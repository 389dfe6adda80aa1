package org.exmy.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real place and route of one core on a Lattice iCE40 HX8K (package ct256): the core goes into a
 * {@link SerialWrapper} (4 pins), Yosys {@code synth_ice40} maps it, {@code nextpnr-ice40} places
 * and routes it, and its report gives the core clock's Fmax and the cells used.
 *
 * <p>Flow, all in the work folder ({@code BASE = TOP_ice40}): {@code BASE_wrap.v} (the wrapper),
 * {@code BASE.ys} ({@code read_verilog}; {@code synth_ice40 -top TOP_serial_wrap -json BASE.json};
 * plain {@code synth_ice40}: the HX8K has no DSP blocks, so {@code -dsp} does not apply, and {@code
 * -abc9} is marked experimental in Yosys 0.23), {@code BASE.yosys.log}, then {@code nextpnr-ice40
 * --hx8k --package ct256 --json BASE.json --report BASE.report.json --freq F --seed S
 * --pcf-allow-unconstrained --timing-allow-fail} ({@code BASE.nextpnr.log}). The pins are placed by
 * nextpnr (no .pcf); the clock is promoted to a global buffer by nextpnr.
 *
 * <p>Executables: {@code nextpnr-ice40} from the PATH or the system property {@code exmy.nextpnr};
 * Yosys as in {@link YosysRunner#executable()}.
 */
public final class Ice40Runner {
  /** Default limit for each of the two tool runs. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** Placer seed used unless another is given (results vary a few percent between seeds). */
  public static final int DEFAULT_SEED = 1;

  /** nextpnr's {@code --freq} target; nextpnr 0.4 reports the achieved Fmax whatever the target. */
  public static final double DEFAULT_TARGET_MHZ = 100;

  private static final Pattern NO_BELS =
      Pattern.compile("no BELs remaining to implement cell type '([A-Za-z0-9_]+)'");
  private static final Pattern UTIL_LINE =
      Pattern.compile("^Info:\\s+([A-Za-z0-9_]+):\\s+(\\d+)/\\s*(\\d+)\\s.*$");

  private final Duration timeout;
  private final int seed;
  private final double targetMhz;

  public Ice40Runner() {
    this(DEFAULT_TIMEOUT, DEFAULT_SEED, DEFAULT_TARGET_MHZ);
  }

  public Ice40Runner(Duration timeout, int seed, double targetMhz) {
    if (timeout.isNegative() || timeout.isZero())
      throw new IllegalArgumentException("timeout must be positive");
    if (!(targetMhz > 0) || Double.isInfinite(targetMhz)) {
      throw new IllegalArgumentException("target frequency must be positive: " + targetMhz);
    }
    this.timeout = timeout;
    this.seed = seed;
    this.targetMhz = targetMhz;
  }

  /** The nextpnr executable: system property {@code exmy.nextpnr}, else {@code nextpnr-ice40}. */
  public static String executable() {
    return ToolProcess.executable("exmy.nextpnr", "nextpnr-ice40");
  }

  /** True when both nextpnr-ice40 and Yosys can be run. */
  public static boolean available() {
    return ToolProcess.onPath(executable()) && YosysRunner.available();
  }

  /**
   * The Yosys script of the flow ({@code files} absolute, the JSON name relative to the work
   * folder).
   */
  static String script(
      List<Path> verilogFiles, Path wrapperFile, String wrapperModule, String json) {
    List<String> fs = new ArrayList<>();
    for (Path f : verilogFiles) fs.add(ToolProcess.yosysQuote(f.toAbsolutePath().toString()));
    fs.add(ToolProcess.yosysQuote(wrapperFile.toAbsolutePath().toString()));
    return "# exmy: iCE40 synthesis of a core inside its serial I/O wrapper (see Ice40Runner).\n"
        + "read_verilog "
        + String.join(" ", fs)
        + "\n"
        + "synth_ice40 -top "
        + wrapperModule
        + " -json "
        + json
        + "\n";
  }

  /**
   * Places and routes {@code top} on an iCE40 HX8K.
   *
   * @param verilogFiles the core's sources
   * @param ports every port of {@code top}
   * @param clockPort its clock input
   * @param workDir created if needed; receives the files named in the class comment
   * @throws SynthException when a tool is missing, fails or times out, or the design does not fit
   *     the device (the message says how many cells it needs)
   */
  public Ice40Result run(
      List<Path> verilogFiles, String top, List<CorePort> ports, String clockPort, Path workDir) {
    ToolProcess.checkModuleName(top);
    if (verilogFiles.isEmpty()) throw new IllegalArgumentException("no Verilog files");
    if (!YosysRunner.available()) {
      throw new SynthException(
          "yosys not found ("
              + YosysRunner.executable()
              + "); install it with: apt-get install -y yosys");
    }
    if (!ToolProcess.onPath(executable())) {
      throw new SynthException(
          "nextpnr-ice40 not found ("
              + executable()
              + "); install it with: apt-get install -y nextpnr-ice40 fpga-icestorm");
    }
    for (Path f : verilogFiles) {
      if (!Files.isRegularFile(f)) throw new SynthException("no such Verilog file: " + f);
    }
    SerialWrapper w = SerialWrapper.around(top, ports, clockPort);
    String base = top + "_ice40";
    Path wrap = workDir.resolve(base + "_wrap.v");
    Path ys = workDir.resolve(base + ".ys");
    Path json = workDir.resolve(base + ".json");
    Path ylog = workDir.resolve(base + ".yosys.log");
    Path report = workDir.resolve(base + ".report.json");
    Path nlog = workDir.resolve(base + ".nextpnr.log");
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(json);
      Files.deleteIfExists(report);
      Files.writeString(wrap, w.verilog());
      Files.writeString(ys, script(verilogFiles, wrap, w.module(), json.getFileName().toString()));
      int exit =
          ToolProcess.run(
              List.of(YosysRunner.executable(), "-s", ys.toAbsolutePath().toString()),
              workDir,
              ylog,
              timeout,
              "yosys (synth_ice40)",
              top);
      if (exit != 0) throw ToolProcess.failed("yosys (synth_ice40)", top, exit, ylog);
      List<String> cmd =
          List.of(
              executable(),
              "--hx8k",
              "--package",
              "ct256",
              "--json",
              json.getFileName().toString(),
              "--report",
              report.getFileName().toString(),
              "--freq",
              String.format(Locale.ROOT, "%.3f", targetMhz),
              "--seed",
              Integer.toString(seed),
              "--pcf-allow-unconstrained",
              "--timing-allow-fail");
      exit = ToolProcess.run(cmd, workDir, nlog, timeout, "nextpnr-ice40", top);
      if (exit != 0) {
        SynthException noFit = doesNotFit(top, nlog, w);
        throw noFit != null ? noFit : ToolProcess.failed("nextpnr-ice40", top, exit, nlog);
      }
      if (!Files.isRegularFile(report))
        throw new SynthException("nextpnr-ice40 wrote no report " + report);
      NextpnrReport.Parsed p = NextpnrReport.parse(Files.readString(report), clockPort);
      return new Ice40Result(
          top, p.fmaxMhz(), p.used(), p.available(), w.ice40Cells(), seed, targetMhz);
    } catch (IOException e) {
      throw new SynthException("cannot run the iCE40 flow on " + top + ": " + e.getMessage(), e);
    }
  }

  /** A "does not fit" exception when the log says the placer ran out of cells, else null. */
  static SynthException doesNotFit(String top, Path log, SerialWrapper w) throws IOException {
    if (!Files.exists(log)) return null;
    String text = Files.readString(log);
    Matcher m = NO_BELS.matcher(text);
    if (!m.find()) return null;
    String type = m.group(1);
    for (String line : text.split("\\R")) {
      Matcher u = UTIL_LINE.matcher(line);
      if (u.matches() && u.group(1).equals(type)) {
        return new SynthException(
            top
                + " does not fit the iCE40 HX8K: the wrapped design needs "
                + u.group(2)
                + " "
                + type
                + ", the device has "
                + u.group(3)
                + " (the serial wrapper takes "
                + w.ice40Cells()
                + " logic cells)");
      }
    }
    return new SynthException(
        top + " does not fit the iCE40 HX8K: no " + type + " left (log " + log + ")");
  }
}
