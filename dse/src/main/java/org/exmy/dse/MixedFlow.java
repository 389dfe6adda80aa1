package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.exmy.base.AtomicWrite;
import org.exmy.mac.Catalogue;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.nn.Feeds;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.MixedPrecision;
import org.exmy.nn.quant.MixedPrecision.Assignment;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.nn.quant.Sensitivity;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code exmy mixed}: per-layer formats under a LUT budget ({@link MixedPrecision}), with the
 * candidates' core costs from the sweep's cost stage (Yosys xc7, cached like a sweep's), a front of
 * mixed against uniform assignments, and the chosen assignment's cores in one folder with a
 * manifest.
 *
 * <p>The cost of a linear node is its core's LUTs times the cores it gets: {@code --macs-per-node}
 * cores each (default 1), or, with {@code --cycles C}, {@code ceil(MACs per item / C)} cores so
 * that every node finishes one item in C cycles.
 */
public final class MixedFlow {
  private MixedFlow() {}

  /**
   * What to search.
   *
   * @param grid the candidate formats
   * @param pairs {@code same} or {@code W/A,...} as for the sweep
   * @param ptq the PTQ options of a candidate pair (weights, activations)
   * @param budget total LUTs allowed
   * @param macsPerNode cores per node (used when {@code cycles} is null)
   * @param cycles cycles per item per node (null: {@code macsPerNode})
   * @param rounds refinement rounds by measurement
   * @param tries changes measured per round
   * @param cache the sweep's result cache
   * @param work folder for synthesis files
   */
  public record Settings(
      FormatGrid grid,
      String pairs,
      java.util.function.BiFunction<NumberFormat, NumberFormat, QuantOptions> ptq,
      long budget,
      long macsPerNode,
      Long cycles,
      int rounds,
      int tries,
      Path cache,
      Path work) {}

  /**
   * What was found.
   *
   * @param study the measurements
   * @param cores the core of each candidate
   * @param coreLuts its LUTs (Yosys xc7, no DSP)
   * @param sites the model's linear sites
   * @param macs MACs per item of each site
   * @param units cores per site
   * @param chosen the assignment for the budget, refined and measured
   * @param uniform each candidate everywhere, measured
   * @param mixed the mixed assignments at the front's budgets, measured (the chosen one among them)
   */
  public record Outcome(
      MixedPrecision study,
      List<CoreSpec> cores,
      long[] coreLuts,
      List<LinearSite> sites,
      long[] macs,
      long[] units,
      Assignment chosen,
      List<Assignment> uniform,
      List<Assignment> mixed) {

    /**
     * The Pareto front of {@code list}: no other point costs less and measures at least as well.
     */
    public List<Assignment> front(List<Assignment> list) {
      Metric m = study.metric();
      List<Assignment> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparingLong(Assignment::cost));
      List<Assignment> out = new ArrayList<>();
      double best = Double.NEGATIVE_INFINITY;
      for (Assignment a : sorted) {
        double s = m.higherIsBetter() ? a.value() : -a.value();
        if (s > best) {
          out.add(a);
          best = s;
        }
      }
      return out;
    }

    /**
     * An assignment as text: {@code E4M3 ×3, INT8 ×1} in site order runs ({@code conv1=E4M3 ...}).
     */
    public String describe(Assignment a) {
      StringBuilder sb = new StringBuilder();
      int[] c = a.choice();
      for (int i = 0; i < c.length; i++) {
        if (i > 0) sb.append(' ');
        sb.append(c[i] < 0 ? "fp32" : study.candidates().get(c[i]).name());
      }
      return sb.toString();
    }
  }

  /** The sweep configuration whose cost stages price the candidates (no proof, no accuracy). */
  static Sweep.Config costConfig(Settings s) {
    NumberFormat[] first = s.grid().pairs(s.pairs()).get(0);
    QuantOptions q = s.ptq().apply(first[0], first[1]);
    return new Sweep.Config(
        s.grid(),
        s.pairs(),
        List.of(q.lanes()),
        CoreSpec.DEFAULT_TERMS,
        Pipeline.parse("none"),
        q.accumulator(),
        List.of(false),
        List.of(),
        null,
        null,
        null,
        0,
        q,
        false,
        0,
        true,
        CoreSynthesis.Options.cellsOnly(),
        1,
        s.work(),
        s.cache(),
        Metric.TOP1);
  }

  /** The candidates' cores, one per pair, as the sweep builds them. */
  static List<CoreSpec> cores(Settings s) {
    return Sweep.points(costConfig(s)).stream().map(DesignPoint::core).toList();
  }

  /** Steps {@link #run} reports: the synthesis stages first (one), then the measurements. */
  public static long steps(Model model, Settings s) {
    return 1
        + MixedPrecision.steps(model, cores(s).size())
        + 2L * s.grid().pairs(s.pairs()).size()
        + s.rounds() * (long) s.tries();
  }

  /**
   * Runs the search.
   *
   * @param progress called with the steps done so far, out of at most {@link #steps}; may be null
   */
  public static Outcome run(
      Model model,
      ModelData test,
      Feeds calibration,
      Settings s,
      Metric metric,
      int threads,
      Sweep.Listener log,
      IntConsumer progress) {
    List<CoreSpec> cores = cores(s);
    long[] coreLuts = coreLuts(cores, s, log);
    IntConsumer p = progress == null ? k -> {} : progress;
    p.accept(1);
    List<LinearSite> sites = model.linearSites();
    long[] macs = Sensitivity.macsPerItem(model, test.inputs());
    long[] units = new long[sites.size()];
    for (int i = 0; i < units.length; i++) {
      units[i] =
          s.cycles() == null
              ? s.macsPerNode()
              : Math.max(1, (macs[i] + s.cycles() - 1) / s.cycles());
    }
    long cheapest = 0;
    for (int i = 0; i < units.length; i++) {
      long min = Long.MAX_VALUE;
      for (long l : coreLuts) min = Math.min(min, l * units[i]);
      cheapest += min;
    }
    CoreSpec c0 = cores.get(0);
    if (cheapest > s.budget()
        && s.ptq().apply(c0.a(), c0.b()).fp32Layers().isEmpty()) { // before measuring
      throw new IllegalArgumentException(
          "budget "
              + s.budget()
              + " is below the cheapest assignment's cost, "
              + cheapest
              + " (every node in its cheapest candidate)");
    }
    List<MixedPrecision.Candidate> cand = new ArrayList<>();
    for (int f = 0; f < cores.size(); f++) {
      CoreSpec c = cores.get(f);
      long[] cost = new long[sites.size()];
      for (int i = 0; i < cost.length; i++) {
        cost[i] = coreLuts[f] * units[i];
      }
      String name = c.a().equals(c.b()) ? c.a().name() : c.a().name() + "/" + c.b().name();
      cand.add(new MixedPrecision.Candidate(name, s.ptq().apply(c.a(), c.b()), cost));
    }
    MixedPrecision study =
        MixedPrecision.study(model, test, calibration, cand, metric, threads, k -> p.accept(1 + k));
    int done = 1 + (int) MixedPrecision.steps(model, cand.size());
    List<Assignment> uniform = new ArrayList<>();
    for (int f = 0; f < cand.size(); f++) {
      uniform.add(study.uniform(f));
    }
    // the front: a mixed assignment at every uniform cost within reach and half-way between
    // neighbours
    List<Assignment> mixed = new ArrayList<>();
    TreeSet<Long> costs = new TreeSet<>();
    for (Assignment u : uniform) {
      costs.add(u.cost());
    }
    TreeSet<Long> budgets = new TreeSet<>(costs);
    Long prev = null;
    for (long k : costs) {
      if (prev != null) budgets.add((prev + k) / 2);
      prev = k;
    }
    budgets.removeIf(b -> b < study.minimumCost() || b == s.budget());
    for (long b : budgets) {
      add(mixed, bestWithin(study, uniform, b));
      p.accept(++done);
    }
    // the chosen one: the best measured so far within the budget, refined by measurement
    Assignment start = bestWithin(study, uniform, s.budget());
    for (Assignment m : mixed) {
      if (m.cost() <= s.budget() && study.better(m, start)) start = m;
    }
    Assignment chosen = study.refine(start, s.budget(), s.rounds(), s.tries());
    add(mixed, chosen);
    p.accept(done + s.rounds() * s.tries());
    return new Outcome(study, cores, coreLuts, sites, macs, units, chosen, uniform, mixed);
  }

  private static void add(List<Assignment> list, Assignment a) {
    if (list.stream().noneMatch(x -> java.util.Arrays.equals(x.choice(), a.choice()))) list.add(a);
  }

  /**
   * The knapsack's assignment for {@code budget}, measured, or the best-measuring uniform one
   * within the budget when that measures better (a uniform assignment is a mixed one too).
   */
  static Assignment bestWithin(MixedPrecision study, List<Assignment> uniform, long budget) {
    Assignment best = study.measure(study.solve(budget));
    for (Assignment u : uniform) {
      if (u.cost() <= budget && study.better(u, best)) best = u;
    }
    return best;
  }

  /**
   * Each core's LUTs from the sweep's cost stage (cached; Yosys xc7 without DSP, no timing flows).
   */
  static long[] coreLuts(List<CoreSpec> cores, Settings s, Sweep.Listener log) {
    Sweep.Outcome o = Sweep.run(costConfig(s), ToolVersions.read(), log);
    Map<String, Long> byLabel = new LinkedHashMap<>();
    for (PointResult r : o.results()) {
      if (r.cost() != null)
        byLabel.put(r.core().a().name() + "/" + r.core().b().name(), (long) r.cost().luts());
    }
    long[] out = new long[cores.size()];
    for (int f = 0; f < out.length; f++) {
      Long l = byLabel.get(cores.get(f).a().name() + "/" + cores.get(f).b().name());
      if (l == null) {
        throw new IllegalStateException(
            "no synthesis result for "
                + cores.get(f).label()
                + ": "
                + String.join("; ", o.failures()));
      }
      out[f] = l;
    }
    return out;
  }

  /**
   * Writes {@code mixed.csv} (the chosen assignment per node), {@code front.csv} and {@code
   * front.png/.svg} (uniform and mixed, metric vs total LUTs), and {@code cores/} (the chosen
   * assignment's cores and {@code manifest.csv}: node → core) into {@code dir}.
   */
  public static List<Path> write(Path dir, String model, Outcome o) {
    try {
      Files.createDirectories(dir.resolve("cores"));
      List<Path> out = new ArrayList<>();
      MixedPrecision st = o.study();
      int[] c = o.chosen().choice();
      StringBuilder csv =
          new StringBuilder("site,node,op,macs,units,format_w,format_a,core,core_luts,luts\n");
      StringBuilder manifest =
          new StringBuilder("node,op,macs_per_item,units,module,file,core_luts\n");
      Map<Integer, MacCore> generated = new LinkedHashMap<>();
      for (int i = 0; i < c.length; i++) {
        LinearSite site = o.sites().get(i);
        String node = site.nodeName().replace(',', ' ');
        if (c[i] < 0) {
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%d,%s,%s,%d,%d,fp32,fp32,,,0%n",
                  i,
                  node,
                  site.opType(),
                  o.macs()[i],
                  o.units()[i]));
          continue;
        }
        CoreSpec core = o.cores().get(c[i]);
        MacCore mc = generated.computeIfAbsent(c[i], k -> MacGenerator.generate(core));
        csv.append(
            String.format(
                Locale.ROOT,
                "%d,%s,%s,%d,%d,%s,%s,%s,%d,%d%n",
                i,
                node,
                site.opType(),
                o.macs()[i],
                o.units()[i],
                core.a().name(),
                core.b().name(),
                mc.moduleName(),
                o.coreLuts()[c[i]],
                o.coreLuts()[c[i]] * o.units()[i]));
        manifest.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%d,%d,%s,%s.v,%d%n",
                node,
                site.opType(),
                o.macs()[i],
                o.units()[i],
                mc.moduleName(),
                mc.moduleName(),
                o.coreLuts()[c[i]]));
      }
      for (MacCore mc : generated.values()) {
        out.add(Catalogue.writeVerilog(dir.resolve("cores"), mc));
      }
      Path manifestFile = dir.resolve("cores").resolve("manifest.csv");
      AtomicWrite.write(manifestFile, manifest.toString());
      out.add(manifestFile);
      StringBuilder front =
          new StringBuilder("kind,on_front,luts," + st.metric().id() + ",predicted,assignment\n");
      appendFront(front, "uniform", o.uniform(), o.front(o.uniform()), o);
      appendFront(front, "mixed", o.mixed(), o.front(o.mixed()), o);
      Path mixedCsv = dir.resolve("mixed.csv");
      Path frontCsv = dir.resolve("front.csv");
      AtomicWrite.write(mixedCsv, csv.toString());
      AtomicWrite.write(frontCsv, front.toString());
      SweepPlots.Plot plot = SweepPlots.render("front", model, chart(model, o));
      AtomicWrite.write(dir.resolve("front.png"), plot.png());
      AtomicWrite.write(dir.resolve("front.svg"), plot.svg());
      out.addAll(List.of(mixedCsv, frontCsv, dir.resolve("front.png"), dir.resolve("front.svg")));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void appendFront(
      StringBuilder sb, String kind, List<Assignment> all, List<Assignment> front, Outcome o) {
    for (Assignment a : all) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%d,%s,%s,%s%n",
              kind,
              front.contains(a) ? "yes" : "no",
              a.cost(),
              SensitivityReport.num(a.value()),
              SensitivityReport.num(a.predicted()),
              o.describe(a)));
    }
  }

  private static XYChart chart(String model, Outcome o) {
    Metric m = o.study().metric();
    XYChart c =
        SweepPlots.chart(
            model + ": " + m.label() + " vs total MAC LUTs, uniform and mixed formats",
            "total LUTs (Yosys xc7)",
            m.label());
    series(c, "uniform", o.uniform(), SeriesMarkers.CIRCLE);
    series(c, "mixed", o.mixed(), SeriesMarkers.DIAMOND);
    series(c, "uniform front", o.front(o.uniform()), SeriesMarkers.NONE)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    series(c, "mixed front", o.front(o.mixed()), SeriesMarkers.NONE)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    return c;
  }

  private static XYSeries series(
      XYChart c, String name, List<Assignment> list, org.knowm.xchart.style.markers.Marker marker) {
    List<Assignment> sorted = new ArrayList<>(list);
    sorted.removeIf(a -> !Double.isFinite(a.value()));
    sorted.sort(Comparator.comparingLong(Assignment::cost));
    double[] x = sorted.stream().mapToDouble(Assignment::cost).toArray();
    double[] y = sorted.stream().mapToDouble(Assignment::value).toArray();
    if (x.length == 0) {
      x = new double[] {0};
      y = new double[] {Double.NaN};
    }
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    return s;
  }
}
