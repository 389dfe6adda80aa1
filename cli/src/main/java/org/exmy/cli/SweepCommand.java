package org.exmy.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.exmy.dse.CoreSynthesis;
import org.exmy.dse.FormatGrid;
import org.exmy.dse.PointResult;
import org.exmy.dse.ReportSettings;
import org.exmy.dse.Sweep;
import org.exmy.dse.SweepReport;
import org.exmy.dse.ToolVersions;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Design-space sweep: cost against accuracy for every format, with the Pareto front.",
      "For each point of the grid (format pair x lanes x DSP x model): generate the core, prove it "
          + "bit-exact in Verilator, synthesize it with Yosys, and rate the model's top-1 with the core's "
          + "exact arithmetic (exmy accuracy). Results are cached per stage (a re-run does only what "
          + "changed; an interrupted sweep resumes). Writes OUTDIR/points.csv, pareto.csv, plots and "
          + "report.html. Exit code 1 when a core is not bit-exact or a stage failed."
    })
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--formats",
      paramLabel = "LIST",
      defaultValue = FormatGrid.DEFAULT,
      description =
          "Formats or patterns, comma separated: names, E*M* (every plain ExMy of 3..8 bits), INT*, UINT*,"
              + " ml_dtypes or globs like float8_*, each optionally :bits=A..B (default: ${DEFAULT-VALUE}); MX* (the six"
              + " OCP MX formats, :block=K optional) or MX names: accuracy only, no proof or synthesis (no MX core yet).")
  String formats;

  @Option(
      names = "--pairs",
      paramLabel = "PAIRS",
      defaultValue = "same",
      description = "Weight x activation pairs: same (W = A, default), all, or W/A,W/A,...")
  String pairs;

  @Option(
      names = "--lanes",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "1",
      description = "Lane counts, comma separated (default: ${DEFAULT-VALUE}).")
  List<Integer> lanes;

  @Option(
      names = "--terms",
      paramLabel = "N",
      defaultValue = "" + org.exmy.simulator.CoreSpec.DEFAULT_TERMS,
      description =
          "Products the exact accumulator holds, 1.."
              + Limits.MAX_TERMS
              + " (default: ${DEFAULT-VALUE}).")
  int terms;

  @Option(
      names = "--pipeline",
      paramLabel = "STAGES",
      defaultValue = "none",
      description = "The cores' pipeline (see exmy generate --help; default: ${DEFAULT-VALUE}).")
  String pipeline;

  @picocli.CommandLine.Mixin AccumulatorOptions accumulatorOptions;

  @picocli.CommandLine.Mixin PtqOptions ptqOptions;

  @Option(
      names = "--dsp",
      paramLabel = "MODE",
      defaultValue = "nodsp",
      description =
          "Synthesis DSP modes: nodsp (LUTs only, default), dsp (the core's multiplies written for"
              + " DSP blocks), or both.")
  String dsp;

  @Option(
      names = "--model",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "cnn",
      description =
          "Models rated, comma separated: mlp, cnn, vit, bert or .onnx files (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--no-accuracy", description = "Skip the accuracy stage.")
  boolean noAccuracy;

  @Option(
      names = "--data",
      paramLabel = "DATA",
      description =
          "Test data of the models (default: each reference model's own: fashion-mnist, bert's"
              + " shipped pairs); needed for a model file.")
  String data;

  @Option(
      names = "--metric",
      paramLabel = "M",
      defaultValue = "top1",
      description =
          "What ranks the points and draws the front: top1, fidelity (= sqnr), sqnr, cosine,"
              + " agreement (every point measures them all; default: ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--limit", paramLabel = "N", description = "Test images used (default: all).")
  Integer limit;

  @Option(names = "--no-proof", description = "Skip the Verilator proof stage.")
  boolean noProof;

  @Option(
      names = "--sequences",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Random accumulate sequences of each proof, besides every operand pair and the worst-case"
              + " oracle, 0..100000 (default: ${DEFAULT-VALUE}).")
  int sequences;

  @Option(names = "--no-synth", description = "Skip synthesis.")
  boolean noSynth;

  @Option(
      names = "--timing",
      paramLabel = "FLOWS",
      split = ",",
      defaultValue = "none",
      description =
          "Timing flows of synthesis: none (default), ice40, xc7 (iCE40 place and route is slow).")
  List<String> timing;

  @Option(
      names = "--part",
      defaultValue = org.exmy.synth.VivadoTcl.DEFAULT_PART,
      description = "Part named in the Vivado TCL (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Stages run at once (default: one per processor).")
  Integer jobs;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "OUTDIR",
      defaultValue = "build/sweep",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Result cache (default: $EXMY_CACHE/sweep, ~/.cache/exmy/sweep).")
  Path cache;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Compute only shard I of N of the stages (balanced, stable), into the cache; no report"
              + " (--collect makes it).")
  String shard;

  @Option(
      names = "--collect",
      description =
          "Compute nothing: assemble points.csv, pareto.csv, plots and the"
              + " report from the cache (exit 2, naming how many stages are missing, when shards did not finish).")
  boolean collect;

  @Option(
      names = "--status",
      description = "Compute nothing: show finished/total stages in the cache, per kind.")
  boolean status;

  @Option(
      names = "--slurm",
      description =
          "Write a SLURM job array (task I runs --shard I/N) and a collect job"
              + " that waits for it (afterok) into OUTDIR/slurm; --submit submits both.")
  boolean slurm;

  @Option(
      names = "--submit",
      description = "With --slurm: submit the jobs (sbatch --parsable); prints the job ids.")
  boolean submit;

  @Option(
      names = "--partition",
      paramLabel = "P",
      description = "With --slurm: the partition (default: the" + " cluster's).")
  String partition;

  @Option(
      names = "--time",
      paramLabel = "T",
      description = "With --slurm: each task's time limit (SLURM's" + " format, e.g. 4:00:00).")
  String time;

  @Option(
      names = "--cpus",
      paramLabel = "C",
      defaultValue = "4",
      description =
          "With --slurm: CPUs per task,"
              + " also its --jobs unless given (default: ${DEFAULT-VALUE}).")
  int cpus;

  @Option(
      names = "--array-size",
      paramLabel = "N",
      defaultValue = "4",
      description =
          "With --slurm: tasks of"
              + " the array, the N of --shard I/N (default: ${DEFAULT-VALUE}).")
  int arraySize;

  /**
   * Options that the SLURM jobs do not repeat (they set their own), with whether each takes a
   * value.
   */
  private static final java.util.Map<String, Boolean> NOT_REPEATED =
      java.util.Map.ofEntries(
          java.util.Map.entry("--slurm", false),
          java.util.Map.entry("--submit", false),
          java.util.Map.entry("--collect", false),
          java.util.Map.entry("--status", false),
          java.util.Map.entry("--partition", true),
          java.util.Map.entry("--time", true),
          java.util.Map.entry("--cpus", true),
          java.util.Map.entry("--array-size", true),
          java.util.Map.entry("--shard", true),
          java.util.Map.entry("-o", true),
          java.util.Map.entry("--out", true),
          java.util.Map.entry("--cache", true));

  @Override
  public Integer call() {
    int modes = (collect ? 1 : 0) + (status ? 1 : 0) + (slurm ? 1 : 0) + (shard != null ? 1 : 0);
    if (modes > 1)
      throw new UsageException("--collect, --status, --slurm and --shard go alone, one at a time");
    if (!slurm && (submit || partition != null || time != null)) {
      throw new UsageException("--submit, --partition and --time go with --slurm");
    }
    if (shard != null) {
      try {
        SHARD.set(org.exmy.dse.Shard.parse(shard));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    try {
      if (status) return status(config(), spec.commandLine().getOut());
      if (collect)
        return collect(config(), spec.commandLine().getOut(), out, "exmy sweep --collect");
      if (slurm) return slurm(config(), spec.commandLine().getOut());
      return execute(config(), spec.commandLine().getOut(), out, "exmy sweep");
    } finally {
      SHARD.remove();
    }
  }

  /** --status: finished/total stages per kind; exit 0. */
  private static int status(Sweep.Config config, PrintWriter o) {
    if (Sweep.points(config).isEmpty()) throw new UsageException("the grid is empty");
    Sweep.CacheStatus st = Sweep.status(config, ToolVersions.read());
    o.println(st.line() + " (cache " + config.cache() + ")");
    o.flush();
    return 0;
  }

  /** --collect: the report from the cache; exit 2 when stages are missing. */
  private static int collect(Sweep.Config config, PrintWriter o, Path dir, String command) {
    if (Sweep.points(config).isEmpty()) throw new UsageException("the grid is empty");
    ToolVersions tools = ToolVersions.read();
    Sweep.Collected c = Sweep.collect(config, tools);
    if (c.outcome() == null) {
      throw new UsageException(
          c.status().missing()
              + " stages are missing from the cache "
              + config.cache()
              + " ("
              + c.status().line()
              + "): run their shards first (see --status)");
    }
    return report(config, tools, c.outcome(), o, dir, command);
  }

  /** --slurm: writes (and with --submit submits) the job array and the collect job. */
  private int slurm(Sweep.Config config, PrintWriter o) {
    if (Sweep.points(config).isEmpty()) throw new UsageException("the grid is empty");
    org.exmy.dse.SlurmJobs.Options opts;
    try {
      opts = new org.exmy.dse.SlurmJobs.Options(partition, time, cpus, arraySize);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    List<String> args = new java.util.ArrayList<>();
    List<String> given = spec.commandLine().getParseResult().originalArgs();
    int from = given.indexOf("sweep") + 1; // the sweep's own arguments
    boolean userJobs = false;
    for (int i = from; i < given.size(); i++) {
      String a = given.get(i);
      String name = a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      Boolean takesValue = NOT_REPEATED.get(name);
      if (takesValue != null) {
        if (takesValue && name.equals(a)) i++; // and its value
        continue;
      }
      if (name.equals("--jobs")) userJobs = true;
      args.add(a);
    }
    Path cwd = Path.of("").toAbsolutePath();
    org.exmy.dse.SlurmJobs.Scripts scripts;
    try {
      scripts =
          org.exmy.dse.SlurmJobs.write(
              new org.exmy.dse.SlurmJobs.Sweep(
                  launcher(),
                  args,
                  userJobs,
                  out.toAbsolutePath().normalize(),
                  config.cache().toAbsolutePath().normalize(),
                  cwd),
              opts);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new UsageException(Main.message(e));
    }
    o.println(
        "wrote " + scripts.array() + " (" + opts.arraySize() + " tasks) and " + scripts.collect());
    if (!submit) {
      o.println(
          "submit: array=$(sbatch --parsable "
              + scripts.array()
              + ") && sbatch --dependency=afterok:$array "
              + scripts.collect());
    } else {
      org.exmy.dse.SlurmJobs.Submitted ids;
      try {
        ids = org.exmy.dse.SlurmJobs.submit(scripts, System.getProperty("exmy.sbatch", "sbatch"));
      } catch (IllegalStateException e) {
        throw new UsageException(Main.message(e));
      }
      o.println(
          "submitted array job "
              + ids.arrayJob()
              + " ("
              + opts.arraySize()
              + " tasks) and collect job "
              + ids.collectJob()
              + " (after it); a failed task I alone: sbatch --array=I "
              + scripts.array());
    }
    o.flush();
    return 0;
  }

  /**
   * The command that starts this exmy on a node: this JVM, the Vector API module, this class path.
   */
  static List<String> launcher() {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp"));
    List<String> cp = new java.util.ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) cp.add(Path.of(e).toAbsolutePath().toString());
    }
    cmd.add(String.join(java.io.File.pathSeparator, cp));
    cmd.add(Main.class.getName());
    return cmd;
  }

  /**
   * Runs a sweep: checks the tools it needs, shows progress, writes the outputs into {@code dir},
   * prints the front and a summary. Returns the exit code.
   */
  private static final ThreadLocal<org.exmy.dse.Shard> SHARD = new ThreadLocal<>();

  static int execute(Sweep.Config config, PrintWriter o, Path dir, String command) {
    List<org.exmy.dse.DesignPoint> points = Sweep.points(config);
    if (points.isEmpty()) throw new UsageException("the grid is empty");
    if (config.prove()) VerifyCommand.requireVerilator();
    if (config.synthesize()) SynthCommand.requireYosys();
    ToolVersions tools = ToolVersions.read();
    Sweep.Outcome outcome;
    try (Progress progress = Progress.start("sweep (" + points.size() + " points)", 1)) {
      outcome =
          Sweep.run(
              config,
              tools,
              new Sweep.Listener() {
                boolean sized;

                @Override
                public synchronized void progress(int done, int total, String what) {
                  if (!sized) {
                    progress.resize(total);
                    sized = true;
                  }
                  progress.extra(what);
                  progress.stepTo(done);
                }

                @Override
                public void log(String line) {
                  System.err.println("exmy: " + line);
                }
              },
              SHARD.get());
    } catch (UncheckedIOException e) {
      throw new UsageException(Main.message(e)); // e.g. a full disk: what is cached stays cached
    }
    if (SHARD.get() != null) {
      org.exmy.dse.Shard sh = SHARD.get();
      o.printf(
          Locale.ROOT,
          "shard %d/%d: %d stages (%d from the cache), %.1f s, into the cache %s; the report:"
              + " the same command with --collect instead of --shard%n",
          sh.index(),
          sh.count(),
          outcome.stages(),
          outcome.cached(),
          outcome.seconds(),
          config.cache());
      for (String f : outcome.failures()) o.println("FAILED " + f);
      o.flush();
      return outcome.failures().isEmpty() ? 0 : Main.EXIT_FAILURE;
    }
    return report(config, tools, outcome, o, dir, command);
  }

  /** Writes the outputs into {@code dir}, prints the front and a summary; returns the exit code. */
  private static int report(
      Sweep.Config config,
      ToolVersions tools,
      Sweep.Outcome outcome,
      PrintWriter o,
      Path dir,
      String command) {
    List<PointResult> results = outcome.results();
    try {
      SweepReport.write(dir, results, settings(config, tools, outcome, command));
    } catch (UncheckedIOException e) {
      throw new UsageException(Main.message(e));
    }
    printFront(o, results);
    o.printf(
        Locale.ROOT,
        "%d points, %d stages (%d from the cache), %.1f s; wrote %s%n",
        results.size(),
        outcome.stages(),
        outcome.cached(),
        outcome.seconds(),
        dir.resolve(SweepReport.REPORT_HTML));
    for (String f : outcome.failures()) o.println("FAILED " + f);
    long bad = results.stream().filter(r -> r.proof() != null && !r.verified()).count();
    o.println(
        bad > 0
            ? bad + " CORES ARE NOT BIT-EXACT"
            : results.stream().anyMatch(r -> r.proof() != null)
                ? "every core is bit-exact"
                : "no proofs run");
    o.flush();
    return outcome.ok() ? 0 : Main.EXIT_FAILURE;
  }

  /** The front per model on stdout: LUTs and the ranking metric (top-1 % by default). */
  static void printFront(PrintWriter o, List<PointResult> results) {
    for (var e : SweepReport.fronts(results).entrySet()) {
      String metric =
          e.getValue().stream()
              .filter(r -> r.accuracy() != null)
              .findFirst()
              .map(r -> r.accuracy().metric().label())
              .orElse("top-1 %");
      o.println(
          "Pareto front"
              + (e.getKey().isEmpty() ? "" : " (" + e.getKey() + ")")
              + ": LUTs, "
              + metric);
      for (PointResult r : e.getValue()) {
        o.printf(
            Locale.ROOT, "  %-24s %6.0f %7.2f%n", r.point().label(), r.lutsOrNaN(), r.scoreOrNaN());
      }
    }
  }

  /** What the report shows of the run. */
  static ReportSettings settings(
      Sweep.Config c, ToolVersions tools, Sweep.Outcome outcome, String command) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    m.put("command", command);
    m.put(
        "formats",
        String.join(
            ", ",
            java.util.stream.Stream.concat(
                    c.grid().formats().stream().map(f -> f.name()),
                    c.grid().mxFormats().stream().map(f -> f.name()))
                .toList()));
    m.put("pairs", c.pairs());
    m.put("lanes", c.lanes().toString());
    m.put("terms", "" + c.terms());
    m.put("pipeline", c.pipeline().toString());
    m.put("accumulator", c.accumulator().toString());
    m.put("DSP modes", c.dsp().stream().map(d -> d ? "dsp" : "nodsp").toList().toString());
    m.put(
        "models",
        c.models().isEmpty() ? "none (no accuracy stage)" : String.join(", ", c.models()));
    if (!c.models().isEmpty()) {
      m.put(
          "test data",
          (c.data() == null ? "each model's own" : c.data())
              + (c.limit() == null ? " (all items)" : " (first " + c.limit() + " items)"));
      m.put(
          "metric",
          c.metric().id()
              + (c.metric() == org.exmy.nn.quant.Metric.TOP1 ? "" : " (against float32)"));
      m.put(
          "calibration",
          (c.calibData() == null ? "training split of the test data" : c.calibData())
              + ", first "
              + c.calibImages()
              + " images");
      m.put("PTQ", c.ptq().describe().replaceFirst("^w=\\S+ a=\\S+ ", ""));
    }
    m.put(
        "proof",
        c.prove()
            ? "every operand pair + " + c.sequences() + " random sequences + worst-case oracle"
            : "off");
    m.put(
        "synthesis",
        c.synthesize()
            ? "Yosys synth_xilinx -family xc7, out of context; timing: "
                + (c.synth().flows().isEmpty() ? "none" : String.join(", ", c.synth().flows()))
            : "off");
    m.put(
        "stages",
        outcome.stages() + " (" + outcome.cached() + " from the cache " + c.cache() + ")");
    m.put(
        "wall time", String.format(Locale.ROOT, "%.1f s on %d jobs", outcome.seconds(), c.jobs()));
    tools.all().forEach((k, v) -> m.put(k, v));
    return new ReportSettings(m);
  }

  Sweep.Config config() {
    Limits.check("--terms", terms, 1, Limits.MAX_TERMS);
    for (int l : lanes) Limits.check("--lanes", l, 1, Limits.MAX_LANES);
    Limits.check("--sequences", sequences, 0, Limits.MAX_SEQUENCES);
    if (limit != null) Limits.check("--limit", limit, 1, Integer.MAX_VALUE);
    int j =
        jobs == null
            ? Runtime.getRuntime().availableProcessors()
            : (int) Limits.check("--jobs", jobs, 1, 64);
    FormatGrid grid = FormatGrid.parse(formats);
    grid.pairs(pairs); // checks the pair list before any work
    List<Boolean> dspModes =
        switch (dsp.toLowerCase(Locale.ROOT)) {
          case "nodsp" -> List.of(false);
          case "dsp" -> List.of(true);
          case "both" -> List.of(false, true);
          default ->
              throw new UsageException("--dsp must be nodsp, dsp or both, got '" + dsp + "'");
        };
    Set<String> flows = SynthCommand.flows(timing);
    SynthCommand.checkPart(part);
    // the PTQ options, checked like exmy accuracy's (their formats and accumulator are set per
    // point)
    NumberFormat e4m3 = Formats.parse("E4M3");
    // (--zero-point applies to the UINTn-activation cores of the grid only)
    QuantOptions ptq =
        ptqOptions.options(
            e4m3,
            ptqOptions.zeroPoint ? Formats.parse("UINT8") : e4m3,
            accumulatorOptions.choice(),
            1);
    return new Sweep.Config(
        grid,
        pairs,
        List.copyOf(lanes),
        terms,
        Pipeline.parse(pipeline),
        accumulatorOptions.choice(),
        dspModes,
        noAccuracy ? List.of() : List.copyOf(models),
        data,
        limit,
        ptqOptions.calibData,
        ptqOptions.calibImages,
        ptq,
        !noProof,
        sequences,
        !noSynth,
        new CoreSynthesis.Options(part, 4.0, flows, org.exmy.synth.Ice40Runner.DEFAULT_SEED),
        j,
        out.resolve(
            SHARD.get() == null
                ? "synth"
                : "synth-shard-" + SHARD.get().index()), // own files per task
        cache == null ? Sweep.defaultCacheDir() : cache,
        org.exmy.nn.quant.Metric.parse(metric));
  }
}
