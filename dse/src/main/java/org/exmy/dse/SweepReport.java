package org.exmy.dse;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The sweep's outputs, written into one folder:
 *
 * <ul>
 *   <li>{@code points.csv}: {@link PointResult#csvHeader()} and one row per result, in the given
 *       order;
 *   <li>{@code pareto.csv}: the same columns, the Pareto front (fewest LUTs, highest top-1) of each
 *       model, ordered by model name, then ascending LUTs; a point without cost or accuracy is
 *       never on a front, and the proof does not matter for the front (a failed proof is flagged
 *       instead);
 *   <li>{@code accuracy_vs_luts[_MODEL].png/.svg}, {@code accuracy_vs_bits[_MODEL].png/.svg} for
 *       each model with accuracy (the suffix only when several models were rated), and {@code
 *       fmax_vs_luts.png/.svg} when any core has an iCE40 Fmax (see {@link SweepPlots});
 *   <li>{@code report.html}: one self-contained page (plots embedded as PNG data, no scripts, no
 *       external files) with the settings, the plots, the front tables and every result.
 * </ul>
 *
 * <p>Every file is written through a temporary file in the same folder, and all of them are renamed
 * into place only once all are written: a failure leaves the previous report as it was. Rendering
 * needs no display: {@code java.awt.headless} is set to true unless the caller set it.
 */
public final class SweepReport {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private SweepReport() {}

  /** The CSV file of every result. */
  public static final String POINTS_CSV = "points.csv";

  /** The CSV file of the Pareto fronts. */
  public static final String PARETO_CSV = "pareto.csv";

  /** The HTML report. */
  public static final String REPORT_HTML = "report.html";

  /**
   * Writes the CSVs, the plots and the HTML report into {@code dir} (created if missing).
   *
   * @param results every design point's result, in the order of {@code points.csv}
   * @return the files written: the two CSVs, each plot's PNG and SVG, then the report
   * @throws UncheckedIOException one line naming the path: {@code dir} is a file, an output file is
   *     read-only or a folder, or writing failed; the files already in {@code dir} are then
   *     unchanged
   */
  public static List<Path> write(Path dir, List<PointResult> results, ReportSettings settings) {
    Objects.requireNonNull(results, "results");
    StagedFiles out = new StagedFiles(dir);
    out.checkFolder(); // fail before the plots are rendered where we can
    for (String name : List.of(POINTS_CSV, PARETO_CSV, REPORT_HTML)) {
      out.checkTarget(name);
    }
    Map<String, List<PointResult>> fronts = fronts(results);
    out.add(POINTS_CSV, csv(results));
    out.add(PARETO_CSV, csv(fronts.values().stream().flatMap(List::stream).toList()));
    List<SweepPlots.Plot> plots = SweepPlots.all(results, fronts);
    for (SweepPlots.Plot p : plots) {
      out.add(p.name() + ".png", p.png());
      out.add(p.name() + ".svg", p.svg());
    }
    out.add(
        REPORT_HTML,
        ReportPage.render(
            results, fronts, plots, settings == null ? new ReportSettings(null) : settings));
    return out.commit();
  }

  /**
   * The Pareto front of each model (LUTs against top-1, {@link Pareto#front}), by model name in
   * ascending order (the empty name for results without a model first); models whose front is empty
   * (no point with both cost and accuracy) are left out.
   */
  public static Map<String, List<PointResult>> fronts(List<PointResult> results) {
    Map<String, List<PointResult>> byModel = new TreeMap<>();
    for (PointResult r : results) {
      byModel.computeIfAbsent(r.modelName(), k -> new ArrayList<>()).add(r);
    }
    Map<String, List<PointResult>> fronts = new LinkedHashMap<>();
    for (Map.Entry<String, List<PointResult>> m : byModel.entrySet()) {
      List<PointResult> f =
          Pareto.front(m.getValue(), PointResult::lutsOrNaN, PointResult::scoreOrNaN);
      if (!f.isEmpty()) {
        fronts.put(m.getKey(), List.copyOf(f));
      }
    }
    return fronts;
  }

  private static String csv(List<PointResult> rows) {
    StringBuilder sb = new StringBuilder(PointResult.csvHeader()).append('\n');
    for (PointResult r : rows) {
      sb.append(r.csvRow()).append('\n');
    }
    return sb.toString();
  }
}
