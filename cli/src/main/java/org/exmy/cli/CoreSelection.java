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
      description = "Products summed exactly (default: ${DEFAULT-VALUE}).")
  int terms;

  @Option(names = "--lanes", paramLabel = "N", defaultValue = "1",
      description = "Products added per cycle: 1 = MAC (default), N > 1 = N-lane dot-product core.")
  int lanes;

  /** Lane counts above this make impractically many ports; the generator itself has no limit. */
  static final int MAX_LANES = 256;

  static void checkLanes(int lanes, int terms) {
    if (lanes < 1 || lanes > MAX_LANES) {
      throw new UsageException("--lanes must be 1.." + MAX_LANES + ", got " + lanes);
    }
    if (terms < lanes) {
      throw new UsageException("--terms (" + terms + ") must be at least --lanes (" + lanes
          + "): one cycle already adds " + lanes + " products");
    }
  }

  List<MacCore> cores() {
    if (terms < 1) throw new UsageException("--terms must be at least 1, got " + terms);
    checkLanes(lanes, terms);
    List<NumberFormat> fs = formats.isEmpty() ? Formats.catalogue() : formats.stream().map(Formats::parse).toList();
    List<MacCore> cores = new ArrayList<>();
    NumberFormat fb = b == null ? null : Formats.parse(b);
    for (NumberFormat f : fs) cores.add(MacGenerator.generate(f, fb == null ? f : fb, terms, lanes));
    return cores;
  }
}
