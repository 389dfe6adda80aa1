package org.exmy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.exmy.dse.CoreSynthesis;
import org.exmy.dse.FormatGrid;
import org.exmy.dse.Sweep;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "flow",
    mixinStandardHelpOptions = true,
    description = {
      "Prove and synthesize the catalogue (or the cores named): a preset of exmy sweep.",
      "For each core: prove it bit-exact in Verilator (every operand pair, random accumulate sequences, "
          + "the worst-case oracle), synthesize it with and without DSP blocks, and rate each format's "
          + "quantization of a Gaussian tensor (SQNR); no model. Writes OUTDIR/points.csv (and the sweep's "
          + "other outputs). Results are cached like the sweep's. Exit code 1 when any core is not bit-exact."
    })
final class FlowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "OUTDIR",
      defaultValue = "build/flow",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--sequences",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Random accumulate sequences per core, 0.."
              + Limits.MAX_SEQUENCES
              + " (default: ${DEFAULT-VALUE}).")
  int sequences;

  @Option(names = "--no-synth", description = "Skip synthesis.")
  boolean noSynth;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Stages run at once (default: one per processor).")
  Integer jobs;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Result cache (default: as exmy sweep).")
  Path cache;

  @Override
  public Integer call() {
    Limits.checkTermsAndLanes(selection.terms, selection.lanes);
    Limits.check("--sequences", sequences, 0, Limits.MAX_SEQUENCES);
    int j =
        jobs == null
            ? Runtime.getRuntime().availableProcessors()
            : (int) Limits.check("--jobs", jobs, 1, 64);
    List<String> names =
        selection.formats.isEmpty()
            ? Formats.catalogue().stream().map(NumberFormat::name).toList()
            : selection.formats;
    FormatGrid grid = FormatGrid.parse(String.join(",", names));
    String pairs = "same";
    if (selection.b != null) {
      List<String> list = new ArrayList<>();
      for (NumberFormat f : grid.formats()) list.add(f.name() + "/" + selection.b);
      pairs = String.join(",", list);
    }
    Sweep.Config c =
        new Sweep.Config(
            grid,
            pairs,
            List.of(selection.lanes),
            selection.terms,
            Pipeline.parse(selection.pipeline),
            selection.accumulator(),
            noSynth ? List.of(false) : List.of(true, false),
            List.of(),
            "fashion-mnist",
            null,
            null,
            256,
            QuantOptions.of(grid.formats().get(0), grid.formats().get(0)),
            true,
            sequences,
            !noSynth,
            CoreSynthesis.Options.cellsOnly(),
            j,
            out.resolve("synth"),
            cache == null ? Sweep.defaultCacheDir() : cache,
            org.exmy.nn.quant.Metric.TOP1);
    return SweepCommand.execute(c, spec.commandLine().getOut(), out, "exmy flow");
  }
}
