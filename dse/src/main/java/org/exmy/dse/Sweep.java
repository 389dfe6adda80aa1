package org.exmy.dse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.exmy.hdl.sim.ModelCache;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.mac.MxCore;
import org.exmy.mac.MxGenerator;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.Feeds;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.exmy.simulator.Pipeline;
import org.exmy.simulator.Quantizer;
import org.exmy.synth.SynthCsv;
import org.exmy.testbench.CrossCheck;
import org.exmy.testbench.MxCrossCheck;
import org.exmy.testbench.WorstCaseOracle;

/**
 * The design-space sweep: for every point of a grid (format pair x lanes x DSP x model), prove the
 * generated core bit-exact in Verilator, synthesize it, and rate the model's accuracy with the
 * core's arithmetic. Each stage result is cached on its own ({@link ResultCache}) under its full
 * configuration and the tool versions, so a point shares a proof with the same core synthesized
 * with or without DSPs, and an accuracy with every core of the same formats; a re-run computes
 * only what is missing, and an interrupted sweep loses only the stages in flight. Stages run on
 * {@code jobs} threads.
 */
public final class Sweep {
  /** Bump when a stage's computation changes meaning, so cached results are not reused. */
  static final String STAGES_VERSION = "2";

  private Sweep() {}

  /**
   * What to sweep.
   *
   * @param grid the formats
   * @param pairs {@code same}, {@code all} or a list {@code W/A,...} (see {@link FormatGrid#pairs})
   * @param lanes the lane counts
   * @param terms products the exact accumulator holds
   * @param pipeline the cores' pipeline
   * @param accumulator the cores' accumulator (exact: Kulisch)
   * @param dsp the DSP modes to synthesize ({@code true}: DSP blocks allowed)
   * @param models the models rated (reference names or .onnx files); empty: no accuracy stage
   * @param data the test data of the models (null: each reference model's own, see {@link
   *     ReferenceModels#defaultData})
   * @param limit test images used (null: all)
   * @param calibData calibration data (null: the training split of {@code data}, else {@code data})
   * @param calibImages calibration images
   * @param ptq PTQ options (its formats, accumulator and lanes are replaced per point)
   * @param prove run the proof stage
   * @param sequences random accumulate sequences of the proof
   * @param synthesize run the synthesis stage
   * @param synth synthesis options (part, timing flows)
   * @param jobs stages run at once
   * @param work folder for synthesis files
   * @param cache the result cache folder
   * @param metric what ranks the points and draws the front (top-1, or a fidelity metric against
   *     float32; every accuracy stage measures them all)
   */
  public record Config(FormatGrid grid, String pairs, List<Integer> lanes, int terms, Pipeline pipeline,
      AccumulatorChoice accumulator, List<Boolean> dsp, List<String> models, String data, Integer limit,
      String calibData, int calibImages, QuantOptions ptq, boolean prove, int sequences, boolean synthesize,
      CoreSynthesis.Options synth, int jobs, Path work, Path cache, Metric metric) {}

  /** Hears what the sweep does. */
  public interface Listener {
    /** {@code done} of {@code total} stages are finished; {@code what} was the last. */
    void progress(int done, int total, String what);

    /** A line worth showing (a stage that failed, a note). */
    void log(String line);
  }

  /**
   * The outcome.
   *
   * @param results one per design point, in grid order
   * @param stages stages needed
   * @param cached of which found in the cache
   * @param failures one line per stage that failed (a tool error); those points lack that result
   * @param seconds wall time
   */
  public record Outcome(List<PointResult> results, int stages, int cached, List<String> failures, double seconds) {
    /** True when no stage failed and every proven core is bit-exact. */
    public boolean ok() {
      return failures.isEmpty() && results.stream().allMatch(r -> r.proof() == null || r.verified());
    }
  }

  /** {@code $EXMY_CACHE/sweep}, by default {@code ~/.cache/exmy/sweep}. */
  public static Path defaultCacheDir() {
    return ModelCache.dir().resolveSibling("sweep");
  }

  /** The design points of a configuration, in grid order. */
  public static List<DesignPoint> points(Config c) {
    List<DesignPoint> out = new ArrayList<>();
    List<String> models = c.models().isEmpty() ? java.util.Collections.singletonList(null) : c.models();
    for (NumberFormat[] pair : c.grid().pairs(c.pairs())) {
      for (int lanes : c.lanes()) {
        CoreSpec spec = c.accumulator().apply(CoreSpec.mac(pair[0], pair[1]).withTerms(Math.max(c.terms(), lanes))
            .withLanes(lanes).withPipeline(c.pipeline()));
        for (boolean dsp : c.dsp()) {
          for (String m : models) {
            out.add(new DesignPoint(spec.withDsp(dsp), m));
          }
        }
      }
    }
    // MX points: one per pair and model, after the cores (their MX core: see mxCore)
    for (org.exmy.simulator.MxFormat[] pair : c.grid().mxPairs(c.pairs())) {
      CoreSpec spec = CoreSpec.mac(pair[0].element(), pair[1].element());
      for (String m : models) {
        out.add(new DesignPoint(spec, m, pair[0], pair[1]));
      }
    }
    return out;
  }

  /**
   * Runs the sweep.
   *
   * @throws org.exmy.nn.NnException for an unreadable model or data (before any work)
   */
  public static Outcome run(Config c, ToolVersions tools, Listener listener) {
    return run(c, tools, listener, null);
  }

  /**
   * Runs one shard of the sweep ({@link Shard}): computes only the missing stages of that shard
   * and stores them in the cache; the results hold what the cache has of the other shards.
   *
   * @param shard null: the whole sweep
   */
  public static Outcome run(Config c, ToolVersions tools, Listener listener, Shard shard) {
    long t0 = System.nanoTime();
    Plan plan = plan(c, tools, listener, true);
    ResultCache cache = new ResultCache(c.cache());
    Map<String, Stage<?>> stages = plan.stages();
    // look up the cache, then compute the rest on `jobs` threads
    List<Stage<?>> mineOnly = shard == null ? new ArrayList<>(stages.values())
        : shard.select(new ArrayList<>(stages.values()), s -> s.key, s -> Shard.estimatedCost(s.kind));
    java.util.Set<Stage<?>> ours = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    ours.addAll(mineOnly);
    for (Stage<?> s : stages.values()) {
      if (!ours.contains(s)) s.load(cache); // another shard's: read, never written
    }
    stages.values().removeIf(s -> !ours.contains(s));
    int total = stages.size();
    AtomicInteger done = new AtomicInteger();
    int cached = 0;
    List<Stage<?>> todo = new ArrayList<>();
    for (Stage<?> s : stages.values()) {
      if (s.load(cache)) {
        cached++;
        done.incrementAndGet();
      } else {
        todo.add(s);
      }
    }
    listener.progress(done.get(), total, cached + " from the cache");
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, c.jobs()), r -> {
      Thread t = new Thread(r, "exmy-sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Stage<?> s : todo) {
        futures.add(pool.submit(() -> {
          try {
            s.compute(cache);
          } catch (RuntimeException e) {
            if (e instanceof java.io.UncheckedIOException io && s.result() != null) {
              throw io; // computed but not stored (e.g. a full disk): stop the sweep
            }
            if (Thread.currentThread().isInterrupted()) throw e;
            String line = s.what + ": " + oneLine(e);
            failures.add(line);
            listener.log("FAILED " + line);
          }
          listener.progress(done.incrementAndGet(), total, s.what);
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new Outcome(assemble(c, plan), total, cached, List.copyOf(failures), (System.nanoTime() - t0) / 1e9);
  }

  /**
   * How many of the sweep's stages the cache holds, per kind ({@code proof}, {@code cost}, {@code
   * accuracy}, in that order): what {@code exmy sweep --status} shows while shards run.
   *
   * @param finished stages found in the cache, per kind
   * @param total stages of the grid, per kind
   */
  public record CacheStatus(Map<String, Integer> finished, Map<String, Integer> total) {
    /** Stages not in the cache yet. */
    public int missing() {
      return total.values().stream().mapToInt(Integer::intValue).sum()
          - finished.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** {@code proof 3/4, cost 0/4, accuracy 4/4; 7 of 12 stages finished}. */
    public String line() {
      StringBuilder sb = new StringBuilder();
      int all = 0;
      for (var e : total.entrySet()) {
        if (sb.length() > 0) sb.append(", ");
        sb.append(e.getKey()).append(' ').append(finished.getOrDefault(e.getKey(), 0)).append('/').append(e.getValue());
        all += e.getValue();
      }
      return sb + (sb.length() > 0 ? "; " : "") + (all - missing()) + " of " + all + " stages finished";
    }
  }

  /**
   * The result of {@link #collect}.
   *
   * @param status what the cache holds
   * @param outcome the sweep's results, all from the cache; null when stages are missing
   */
  public record Collected(CacheStatus status, Outcome outcome) {}

  /**
   * The cache's part of the sweep, computing nothing and loading no model data: what {@code --status}
   * shows.
   *
   * @throws org.exmy.nn.NnException for an unreadable model file
   */
  public static CacheStatus status(Config c, ToolVersions tools) {
    Plan plan = plan(c, tools, null, false);
    ResultCache cache = new ResultCache(c.cache());
    return load(plan, cache);
  }

  /**
   * Assembles the whole sweep from the cache (filled by shards, {@link #run(Config, ToolVersions,
   * Listener, Shard)}) without computing any stage.
   *
   * @throws org.exmy.nn.NnException for an unreadable model file
   */
  public static Collected collect(Config c, ToolVersions tools) {
    long t0 = System.nanoTime();
    Plan plan = plan(c, tools, null, false);
    ResultCache cache = new ResultCache(c.cache());
    CacheStatus status = load(plan, cache);
    if (status.missing() > 0) return new Collected(status, null);
    int n = plan.stages().size();
    return new Collected(status, new Outcome(assemble(c, plan), n, n, List.of(), (System.nanoTime() - t0) / 1e9));
  }

  /** Loads every stage that the cache holds; counts them per kind. */
  private static CacheStatus load(Plan plan, ResultCache cache) {
    Map<String, Integer> finished = new LinkedHashMap<>();
    Map<String, Integer> total = new LinkedHashMap<>();
    for (String kind : List.of("proof", "cost", "accuracy")) {
      for (Stage<?> s : plan.stages().values()) {
        if (!s.kind.equals(kind)) continue;
        total.merge(kind, 1, Integer::sum);
        finished.merge(kind, s.load(cache) ? 1 : 0, Integer::sum);
      }
    }
    return new CacheStatus(finished, total);
  }

  /**
   * The sweep's stages, each once, and each point's.
   *
   * @param listener hears the MX note (null: nothing heard)
   * @param loadData load the models' data (to compute); false: only what the cache keys need
   */
  private record Plan(List<DesignPoint> points, Map<String, Stage<?>> stages,
      Map<DesignPoint, List<Stage<?>>> byPoint) {}

  private static Plan plan(Config c, ToolVersions tools, Listener listener, boolean loadData) {
    List<DesignPoint> points = points(c);
    // models and data first: bad input fails before any work
    Map<String, ModelContext> models = new LinkedHashMap<>();
    for (String m : c.models()) {
      models.put(m, loadData ? ModelContext.load(m, c) : ModelContext.keysOnly(m, c));
    }
    // the stages, each once; each point keeps its own
    Map<String, Stage<?>> stages = new LinkedHashMap<>();
    Map<DesignPoint, List<Stage<?>>> byPoint = new LinkedHashMap<>();
    int nnThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, c.jobs()));
    for (DesignPoint p : points) {
      CoreSpec spec = p.core();
      List<Stage<?>> mine = byPoint.computeIfAbsent(p, k -> new ArrayList<>());
      if (p.isMx() && (c.prove() || c.synthesize())) {
        addMxStages(c, p, tools, stages, mine);
      }
      if (c.prove() && !p.isMx()) {
        String key = "proof|" + spec + "|" + spec.moduleName() + "|sequences=" + c.sequences() + "|" + STAGES_VERSION
            + "|" + tools.get("generator") + "|" + tools.get("verilator");
        mine.add(stages.computeIfAbsent(key, k -> new Stage<>("proof", k, "prove " + spec.label(), Stages.Proof::of,
            Stages.Proof::toProperties, () -> prove(spec, c.sequences()))));
      }
      if (c.synthesize() && !p.isMx()) {
        String key = "cost|" + spec + "|" + spec.moduleName() + "|dsp=" + p.dsp() + "|" + c.synth() + "|"
            + STAGES_VERSION + "|" + tools.get("generator") + "|" + tools.get("yosys")
            + (c.synth().flows().contains("ice40") ? "|" + tools.get("nextpnr-ice40") : "");
        mine.add(stages.computeIfAbsent(key, k -> new Stage<>("cost", k, "synthesize " + p.label(), Stages.Cost::of,
            Stages.Cost::toProperties, () -> cost(spec, p.dsp(), c))));
      }
      if (p.model() != null) {
        QuantOptions opt = p.isMx() ? quantOptions(c, spec).withMx(p.mxW(), p.mxA()) : quantOptions(c, spec);
        ModelContext mc = models.get(p.model());
        String key = "accuracy|" + mc.hash + "|data=" + mc.dataKey + "|limit=" + c.limit() + "|calib="
            + (c.calibData() == null ? "default" : c.calibData()) + ":" + c.calibImages() + "|" + opt.describe() + "|"
            + STAGES_VERSION;
        mine.add(stages.computeIfAbsent(key, k -> new Stage<>("accuracy", k, "accuracy " + p.model() + " "
            + p.shortLabel(), Stages.Accuracy::of, Stages.Accuracy::toProperties,
            () -> accuracy(mc, opt, nnThreads))));
      }
    }
    return new Plan(points, stages, byPoint);
  }

  /** The results of every point, in grid order, from the stages' results (a missing one: none). */
  private static List<PointResult> assemble(Config c, Plan plan) {
    List<DesignPoint> points = plan.points();
    Map<DesignPoint, List<Stage<?>>> byPoint = plan.byPoint();
    // assemble the results in grid order
    Map<NumberFormat, Double> sqnr = new ConcurrentHashMap<>();
    List<PointResult> results = new ArrayList<>();
    for (DesignPoint p : points) {
      CoreSpec spec = p.core();
      Stages.Proof proof = null;
      Stages.Cost cost = null;
      Stages.Accuracy acc = null;
      for (Stage<?> s : byPoint.get(p)) {
        Object r = s.result();
        if (r instanceof Stages.Proof pr) proof = pr;
        if (r instanceof Stages.Cost co) cost = co;
        if (r instanceof Stages.Accuracy ac) acc = ac.rankedBy(c.metric() == null ? Metric.TOP1 : c.metric());
      }
      List<String> aliases = new ArrayList<>(c.grid().aliases(spec.a()));
      if (!spec.b().equals(spec.a())) aliases.addAll(c.grid().aliases(spec.b()));
      if (p.isMx()) {
        // no per-tensor SQNR of an MX format (its scales are per block)
        results.add(new PointResult(p, List.of(), proof, cost, acc, Double.NaN, Double.NaN));
        continue;
      }
      results.add(new PointResult(p, aliases, proof, cost, acc, sqnr.computeIfAbsent(spec.a(), Sweep::sqnr),
          sqnr.computeIfAbsent(spec.b(), Sweep::sqnr)));
    }
    return results;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The PTQ options of a core: its formats; its accumulator; lanes only matter when it rounds. */
  static QuantOptions quantOptions(Config c, CoreSpec spec) {
    boolean exact = spec.accumulator() instanceof AccumulatorKind.Exact;
    return new QuantOptions(spec.a(), spec.b(), c.ptq().perChannel(), c.ptq().calibration(), c.ptq().percentile(),
        c.ptq().pow2Scales(), c.ptq().fp32Layers(), c.ptq().biasCorrection(), AccumulatorChoice.of(spec.accumulator()),
        exact ? 1 : spec.lanes()).withTechniques(techniques(c.ptq().techniques(), spec));
  }

  /**
   * The PTQ techniques for a core: zero points only where its activations are UINTn and its sums
   * exact, accumulator-aware rounding only where its accumulator is fixed-point.
   */
  private static QuantOptions.Techniques techniques(QuantOptions.Techniques t, CoreSpec spec) {
    boolean zp = t.zeroPoint() && spec.b() instanceof org.exmy.simulator.IntFormat i && !i.signed()
        && spec.accumulator() instanceof AccumulatorKind.Exact;
    return new QuantOptions.Techniques(t.gptq(), t.gptqDamp(), t.gptqBlock(), t.gptqActOrder(), t.smoothQuant(),
        t.dynamicRows(), zp, t.learnedRound(), t.accAware() && spec.accumulator() instanceof AccumulatorKind.Fixed);
  }

  /** SQNR in dB of 100,000 standard normal samples quantized to {@code f} (absmax scaling, saturating). */
  static double sqnr(NumberFormat f) {
    return Quantizer.evaluate(f, Quantizer.gaussian(42, 100_000), Overflow.SATURATE).sqnrDb();
  }

  // ---------------------------------------------------------------- the stages

  static Stages.Proof prove(CoreSpec spec, int sequences) {
    MacCore core = MacGenerator.generate(spec);
    long vectors = 0;
    long mismatches = 0;
    double seconds = 0;
    List<CrossCheck.Report> reports = new ArrayList<>();
    try (CrossCheck cc = new CrossCheck(core)) {
      reports.add(cc.exhaustivePairs());
      if (sequences > 0) reports.add(cc.randomSequences(1, sequences, 2000));
    }
    reports.add(WorstCaseOracle.check(core));
    for (CrossCheck.Report r : reports) {
      vectors += r.vectors();
      mismatches += r.mismatches();
      seconds += r.seconds();
    }
    return new Stages.Proof(vectors, mismatches, seconds);
  }

  /**
   * The MX core that stands for an MX point: its two MX formats, the exact accumulator sized for
   * {@code terms} products ({@code ceil(terms / block)} blocks), or the sweep's float accumulator;
   * the first of the sweep's lane counts that divides the block (else 1); the sweep's pipeline when
   * an MX core takes it (else none); the first DSP mode.
   */
  static MxCoreSpec mxCore(Config c, DesignPoint p) {
    int block = p.mxW().blockSize();
    int lanes = c.lanes().stream().filter(l -> block % l == 0).findFirst().orElse(1);
    AccumulatorKind acc;
    try {
      acc = c.accumulator().apply(p.core()).accumulator();
    } catch (org.exmy.simulator.FormatException e) {
      acc = new AccumulatorKind.Exact();
    }
    if (acc instanceof AccumulatorKind.Fixed) acc = new AccumulatorKind.Exact(); // not built for MX cores
    Pipeline pipe = c.pipeline().treeEvery() > 0 || (c.pipeline().chunkBits() > 0 && !(acc instanceof AccumulatorKind.Exact))
        ? Pipeline.NONE : c.pipeline();
    return new MxCoreSpec(p.mxW(), p.mxA(), (Math.max(1, c.terms()) + block - 1) / block, lanes, acc, pipe,
        c.dsp().get(0), MxCoreSpec.ScaleRange.FULL);
  }

  private static void addMxStages(Config c, DesignPoint p, ToolVersions tools, Map<String, Stage<?>> stages,
      List<Stage<?>> mine) {
    MxCoreSpec mx = mxCore(c, p);
    if (c.prove()) {
      String key = "mxproof|" + mx + "|" + mx.moduleName() + "|sequences=" + c.sequences() + "|" + STAGES_VERSION
          + "|" + tools.get("generator") + "|" + tools.get("verilator");
      mine.add(stages.computeIfAbsent(key, k -> new Stage<>("proof", k, "prove " + mx.label(), Stages.Proof::of,
          Stages.Proof::toProperties, () -> proveMx(mx, c.sequences()))));
    }
    if (c.synthesize()) {
      String key = "mxcost|" + mx + "|" + mx.moduleName() + "|" + c.synth() + "|" + STAGES_VERSION + "|"
          + tools.get("generator") + "|" + tools.get("yosys")
          + (c.synth().flows().contains("ice40") ? "|" + tools.get("nextpnr-ice40") : "");
      mine.add(stages.computeIfAbsent(key, k -> new Stage<>("cost", k, "synthesize " + mx.label(), Stages.Cost::of,
          Stages.Cost::toProperties, () -> costMx(mx, c))));
    }
  }

  /** Exhaustive element pairs under unit, extreme and NaN scales, then random blocks, against the model. */
  static Stages.Proof proveMx(MxCoreSpec spec, int sequences) {
    MxCore core = MxGenerator.generate(spec);
    long t0 = System.nanoTime();
    long vectors = 0;
    long mismatches = 0;
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      List<MxCrossCheck.Report> reports = new ArrayList<>();
      reports.add(cc.run("exhaustive pairs", MxCrossCheck.exhaustivePairs(core,
          new int[][] {{127, 127}, {0xFE, 0xFE}, {0, 0}, {0xFF, 127}})));
      if (sequences > 0) reports.add(cc.run("random blocks", MxCrossCheck.randomBlocks(core, 1, sequences, 4, 0.05)));
      for (MxCrossCheck.Report r : reports) {
        vectors += r.vectors();
        mismatches += r.mismatches();
      }
    }
    return new Stages.Proof(vectors, mismatches, (System.nanoTime() - t0) / 1e9);
  }

  static Stages.Cost costMx(MxCoreSpec spec, Config c) {
    MxCore core = MxGenerator.generate(spec);
    SynthCsv.Row row = MxCoreSynthesis.run(core, c.work().resolve(core.moduleName()), c.synth(), null);
    return new Stages.Cost(row.cost().luts(), row.cost().ffs(), row.cost().carry4(), row.cost().dsp48(),
        row.ice40() == null ? -1 : row.ice40().coreLcs(), row.ice40() == null ? Double.NaN : row.ice40().fmaxMhz(),
        row.xc7() == null ? Double.NaN : row.xc7().criticalNs());
  }

  static Stages.Cost cost(CoreSpec spec, boolean dsp, Config c) {
    MacCore core = MacGenerator.generate(spec);
    SynthCsv.Row row = CoreSynthesis.run(core, new boolean[] {dsp}, c.work().resolve(core.moduleName()), c.synth(), null)
        .get(0);
    return new Stages.Cost(row.cost().luts(), row.cost().ffs(), row.cost().carry4(), row.cost().dsp48(),
        row.ice40() == null ? -1 : row.ice40().coreLcs(), row.ice40() == null ? Double.NaN : row.ice40().fmaxMhz(),
        row.xc7() == null ? Double.NaN : row.xc7().criticalNs());
  }

  static Stages.Accuracy accuracy(ModelContext mc, QuantOptions opt, int threads) {
    Map<String, Tensor> fp32 = mc.fp32(threads);
    Assessment as = Assessment.run(mc.model, mc.test, mc.calib, opt, threads, null, fp32);
    Assessment.Top1 t = as.top1();
    return new Stages.Accuracy(t == null ? Double.NaN : t.top1(), t == null ? Double.NaN : t.fp32Top1(),
        t == null ? Double.NaN : t.agreement(), t == null ? as.items() : (int) t.positions(), Metric.SQNR.of(as),
        Metric.COSINE.of(as), Metric.MAXERR.of(as), Metric.AGREEMENT.of(as), Metric.TOP1);
  }

  /** A model of the sweep, its data and identity, and its float32 outputs (made once, on demand). */
  static final class ModelContext {
    final String name;
    final Model model;
    final String hash;
    final String dataKey;
    final ModelData test;
    final Feeds calib;
    private Map<String, Tensor> fp32;

    private ModelContext(String name, Model model, String hash, String dataKey, ModelData test, Feeds calib) {
      this.name = name;
      this.model = model;
      this.hash = hash;
      this.dataKey = dataKey;
      this.test = test;
      this.calib = calib;
    }

    /**
     * Loads model {@code m} and its data: --data, else the reference model's own; calibration from
     * --calib-data, else the data's training split, else the data.
     *
     * @throws org.exmy.nn.NnException for a model or data that cannot be read or do not fit
     */
    static ModelContext load(String m, Config c) {
      Model model = ReferenceModels.load(m);
      String data = c.data() != null ? c.data() : ReferenceModels.defaultData(m);
      if (data == null) {
        throw new org.exmy.nn.NnException("--data is needed for the model file " + m
            + " (a .npz with an array per input, or fashion-mnist)");
      }
      ModelData test = ModelData.load(data, model, Datasets.Split.TEST);
      if (c.limit() != null) {
        test = test.head(c.limit());
      }
      if ((c.metric() == null || c.metric() == Metric.TOP1) && test.labels() == null) {
        throw new org.exmy.nn.NnException(test.source() + ": no labels (an array y) to rate " + m
            + " by top-1; use --metric fidelity");
      }
      Feeds calib = ModelData.calibration(c.calibData() != null ? c.calibData() : data, model, c.calibImages());
      String dataKey = c.data() != null ? c.data() : "default:" + m.toLowerCase(java.util.Locale.ROOT);
      return new ModelContext(m, model, ResultCache.key(java.util.Base64.getEncoder()
          .encodeToString(ReferenceModels.bytes(m))), dataKey, test, calib);
    }

    /**
     * Only what the accuracy stage's cache key needs (the model's bytes and the data's name): for
     * --status and --collect, which compute nothing and so read no data.
     *
     * @throws org.exmy.nn.NnException for a model file that cannot be read
     */
    static ModelContext keysOnly(String m, Config c) {
      String dataKey = c.data() != null ? c.data() : "default:" + m.toLowerCase(java.util.Locale.ROOT);
      return new ModelContext(m, null, ResultCache.key(java.util.Base64.getEncoder()
          .encodeToString(ReferenceModels.bytes(m))), dataKey, null, null);
    }

    synchronized Map<String, Tensor> fp32(int threads) {
      if (fp32 == null) fp32 = Assessment.fp32(model, test.inputs(), threads, null);
      return fp32;
    }
  }

  /** One stage: its cache key, how to compute it, and its result once known. */
  static final class Stage<T> {
    final String kind;
    final String key;
    final String what;
    private final java.util.function.Function<Properties, T> decode;
    private final java.util.function.Function<T, Properties> encode;
    private final Supplier<T> compute;
    private volatile T result;

    Stage(String kind, String key, String what, java.util.function.Function<Properties, T> decode,
        java.util.function.Function<T, Properties> encode, Supplier<T> compute) {
      this.kind = kind;
      this.key = key;
      this.what = what;
      this.decode = decode;
      this.encode = encode;
      this.compute = compute;
    }

    boolean load(ResultCache cache) {
      Optional<Properties> p = cache.get(kind, key);
      if (p.isEmpty()) return false;
      try {
        result = decode.apply(p.get());
        return true;
      } catch (RuntimeException bad) {
        return false; // an unreadable entry is computed again
      }
    }

    void compute(ResultCache cache) {
      T r = compute.get();
      result = r;
      cache.put(kind, key, encode.apply(r));
    }

    T result() {
      return result;
    }

  }
}
