package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.exmy.base.AtomicWrite;
import org.exmy.hdl.Port;
import org.exmy.mac.MacCore;
import org.exmy.synth.CorePort;
import org.exmy.synth.Ice40Result;
import org.exmy.synth.Ice40Runner;
import org.exmy.synth.StaTiming;
import org.exmy.synth.SynthCsv;
import org.exmy.synth.SynthResult;
import org.exmy.synth.VivadoTcl;
import org.exmy.synth.Xc7StaRunner;
import org.exmy.synth.YosysRunner;

/**
 * Synthesis of a generated core: Yosys xc7 cell counts per DSP mode, the Vivado TCL per mode, and
 * the timing flows (iCE40 place and route once per core: the HX8K has no DSP blocks; the xc7 logic
 * delay estimate per mode).
 */
public final class CoreSynthesis {
  /** The clock port of every exmy core. */
  public static final String CLOCK = "clk";

  private CoreSynthesis() {}

  /** The timing flows: {@code ice40} and/or {@code xc7}. */
  public record Options(String part, double periodNs, Set<String> flows, int seed) {
    /** Cell counts only, the default part, a 4 ns period. */
    public static Options cellsOnly() {
      return new Options(VivadoTcl.DEFAULT_PART, 4.0, Set.of(), Ice40Runner.DEFAULT_SEED);
    }
  }

  /**
   * Synthesizes {@code core} in {@code dir} for each DSP mode ({@code true}: DSP blocks allowed).
   *
   * @param progress where to report each step (one line each), or null
   */
  public static List<SynthCsv.Row> run(
      MacCore core, boolean[] dspModes, Path dir, Options opt, Consumer<String> progress) {
    try {
      Files.createDirectories(dir);
      Path v = dir.resolve(core.moduleName() + ".v");
      AtomicWrite.write(v, core.verilog());
      List<CorePort> ports = new ArrayList<>();
      for (Port p : core.ports()) ports.add(new CorePort(p.name(), p.input(), p.width()));
      Ice40Result ice40 = null;
      if (opt.flows().contains("ice40")) {
        long t0 = System.nanoTime();
        ice40 =
            new Ice40Runner(Ice40Runner.DEFAULT_TIMEOUT, opt.seed(), Ice40Runner.DEFAULT_TARGET_MHZ)
                .run(List.of(v), core.moduleName(), ports, CLOCK, dir);
        step(
            progress,
            core,
            String.format(
                Locale.ROOT,
                "iCE40 HX8K: %d LCs (+%d wrapper), %.2f MHz",
                ice40.coreLcs(),
                ice40.wrapperCells(),
                ice40.fmaxMhz()),
            t0);
      }
      List<SynthCsv.Row> rows = new ArrayList<>();
      for (boolean useDsp : dspModes) {
        long t0 = System.nanoTime();
        SynthResult cost = new YosysRunner().synthesize(v, core.moduleName(), useDsp, dir);
        step(
            progress,
            core,
            "yosys xc7" + (useDsp ? "" : " -nodsp") + ": " + cost.luts() + " LUTs",
            t0);
        StaTiming sta = null;
        if (opt.flows().contains("xc7")) {
          t0 = System.nanoTime();
          sta = new Xc7StaRunner().run(List.of(v), core.moduleName(), ports, CLOCK, useDsp, dir);
          step(
              progress,
              core,
              String.format(
                  Locale.ROOT,
                  "xc7 logic delay%s: %s%.3f ns (%.0f MHz without routing)",
                  useDsp ? "" : " -nodsp",
                  sta.exact() ? "" : "at most ",
                  sta.criticalNs(),
                  sta.logicMhz()),
              t0);
        }
        String base = core.moduleName() + (useDsp ? "" : "_nodsp");
        String tcl =
            VivadoTcl.emit(
                List.of(v),
                core.moduleName(),
                opt.part(),
                useDsp,
                dir.resolve("vivado_" + base),
                CLOCK,
                opt.periodNs());
        AtomicWrite.write(dir.resolve(base + ".vivado.tcl"), tcl);
        rows.add(new SynthCsv.Row(core.label(), cost, ice40, sta));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void step(Consumer<String> progress, MacCore core, String what, long t0) {
    if (progress != null) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "synth: %s: %s (%.1f s)",
              core.label(),
              what,
              (System.nanoTime() - t0) / 1e9));
    }
  }
}
