package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.exmy.dse.CoreSynthesis;
import org.exmy.dse.MxCoreSynthesis;
import org.exmy.hdl.Port;
import org.exmy.mac.MxCore;
import org.exmy.mac.MxGenerator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.synth.Ice40Result;
import org.exmy.synth.SynthCsv;
import picocli.CommandLine.Option;

/**
 * MX dot-product cores on the command line ({@code exmy generate MXFP8_E4M3 --block 32 --lanes 4},
 * {@code exmy synth MXINT8}): when the FORMATs (and --b) are MX names, {@code generate} and {@code
 * synth} build {@link MxCoreSpec}s instead of {@code CoreSpec}s. {@code --terms N} keeps its
 * meaning (products summed exactly): the core holds {@code ceil(N / block)} full blocks at any
 * scales.
 */
final class MxCores {
  @Option(
      names = "--block",
      paramLabel = "K",
      description =
          "MX cores: elements per block, a power of two 2..1024 (default: the MX name's, 32);"
              + " --lanes must divide it.")
  Integer block;

  @Option(
      names = "--scale-range",
      paramLabel = "LO..HI",
      description =
          "MX cores with the exact accumulator: the combined scale exponents Xa + Xb it holds, within"
              + " -254..254 (default: full); a narrower range narrows the register and the shifter, and a block"
              + " outside adds nothing and sets io_range.")
  String scaleRange;

  /** True when the selection names MX formats (all of them must then be MX). */
  static boolean selected(CoreSelection sel) {
    long mx = sel.formats.stream().filter(MxFormat::isMx).count();
    boolean bMx = sel.b != null && MxFormat.isMx(sel.b);
    if (mx == 0 && !bMx) return false;
    if (mx != sel.formats.size() || (sel.b != null && !bMx)) {
      throw new UsageException(
          "MX and plain formats cannot be mixed in one command: "
              + String.join(" ", sel.formats)
              + (sel.b == null ? "" : " --b " + sel.b));
    }
    return true;
  }

  /** The MX specs of the selection ({@link #selected} must be true). */
  List<MxCoreSpec> specs(CoreSelection sel, boolean dsp) {
    Limits.checkTermsAndLanes(sel.terms, sel.lanes);
    Pipeline p = Pipeline.parse(sel.pipeline);
    List<MxCoreSpec> out = new ArrayList<>();
    for (String f : sel.formats) {
      MxFormat a = parse(f);
      MxFormat b = sel.b == null ? a : parse(sel.b);
      int blocks = (sel.terms + a.blockSize() - 1) / a.blockSize();
      // the accumulator as for the other cores (a fixed-point one is refused by MxCoreSpec)
      AccumulatorKind acc =
          sel.accumulator().apply(CoreSpec.mac(a.element(), b.element())).accumulator();
      out.add(
          new MxCoreSpec(
              a,
              b,
              blocks,
              sel.lanes,
              acc,
              p,
              dsp,
              scaleRange == null
                  ? MxCoreSpec.ScaleRange.FULL
                  : MxCoreSpec.ScaleRange.parse(scaleRange)));
    }
    return out;
  }

  private MxFormat parse(String name) {
    MxFormat f = MxFormat.parse(name);
    if (block == null || f.blockSize() == block) return f;
    if (name.toLowerCase(Locale.ROOT).contains(":block=")) {
      throw new UsageException("--block " + block + " contradicts " + name);
    }
    return MxFormat.parse(name + ":block=" + block);
  }

  /** Writes {@code <module>.v} into {@code dir}. */
  static Path write(Path dir, MxCore core) {
    try {
      Files.createDirectories(dir);
      Path v = dir.resolve(core.moduleName() + ".v");
      org.exmy.base.AtomicWrite.write(v, core.verilog());
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Prints the core's geometry and ports, as {@code generate} does for the other cores. */
  static void describe(PrintWriter o, MxCore core) {
    MxCoreSpec s = core.spec();
    if (s.accumulator() instanceof AccumulatorKind.Floating f) {
      o.println("module " + core.moduleName() + ": " + s.label() + ", latency " + s.latency());
      o.println(
          "  accumulator: floating point "
              + f.tag()
              + " = E"
              + f.exponentBits()
              + "M"
              + f.mantissaBits()
              + " (bias "
              + f.bias()
              + "), acc + lane sum * 2^(scale_a + scale_b - 254) rounded to nearest even every"
              + " cycle; io_acc = sign, exponent, mantissa");
    } else {
      o.println(
          "module "
              + core.moduleName()
              + ": "
              + s.label()
              + ", exact for "
              + s.blocks()
              + " blocks ("
              + s.terms()
              + " products) at "
              + (s.hasRangeFlag() ? "Xa + Xb in " + s.scales() : "any scales")
              + ", latency "
              + s.latency());
      o.println(
          "  accumulator: "
              + s.accWidth()
              + " bits = "
              + s.elementGeometry().productBits()
              + " product + "
              + s.scales().span()
              + " scale + "
              + (32 - Integer.numberOfLeadingZeros(s.terms() - 1))
              + " guard + 1 sign; value = io_acc * 2^"
              + s.lsbExponent());
    }
    for (Port p : core.ports()) {
      o.println(
          String.format(
              "  %-6s %-10s %3d bit%s",
              p.input() ? "input" : "output", p.name(), p.width(), p.width() == 1 ? "" : "s"));
    }
  }

  /**
   * Synthesizes an MX core per DSP mode in the existing flows ({@link MxCoreSynthesis}); iCE40
   * place and route once, on the LUT core (the HX8K has no DSP blocks), unless only DSP is asked.
   */
  static List<SynthCsv.Row> synth(
      MxCoreSpec spec,
      boolean[] dspModes,
      Path dir,
      CoreSynthesis.Options opt,
      Consumer<String> progress) {
    List<SynthCsv.Row> rows = new ArrayList<>();
    boolean[] order = dspModes.length == 2 ? new boolean[] {false, true} : dspModes;
    Ice40Result ice40 = null;
    for (boolean useDsp : order) {
      Set<String> flows = new LinkedHashSet<>(opt.flows());
      if (ice40 != null) flows.remove("ice40");
      SynthCsv.Row row =
          MxCoreSynthesis.run(
              MxGenerator.generate(spec.withDsp(useDsp)),
              dir,
              new CoreSynthesis.Options(opt.part(), opt.periodNs(), flows, opt.seed()),
              progress);
      if (row.ice40() != null) ice40 = row.ice40();
      rows.add(new SynthCsv.Row(row.format(), row.cost(), ice40, row.xc7()));
    }
    return rows;
  }
}
