package org.exmy.cli;

import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shared options: which cores a command works on, as {@link CoreSpec}s. */
final class CoreSelection {
  @Parameters(
      arity = "0..*",
      paramLabel = "FORMAT",
      description = "Formats of operand a. Default: the whole catalogue.")
  List<String> formats = new ArrayList<>();

  @Option(
      names = "--b",
      paramLabel = "FORMAT",
      description =
          "Format of operand b for every core, e.g. E5M2 or INT8 (default: the same as a).")
  String b;

  @Option(
      names = "--terms",
      paramLabel = "N",
      defaultValue = "" + CoreSpec.DEFAULT_TERMS,
      description =
          "Products summed exactly, 1.." + Limits.MAX_TERMS + " (default: ${DEFAULT-VALUE}).")
  int terms;

  /**
   * Lane counts above the limit make impractically many ports; the generator itself has no limit.
   */
  @Option(
      names = "--lanes",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Products added per cycle, 1.."
              + Limits.MAX_LANES
              + ": 1 = MAC (default), N > 1 = N-lane dot-product core.")
  int lanes;

  @Option(
      names = "--pipeline",
      paramLabel = "STAGES",
      defaultValue = "none",
      description =
          "Register stages: none (default), 1..4 (presets: 1 = after the product, 2 = also after"
              + " decode, 3 = also after the significand multiply and every adder-tree level, 4 = also a 16-bit"
              + " chunked accumulator), or a list of decode, multiply, product, tree=K, chunk=B.")
  String pipeline;

  @Mixin AccumulatorOptions accumulatorOptions;

  /** The specs of the selected cores (the catalogue formats when none are named). */
  List<CoreSpec> specs() {
    Limits.checkTermsAndLanes(terms, lanes);
    AccumulatorChoice choice = accumulator();
    List<NumberFormat> fs =
        formats.isEmpty() ? Formats.catalogue() : formats.stream().map(Formats::parse).toList();
    NumberFormat fb = b == null ? null : Formats.parse(b);
    Pipeline p = Pipeline.parse(pipeline);
    List<CoreSpec> specs = new ArrayList<>();
    for (NumberFormat f : fs) {
      CoreSpec s =
          CoreSpec.mac(f, fb == null ? f : fb).withTerms(terms).withLanes(lanes).withPipeline(p);
      specs.add(choice.apply(s));
    }
    return specs;
  }

  /** The accumulator asked for (checked: one line, exit 2). */
  AccumulatorChoice accumulator() {
    return accumulatorOptions.choice();
  }

  List<MacCore> cores() {
    return specs().stream().map(MacGenerator::generate).toList();
  }
}
