package org.exmy.cli;

import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shared options: which cores a command works on. */
final class CoreSelection {
  @Parameters(arity = "0..*", paramLabel = "FORMAT",
      description = "Formats of operand a. Default: the whole catalogue.")
  List<String> formats = new ArrayList<>();

  @Option(names = "--b", paramLabel = "FORMAT",
      description = "Format of operand b for every core, e.g. E5M2 or INT8 (default: the same as a).")
  String b;

  @Option(names = "--terms", paramLabel = "N", defaultValue = "" + MacGenerator.DEFAULT_TERMS,
      description = "Products summed exactly, 1.." + Limits.MAX_TERMS + " (default: ${DEFAULT-VALUE}).")
  int terms;

  /** Lane counts above the limit make impractically many ports; the generator itself has no limit. */
  @Option(names = "--lanes", paramLabel = "N", defaultValue = "1",
      description = "Products added per cycle, 1.." + Limits.MAX_LANES
          + ": 1 = MAC (default), N > 1 = N-lane dot-product core.")
  int lanes;

  List<MacCore> cores() {
    Limits.checkTermsAndLanes(terms, lanes);
    List<NumberFormat> fs = formats.isEmpty() ? Formats.catalogue() : formats.stream().map(Formats::parse).toList();
    List<MacCore> cores = new ArrayList<>();
    NumberFormat fb = b == null ? null : Formats.parse(b);
    for (NumberFormat f : fs) cores.add(MacGenerator.generate(f, fb == null ? f : fb, terms, lanes));
    return cores;
  }
}
