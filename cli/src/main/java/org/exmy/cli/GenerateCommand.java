package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.exmy.hdl.Port;
import org.exmy.mac.Catalogue;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate the Verilog of a MAC core for FORMAT (times --b FORMAT, default the same).",
        "Writes OUTDIR/<module>.v (nothing else: the catalogue's manifest is 'exmy catalogue''s)",
        "and prints the module's interface."})
final class GenerateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "Format of operand a, e.g. E4M3, int8.")
  String format;

  @Option(names = "--b", paramLabel = "FORMAT", description = "Format of operand b (default: same as a).")
  String formatB;

  @Option(names = "--terms", paramLabel = "N", defaultValue = "" + MacGenerator.DEFAULT_TERMS,
      description = "Products summed exactly before the accumulator may wrap, 1.." + Limits.MAX_TERMS
          + " (default: ${DEFAULT-VALUE}).")
  int terms;

  @Option(names = "--lanes", paramLabel = "N", defaultValue = "1",
      description = "Products added per cycle, 1.." + Limits.MAX_LANES
          + ": 1 = MAC (default), N > 1 = N-lane dot-product core.")
  int lanes;

  @Option(names = {"-o", "--out"}, paramLabel = "OUTDIR", defaultValue = "build/verilog",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", paramLabel = "MODULE", description = "Module name (default: exmy_mac_<format>... or exmy_dot<N>_<format>...).")
  String name;

  @Override
  public void run() {
    Limits.checkTermsAndLanes(terms, lanes);
    NumberFormat a = Formats.parse(format);
    NumberFormat b = formatB == null ? a : Formats.parse(formatB);
    MacCore core;
    try {
      core = name == null ? MacGenerator.generate(a, b, terms, lanes)
          : MacGenerator.generate(a, b, terms, lanes, name);
    } catch (IllegalArgumentException | org.exmy.hdl.HdlException e) {
      throw new UsageException(e.getMessage());
    }
    List<Path> files = Catalogue.writeVerilog(out, List.of(core)); // never the catalogue's manifest
    PrintWriter o = spec.commandLine().getOut();
    o.println("wrote " + files.get(0));
    describe(o, core);
    o.flush();
  }

  static void describe(PrintWriter o, MacCore core) {
    var s = core.spec();
    o.println("module " + core.moduleName() + ": " + core.a().name() + " x " + core.b().name()
        + (core.lanes() > 1 ? ", " + core.lanes() + " lanes" : "") + ", exact for " + s.terms() + " products");
    o.println("  accumulator: " + s.width() + " bits = " + s.productBits() + " product + " + s.guardBits()
        + " guard + 1 sign; value = io_acc * 2^" + s.lsbExponent());
    for (Port p : core.ports()) {
      o.println(String.format("  %-6s %-10s %3d bit%s", p.input() ? "input" : "output", p.name(), p.width(),
          p.width() == 1 ? "" : "s"));
    }
  }
}
