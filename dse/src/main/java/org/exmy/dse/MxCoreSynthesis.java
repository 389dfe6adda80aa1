package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.exmy.hdl.Port;
import org.exmy.mac.MxCore;
import org.exmy.synth.CorePort;
import org.exmy.synth.Ice40Result;
import org.exmy.synth.Ice40Runner;
import org.exmy.synth.StaTiming;
import org.exmy.synth.SynthCsv;
import org.exmy.synth.SynthResult;
import org.exmy.synth.Xc7StaRunner;
import org.exmy.synth.YosysRunner;

/**
 * Synthesis of an MX dot-product core ({@link MxCore}) in the flows of {@link CoreSynthesis}: Yosys
 * xc7 cell counts, and with the options' timing flows iCE40 HX8K place and route and the xc7 logic
 * delay estimate. One DSP mode per call (the core's own {@code dsp}).
 */
public final class MxCoreSynthesis {
  private MxCoreSynthesis() {}

  /**
   * Synthesizes {@code core} in {@code dir}.
   *
   * @param progress where to report each step (one line each), or null
   */
  public static SynthCsv.Row run(
      MxCore core, Path dir, CoreSynthesis.Options opt, Consumer<String> progress) {
    boolean dsp = core.spec().dsp();
    Path v;
    try {
      Files.createDirectories(dir);
      v = dir.resolve(core.moduleName() + ".v");
      org.exmy.base.AtomicWrite.write(v, core.verilog());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
    List<CorePort> ports = new ArrayList<>();
    for (Port p : core.ports()) ports.add(new CorePort(p.name(), p.input(), p.width()));
    Ice40Result ice40 = null;
    if (opt.flows().contains("ice40")) {
      long t0 = System.nanoTime();
      ice40 =
          new Ice40Runner(Ice40Runner.DEFAULT_TIMEOUT, opt.seed(), Ice40Runner.DEFAULT_TARGET_MHZ)
              .run(List.of(v), core.moduleName(), ports, CoreSynthesis.CLOCK, dir);
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
    long t0 = System.nanoTime();
    SynthResult cost = new YosysRunner().synthesize(v, core.moduleName(), dsp, dir);
    step(progress, core, "yosys xc7" + (dsp ? "" : " -nodsp") + ": " + cost.luts() + " LUTs", t0);
    StaTiming sta = null;
    if (opt.flows().contains("xc7")) {
      t0 = System.nanoTime();
      sta =
          new Xc7StaRunner()
              .run(List.of(v), core.moduleName(), ports, CoreSynthesis.CLOCK, dsp, dir);
      step(
          progress,
          core,
          String.format(
              Locale.ROOT,
              "xc7 logic delay: %s%.3f ns",
              sta.exact() ? "" : "at most ",
              sta.criticalNs()),
          t0);
    }
    return new SynthCsv.Row(core.label(), cost, ice40, sta);
  }

  private static void step(Consumer<String> progress, MxCore core, String what, long t0) {
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
