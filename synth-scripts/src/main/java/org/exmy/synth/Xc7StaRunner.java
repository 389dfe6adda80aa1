package org.exmy.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Logic-delay estimate of one core on Xilinx 7-series with Yosys alone ({@link StaTiming}): the
 * core inside its {@link SerialWrapper} (so that every path starts and ends at a flip-flop, whose
 * clock-to-Q and setup times count), {@code synth_xilinx -family xc7 -flatten -noiopad -noclkbuf
 * [-nodsp]} as in {@link YosysRunner}, then {@code read_verilog -lib -specify +/xilinx/cells_sim.v}
 * (the cell library with its specify delays; synth_xilinx of Yosys 0.23 has loaded it already, the
 * script does not rely on that) and {@code sta}.
 *
 * <p>Files in the work folder, {@code BASE = TOP_xc7sta[_nodsp]}: {@code BASE_wrap.v}, {@code
 * BASE.ys}, {@code BASE.yosys.log} (the {@code sta} report is at its end).
 */
public final class Xc7StaRunner {
  private final Duration timeout;

  public Xc7StaRunner() {
    this(YosysRunner.DEFAULT_TIMEOUT);
  }

  public Xc7StaRunner(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero())
      throw new IllegalArgumentException("timeout must be positive");
    this.timeout = timeout;
  }

  /** The Yosys script ({@code files} absolute). */
  static String script(
      List<Path> verilogFiles, Path wrapperFile, String wrapperModule, boolean useDsp) {
    List<String> fs = new ArrayList<>();
    for (Path f : verilogFiles) fs.add(ToolProcess.yosysQuote(f.toAbsolutePath().toString()));
    fs.add(ToolProcess.yosysQuote(wrapperFile.toAbsolutePath().toString()));
    return "# exmy: xc7 logic-delay estimate (cell delays only, no routing) of a core in its serial wrapper.\n"
        + "read_verilog "
        + String.join(" ", fs)
        + "\n"
        + "synth_xilinx -top "
        + wrapperModule
        + " -family xc7 -flatten -noiopad -noclkbuf"
        + (useDsp ? "" : " -nodsp")
        + "\n"
        + "# The Xilinx cell models with their specify timing (ps) for sta. synth_xilinx has loaded them\n"
        + "# already (Yosys 0.23); read again so that the estimate does not depend on that.\n"
        + "read_verilog -lib -specify +/xilinx/cells_sim.v\n"
        + "sta\n";
  }

  /**
   * @param useDsp false adds {@code -nodsp}
   * @throws SynthException when Yosys is missing, fails or times out, or sta's estimate is
   *     incomplete (see {@link YosysStaParser})
   */
  public StaTiming run(
      List<Path> verilogFiles,
      String top,
      List<CorePort> ports,
      String clockPort,
      boolean useDsp,
      Path workDir) {
    ToolProcess.checkModuleName(top);
    if (verilogFiles.isEmpty()) throw new IllegalArgumentException("no Verilog files");
    if (!YosysRunner.available()) {
      throw new SynthException(
          "yosys not found ("
              + YosysRunner.executable()
              + "); install it with: apt-get install -y yosys");
    }
    for (Path f : verilogFiles) {
      if (!Files.isRegularFile(f)) throw new SynthException("no such Verilog file: " + f);
    }
    SerialWrapper w = SerialWrapper.around(top, ports, clockPort);
    String base = top + "_xc7sta" + (useDsp ? "" : "_nodsp");
    Path wrap = workDir.resolve(base + "_wrap.v");
    Path ys = workDir.resolve(base + ".ys");
    Path log = workDir.resolve(base + ".yosys.log");
    try {
      Files.createDirectories(workDir);
      Files.writeString(wrap, w.verilog());
      Files.writeString(ys, script(verilogFiles, wrap, w.module(), useDsp));
      int exit =
          ToolProcess.run(
              List.of(YosysRunner.executable(), "-s", ys.toAbsolutePath().toString()),
              workDir,
              log,
              timeout,
              "yosys (sta)",
              top);
      if (exit != 0) throw ToolProcess.failed("yosys (sta)", top, exit, log);
      return YosysStaParser.parse(top, useDsp, Files.readString(log));
    } catch (IOException e) {
      throw new SynthException(
          "cannot run the xc7 timing estimate on " + top + ": " + e.getMessage(), e);
    }
  }
}
