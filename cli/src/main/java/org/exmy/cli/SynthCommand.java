package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.exmy.dse.CoreSynthesis;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.CoreSpec;
import org.exmy.synth.Ice40Runner;
import org.exmy.synth.SynthCsv;
import org.exmy.synth.VivadoTcl;
import org.exmy.synth.XilinxPart;
import org.exmy.synth.YosysRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Synthesize MAC cores: xc7 LUT/FF/CARRY4/DSP48, iCE40 LCs and Fmax, xc7 logic delay.",
      "Runs Yosys synth_xilinx on each core (with and without DSP blocks) and writes a CSV of "
          + "its Xilinx 7-series cells. Timing (--timing): 'ice40' places and routes the core on an "
          + "iCE40 HX8K with nextpnr-ice40 (inside a 4-pin serial wrapper) and reports its logic cells "
          + "and Fmax; 'xc7' estimates the 7-series critical path from Yosys' cell delays WITHOUT "
          + "routing (a logic-delay estimate, not an Fmax). Also writes a Vivado TCL script per core "
          + "(out-of-context synthesis, place, route, utilization and timing reports)."
    })
final class SynthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Mixin MxCores mx;

  /** Which DSP modes to run. */
  enum DspMode {
    both,
    dsp,
    nodsp
  }

  @Option(
      names = "--dsp",
      paramLabel = "MODE",
      defaultValue = "both",
      description =
          "both (default), dsp (DSP48E1 allowed; the core's multiplies written for them) or nodsp"
              + " (LUTs only).")
  DspMode dsp;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "build/synth",
      description = "Work folder for Verilog, logs, TCL and synth.csv (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--part",
      defaultValue = VivadoTcl.DEFAULT_PART,
      description =
          "Xilinx part of the Vivado TCL: xc7* (7-series), xcku*/xcvu*/xczu*/xcau* (UltraScale+), "
              + "xcv* (Versal), full name with package and speed grade (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(
      names = "--timing",
      paramLabel = "FLOWS",
      split = ",",
      description =
          "Timing flows, comma separated: ice40, xc7, or none. Default: ice40,xc7 (ice40 is left out, "
              + "with a note, when nextpnr-ice40 is not installed; named explicitly it is required).")
  List<String> timing;

  @Option(
      names = "--period",
      paramLabel = "NS",
      defaultValue = "4.0",
      description =
          "Clock period of the Vivado TCL's create_clock, ns (default: ${DEFAULT-VALUE}).")
  double period;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + Ice40Runner.DEFAULT_SEED,
      description =
          "nextpnr-ice40 placer seed (default: ${DEFAULT-VALUE}); Fmax varies a few percent with it.")
  int seed;

  @Override
  public Integer call() {
    checkPart(part);
    if (!(period > 0) || Double.isInfinite(period))
      throw new UsageException("--period must be positive, got " + period);
    Set<String> flows = flows(timing);
    requireYosys();
    PrintWriter err = spec.commandLine().getErr();
    if (flows.contains("ice40") && !Ice40Runner.available()) {
      if (timing != null) {
        throw new UsageException(
            "--timing ice40 needs nextpnr-ice40; run ./setup.sh (or: apt-get install -y "
                + "nextpnr-ice40 fpga-icestorm)");
      }
      err.println(
          "exmy: note: nextpnr-ice40 is not installed: the ice40_* columns stay empty (./setup.sh installs it)");
      err.flush();
      flows.remove("ice40");
    }
    PrintWriter o = spec.commandLine().getOut();
    boolean mxCores = MxCores.selected(selection);
    List<CoreSpec> specs = mxCores ? List.of() : selection.specs();
    o.println(SynthCsv.header());
    List<SynthCsv.Row> rows = new ArrayList<>();
    if (mxCores) {
      for (org.exmy.simulator.MxCoreSpec s : mx.specs(selection, false)) {
        for (SynthCsv.Row row :
            MxCores.synth(
                s,
                modes(dsp),
                out,
                new CoreSynthesis.Options(part, period, flows, seed),
                line -> {
                  err.println(line);
                  err.flush();
                })) {
          rows.add(row);
          o.println(SynthCsv.row(row));
          o.flush();
        }
      }
    }
    for (CoreSpec s : specs) {
      for (boolean useDsp : modes(dsp)) {
        // with DSP blocks allowed, the core's multiplies are written for them (CoreSpec.dsp)
        MacCore core = MacGenerator.generate(s.withDsp(useDsp));
        for (SynthCsv.Row row :
            CoreSynthesis.run(
                core,
                new boolean[] {useDsp},
                out,
                new CoreSynthesis.Options(part, period, flows, seed),
                line -> {
                  err.println(line);
                  err.flush();
                })) {
          rows.add(row);
          o.println(SynthCsv.row(row));
          o.flush();
        }
      }
    }
    SynthCsv.write(out.resolve("synth.csv"), rows);
    o.println("wrote " + out.resolve("synth.csv"));
    o.flush();
    return 0;
  }

  /** The part, checked against the known Xilinx patterns (exit 2 before any work when unknown). */
  static void checkPart(String part) {
    try {
      XilinxPart.family(part);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--part: " + e.getMessage());
    }
  }

  /** The flows named by --timing (null: the default ice40 and xc7). */
  static Set<String> flows(List<String> timing) {
    if (timing == null) return new LinkedHashSet<>(List.of("ice40", "xc7"));
    Set<String> f = new LinkedHashSet<>();
    for (String t : timing) {
      String n = t.strip().toLowerCase(Locale.ROOT);
      if (!n.equals("ice40") && !n.equals("xc7") && !n.equals("none")) {
        throw new UsageException("--timing: unknown flow '" + t + "' (ice40, xc7 or none)");
      }
      f.add(n);
    }
    if (f.contains("none") && f.size() > 1)
      throw new UsageException("--timing none cannot be combined with other flows");
    f.remove("none");
    return f;
  }

  static boolean[] modes(DspMode m) {
    return switch (m) {
      case both -> new boolean[] {true, false};
      case dsp -> new boolean[] {true};
      case nodsp -> new boolean[] {false};
    };
  }

  static void requireYosys() {
    if (!YosysRunner.available()) {
      throw new UsageException(
          "yosys is needed for synthesis; run ./setup.sh (or: apt-get install -y yosys)");
    }
  }
}
