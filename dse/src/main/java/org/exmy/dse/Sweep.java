package org.exmy.dse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.exmy.hdl.sim.ModelCache;
import org.exmy.nn.ReferenceModels;
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

/**
 * The design-space sweep: for every point of a grid (format pair x lanes x DSP x model), prove the
 * generated core bit-exact in Verilator, synthesize it, and rate the model's accuracy with the
 * core's arithmetic. Each stage result is cached on its own ({@link ResultCache}) under its full
 * configuration and the tool versions, so a point shares a proof with the same core synthesized
 * with or without DSPs, and an accuracy with every core of the same formats; a re-run computes only
 * what is missing, and an interrupted sweep loses only the stages in flight. Stages run on {@code
 * jobs} threads.
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
  public record Config(
      FormatGrid grid,
      String pairs,
      List<Integer> lanes,
      int terms,
      Pipeline pipeline,
      AccumulatorChoice accumulator,
      List<Boolean> dsp,
      List<String> models,
      String data,
      Integer limit,
      String calibData,
      int calibImages,
      QuantOptions ptq,
      boolean prove,
      int sequences,
      boolean synthesize,
      CoreSynthesis.Options synth,
      int jobs,
      Path work,
      Path cache,
      Metric metric) {}

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
  public record Outcome(
      List<PointResult> results, int stages, int cached, List<String> failures, double seconds) {
    /** True when no stage failed and every proven core is bit-exact. */
    public boolean ok() {
      return failures.isEmpty()
          && results.stream().allMatch(r -> r.proof() == null || r.verified());
    }
  }

  /** {@code $EXMY_CACHE/sweep}, by default {@code ~/.cache/exmy/sweep}. */
  public static Path defaultCacheDir() {
    return ModelCache.dir().resolveSibling("sweep");
  }

  /** The design points of a configuration, in grid order. */
  public static List<DesignPoint> points(Config c) {
    List<DesignPoint> out = new ArrayList<>();
    List<String> models =
        c.models().isEmpty() ? java.util.Collections.singletonList(null) : c.models();
    for (NumberFormat[] pair : c.grid().pairs(c.pairs())) {
      for (int lanes : c.lanes()) {
        CoreSpec spec =
            c.accumulator()
                .apply(
                    CoreSpec.mac(pair[0], pair[1])
                        .withTerms(Math.max(c.terms(), lanes))
                        .withLanes(lanes)
                        .withPipeline(c.pipeline()));
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
   * Runs one shard of the sweep ({@link Shard}): computes only the missing stages of that shard and
   * stores them in the cache; the results hold what the cache has of the other shards.
   *
   * @param shard null: the whole sweep
   */
  public static Outcome run(Config c, ToolVersions tools, Listener listener, Shard shard) {
    long t0 = System.nanoTime();
    Plan plan = plan(c, tools, listener, true);
    ResultCache cache = new ResultCache(c.cache());
    List<Stage<?>> all = new ArrayList<>(plan.stages().values());
    List<Stage<?>> mine = all;
    if (shard != null) {
      Set<Stage<?>> ours = Collections.newSetFromMap(new IdentityHashMap<>());
      ours.addAll(shard.select(all, s -> s.key, s -> Shard.estimatedCost(s.kind)));
      mine = all.stream().filter(ours::contains).toList();
      for (Stage<?> s : all) {
        if (!ours.contains(s)) s.load(cache); // another shard's: read, never written
      }
    }
    StageRunner.Ran ran = StageRunner.run(mine, cache, c.jobs(), listener);
    return new Outcome(
        assemble(c, plan),
        ran.total(),
        ran.cached(),
        ran.failures(),
        (System.nanoTime() - t0) / 1e9);
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
        sb.append(e.getKey())
            .append(' ')
            .append(finished.getOrDefault(e.getKey(), 0))
            .append('/')
            .append(e.getValue());
        all += e.getValue();
      }
      return sb
          + (sb.length() > 0 ? "; " : "")
          + (all - missing())
          + " of "
          + all
          + " stages finished";
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
   * The cache's part of the sweep, computing nothing and loading no model data: what {@code
   * --status} shows.
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
    return new Collected(
        status, new Outcome(assemble(c, plan), n, n, List.of(), (System.nanoTime() - t0) / 1e9));
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
  private record Plan(
      List<DesignPoint> points,
      Map<String, Stage<?>> stages,
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
      if (p.isMx()) {
        MxCoreSpec mx = mxCore(c, p);
        if (c.prove()) add(stages, mine, Stages.Proof.mxStage(mx, c.sequences(), tools));
        if (c.synthesize()) add(stages, mine, Stages.Cost.mxStage(mx, c, tools));
      } else {
        if (c.prove()) add(stages, mine, Stages.Proof.stage(spec, c.sequences(), tools));
        if (c.synthesize()) add(stages, mine, Stages.Cost.stage(p, c, tools));
      }
      if (p.model() != null) {
        QuantOptions opt =
            p.isMx() ? quantOptions(c, spec).withMx(p.mxW(), p.mxA()) : quantOptions(c, spec);
        add(stages, mine, Stages.Accuracy.stage(models.get(p.model()), p, opt, c, nnThreads));
      }
    }
    return new Plan(points, stages, byPoint);
  }

  /** Adds {@code s} to the point's stages, or the equal stage already planned (same key). */
  private static void add(Map<String, Stage<?>> stages, List<Stage<?>> mine, Stage<?> s) {
    mine.add(stages.computeIfAbsent(s.key, k -> s));
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
        if (r instanceof Stages.Accuracy ac)
          acc = ac.rankedBy(c.metric() == null ? Metric.TOP1 : c.metric());
      }
      List<String> aliases = new ArrayList<>(c.grid().aliases(spec.a()));
      if (!spec.b().equals(spec.a())) aliases.addAll(c.grid().aliases(spec.b()));
      if (p.isMx()) {
        // no per-tensor SQNR of an MX format (its scales are per block)
        results.add(new PointResult(p, List.of(), proof, cost, acc, Double.NaN, Double.NaN));
        continue;
      }
      results.add(
          new PointResult(
              p,
              aliases,
              proof,
              cost,
              acc,
              sqnr.computeIfAbsent(spec.a(), Sweep::sqnr),
              sqnr.computeIfAbsent(spec.b(), Sweep::sqnr)));
    }
    return results;
  }

  /** The PTQ options of a core: its formats; its accumulator; lanes only matter when it rounds. */
  static QuantOptions quantOptions(Config c, CoreSpec spec) {
    boolean exact = spec.accumulator() instanceof AccumulatorKind.Exact;
    return new QuantOptions(
            spec.a(),
            spec.b(),
            c.ptq().perChannel(),
            c.ptq().calibration(),
            c.ptq().percentile(),
            c.ptq().pow2Scales(),
            c.ptq().fp32Layers(),
            c.ptq().biasCorrection(),
            AccumulatorChoice.of(spec.accumulator()),
            exact ? 1 : spec.lanes())
        .withTechniques(techniques(c.ptq().techniques(), spec));
  }

  /**
   * The PTQ techniques for a core: zero points only where its activations are UINTn and its sums
   * exact, accumulator-aware rounding only where its accumulator is fixed-point.
   */
  private static QuantOptions.Techniques techniques(QuantOptions.Techniques t, CoreSpec spec) {
    boolean zp =
        t.zeroPoint()
            && spec.b() instanceof org.exmy.simulator.IntFormat i
            && !i.signed()
            && spec.accumulator() instanceof AccumulatorKind.Exact;
    return new QuantOptions.Techniques(
        t.gptq(),
        t.gptqDamp(),
        t.gptqBlock(),
        t.gptqActOrder(),
        t.smoothQuant(),
        t.dynamicRows(),
        zp,
        t.learnedRound(),
        t.accAware() && spec.accumulator() instanceof AccumulatorKind.Fixed);
  }

  /**
   * SQNR in dB of 100,000 standard normal samples quantized to {@code f} (absmax scaling,
   * saturating).
   */
  static double sqnr(NumberFormat f) {
    return Quantizer.evaluate(f, Quantizer.gaussian(42, 100_000), Overflow.SATURATE).sqnrDb();
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
    if (acc instanceof AccumulatorKind.Fixed)
      acc = new AccumulatorKind.Exact(); // not built for MX cores
    Pipeline pipe =
        c.pipeline().treeEvery() > 0
                || (c.pipeline().chunkBits() > 0 && !(acc instanceof AccumulatorKind.Exact))
            ? Pipeline.NONE
            : c.pipeline();
    return new MxCoreSpec(
        p.mxW(),
        p.mxA(),
        (Math.max(1, c.terms()) + block - 1) / block,
        lanes,
        acc,
        pipe,
        c.dsp().get(0),
        MxCoreSpec.ScaleRange.FULL);
  }
}
