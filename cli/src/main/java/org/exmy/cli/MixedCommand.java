package org.exmy.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exmy.dse.FormatGrid;
import org.exmy.dse.MixedFlow;
import org.exmy.dse.SensitivityReport;
import org.exmy.dse.Sweep;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.MixedPrecision.Assignment;
import org.exmy.simulator.FormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "mixed",
    mixinStandardHelpOptions = true,
    description = {
      "Per-layer mixed precision under a LUT budget: chooses a format (pair) per linear node so that "
          + "the network's MAC cores fit --budget LUTs and the metric is best. Each node is measured alone in each "
          + "candidate (the layer sensitivities), an exact knapsack on those losses picks the assignment, and "
          + "greedy single-node changes refine it by measurement (docs/quantization.md \"Mixed precision under a LUT budget\").",
      "A node's cost: its core's LUTs (Yosys xc7, the sweep's cached cost stage) x --macs-per-node cores, or "
          + "x ceil(MACs per item / --cycles).",
      "Prints the assignment per node and the fronts; writes OUT/mixed.csv, front.csv, front.png/.svg and "
          + "OUT/cores/ (the chosen cores' Verilog and manifest.csv)."
    })
final class MixedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "An .onnx file, or a reference model: mlp, cnn, vit, bert.")
  String model;

  @Option(
      names = "--budget",
      paramLabel = "LUTS",
      required = true,
      description = "Total LUTs of the MAC cores.")
  long budget;

  @Option(
      names = "--formats",
      paramLabel = "LIST",
      defaultValue = "E2M1,E3M2,E2M3,E4M3,E3M4,INT4,INT6,INT8",
      description = "Candidate formats, as for 'exmy sweep --formats' (default: ${DEFAULT-VALUE}).")
  String formats;

  @Option(
      names = "--pairs",
      paramLabel = "PAIRS",
      defaultValue = "same",
      description =
          "Candidate pairs weights/activations: same (W = A) or W/A,W/A,... (default: ${DEFAULT-VALUE}).")
  String pairs;

  @Option(
      names = "--macs-per-node",
      paramLabel = "N",
      defaultValue = "1",
      description = "MAC cores per linear node (default: ${DEFAULT-VALUE}); ignored with --cycles.")
  long macsPerNode;

  @Option(
      names = "--cycles",
      paramLabel = "C",
      description = "Cycles per item: each node gets ceil(its MACs per item / C) cores.")
  Long cycles;

  @Option(
      names = "--refine",
      paramLabel = "ROUNDS",
      defaultValue = "2",
      description =
          "Rounds of greedy refinement by measurement, 0..20 (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--tries",
      paramLabel = "N",
      defaultValue = "4",
      description = "Single-node changes measured per round, 1..100 (default: ${DEFAULT-VALUE}).")
  int tries;

  @Option(names = "--data", paramLabel = "DATA", description = "Test data, as for 'exmy accuracy'.")
  String data;

  @Option(
      names = "--metric",
      paramLabel = "M",
      description =
          "top1, fidelity (= sqnr), sqnr, cosine, agreement or maxerr (default: top1 with labels, else sqnr).")
  String metric;

  @Option(names = "--limit", paramLabel = "N", description = "Use only the first N test items.")
  Integer limit;

  @Mixin PtqOptions ptq = new PtqOptions();

  @Mixin AccumulatorOptions accumulator = new AccumulatorOptions();

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "build/mixed",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Result cache (default: as for 'exmy sweep').")
  Path cache;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads (default: one per processor).")
  Integer threads;

  @Override
  public Integer call() {
    Limits.check("--budget", budget, 1, Long.MAX_VALUE / 4);
    Limits.check("--macs-per-node", macsPerNode, 1, 1_000_000);
    if (cycles != null) Limits.check("--cycles", cycles, 1, Long.MAX_VALUE / 4);
    Limits.check("--refine", rounds, 0, 20);
    Limits.check("--tries", tries, 1, 100);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    int nThreads = ModelInputs.threads(threads);
    FormatGrid grid;
    try {
      grid = FormatGrid.parse(formats);
      if (grid.pairs(pairs).isEmpty())
        throw new UsageException("--formats " + formats + ": no candidate pair");
    } catch (FormatException e) {
      throw new UsageException("--formats/--pairs: " + e.getMessage());
    }
    var acc = accumulator.choice();
    ptq.options(
        grid.pairs(pairs).get(0)[0],
        grid.pairs(pairs).get(0)[1],
        acc,
        1); // checks the PTQ options once
    Metric mt0 = metric == null ? null : Metric.parse(metric);
    Model m = ReferenceModels.load(model);
    String d = ModelInputs.data(data, model, "--data");
    ModelData test = ModelInputs.test(d, m, limit);
    Metric mt = mt0 != null ? mt0 : test.labels() != null ? Metric.TOP1 : Metric.SQNR;
    if (mt == Metric.TOP1 && test.labels() == null) {
      throw new UsageException(
          test.source() + ": no labels (an array y) for --metric top1; use --metric fidelity");
    }
    ModelData rated = mt == Metric.TOP1 ? test : new ModelData(test.inputs(), null);
    var calib = ModelInputs.calibration(ptq, d, m);
    SynthCommand.requireYosys();
    MixedFlow.Settings s =
        new MixedFlow.Settings(
            grid,
            pairs,
            (w, a) -> ptq.options(w, a, acc, 1),
            budget,
            macsPerNode,
            cycles,
            rounds,
            tries,
            cache == null ? Sweep.defaultCacheDir() : cache,
            out.resolve("synth"));
    MixedFlow.Outcome o;
    String label = ModelInputs.label(model);
    try (Progress p =
        Progress.start("mixed " + label + " (budget " + budget + " LUTs)", MixedFlow.steps(m, s))) {
      o =
          MixedFlow.run(
              m,
              rated,
              calib,
              s,
              mt,
              nThreads,
              new Sweep.Listener() {
                @Override
                public void progress(int done, int total, String what) {
                  p.extra(what);
                }

                @Override
                public void log(String line) {
                  System.err.println("exmy: " + line);
                }
              },
              p::stepTo);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--budget " + budget + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new UsageException(Main.message(e));
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println("node,op,macs,units,format,luts");
    int[] c = o.chosen().choice();
    for (int i = 0; i < c.length; i++) {
      LinearSite site = o.sites().get(i);
      w.printf(
          Locale.ROOT,
          "%s,%s,%d,%d,%s,%d%n",
          site.nodeName(),
          site.opType(),
          o.macs()[i],
          o.units()[i],
          c[i] < 0 ? "fp32" : o.study().candidates().get(c[i]).name(),
          c[i] < 0 ? 0 : o.coreLuts()[c[i]] * o.units()[i]);
    }
    w.printf(
        Locale.ROOT,
        "# chosen: %d of %d LUTs, %s %s (predicted %s; float32 %s)%n",
        o.chosen().cost(),
        budget,
        mt.id(),
        SensitivityReport.num(o.chosen().value()),
        SensitivityReport.num(o.chosen().predicted()),
        SensitivityReport.num(o.study().fp32()));
    printFront(w, "uniform", o, o.front(o.uniform()));
    printFront(w, "mixed", o, o.front(o.mixed()));
    try {
      MixedFlow.write(out, label, o);
    } catch (UncheckedIOException e) {
      throw new UsageException(Main.message(e));
    }
    w.println("wrote " + out.resolve("mixed.csv") + ", front.csv, front.png, cores/manifest.csv");
    w.flush();
    return 0;
  }

  private static void printFront(
      PrintWriter w, String kind, MixedFlow.Outcome o, java.util.List<Assignment> front) {
    w.println("# " + kind + " front: LUTs, " + o.study().metric().id() + ", assignment");
    for (Assignment a : front) {
      w.printf(
          Locale.ROOT,
          "#   %8d %9s  %s%n",
          a.cost(),
          SensitivityReport.num(a.value()),
          o.describe(a));
    }
  }
}
