package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.exmy.mac.MacCore;
import org.exmy.synth.SynthCsv;
import org.exmy.synth.SynthResult;
import org.exmy.synth.VivadoTcl;
import org.exmy.synth.YosysRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Synthesize MAC cores with Yosys for Xilinx 7-series: LUT/FF/CARRY4/DSP48 CSV.",
        "Runs Yosys synth_xilinx on each core and reports",
        "LUT/FF/CARRY4/DSP48 counts as CSV, with and without DSP blocks. Also writes a Vivado",
        "TCL script per core for users who have Vivado."})
final class SynthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  /** Which DSP modes to run. */
  enum DspMode { both, dsp, nodsp }

  @Option(names = "--dsp", paramLabel = "MODE", defaultValue = "both",
      description = "both (default), dsp (DSP48E1 allowed) or nodsp (LUTs only).")
  DspMode dsp;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "build/synth",
      description = "Work folder for Verilog, logs, TCL and synth.csv (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--part", defaultValue = "xc7z020clg400-1",
      description = "Part named in the Vivado TCL (default: ${DEFAULT-VALUE}).")
  String part;

  @Override
  public Integer call() {
    requireYosys();
    PrintWriter o = spec.commandLine().getOut();
    o.println(SynthCsv.header());
    List<String> rows = new ArrayList<>();
    for (MacCore core : selection.cores()) {
      for (SynthResult r : synth(core, modes(dsp), out, part)) {
        String row = SynthCsv.row(core.label(), r);
        rows.add(row);
        o.println(row);
        o.flush();
      }
    }
    writeCsv(out.resolve("synth.csv"), rows);
    o.println("wrote " + out.resolve("synth.csv"));
    o.flush();
    return 0;
  }

  static boolean[] modes(DspMode m) {
    return switch (m) {
      case both -> new boolean[] {true, false};
      case dsp -> new boolean[] {true};
      case nodsp -> new boolean[] {false};
    };
  }

  static List<SynthResult> synth(MacCore core, boolean[] modes, Path dir, String part) {
    try {
      Files.createDirectories(dir);
      Path v = dir.resolve(core.moduleName() + ".v");
      Files.writeString(v, core.verilog());
      List<SynthResult> results = new ArrayList<>();
      for (boolean useDsp : modes) {
        results.add(new YosysRunner().synthesize(v, core.moduleName(), useDsp, dir));
        String tcl = VivadoTcl.emit(List.of(v), core.moduleName(), part, useDsp,
            dir.resolve("vivado_" + core.moduleName() + (useDsp ? "" : "_nodsp")), 4.0);
        Files.writeString(dir.resolve(core.moduleName() + (useDsp ? "" : "_nodsp") + ".vivado.tcl"), tcl);
      }
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir, e);
    }
  }

  static void writeCsv(Path csv, List<String> rows) {
    try {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      Files.writeString(csv, SynthCsv.header() + "\n" + String.join("\n", rows) + (rows.isEmpty() ? "" : "\n"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + csv, e);
    }
  }

  static void requireYosys() {
    if (!YosysRunner.available()) {
      throw new UsageException("yosys is needed for synthesis; run ./setup.sh (or: apt-get install -y yosys)");
    }
  }
}
