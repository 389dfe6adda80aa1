package org.exmy.dse;

import static j2html.TagCreator.body;
import static j2html.TagCreator.caption;
import static j2html.TagCreator.div;
import static j2html.TagCreator.each;
import static j2html.TagCreator.figcaption;
import static j2html.TagCreator.figure;
import static j2html.TagCreator.h1;
import static j2html.TagCreator.h2;
import static j2html.TagCreator.h3;
import static j2html.TagCreator.head;
import static j2html.TagCreator.html;
import static j2html.TagCreator.img;
import static j2html.TagCreator.meta;
import static j2html.TagCreator.p;
import static j2html.TagCreator.rawHtml;
import static j2html.TagCreator.style;
import static j2html.TagCreator.table;
import static j2html.TagCreator.tbody;
import static j2html.TagCreator.td;
import static j2html.TagCreator.text;
import static j2html.TagCreator.th;
import static j2html.TagCreator.thead;
import static j2html.TagCreator.title;
import static j2html.TagCreator.tr;

import j2html.Config;
import j2html.rendering.FlatHtml;
import j2html.tags.DomContent;
import j2html.tags.specialized.TableTag;
import j2html.tags.specialized.TrTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTML report: one self-contained page (j2html; every text escaped; empty elements closed, so
 * the page is also well-formed XML). Plots are embedded as base64 PNG, there is no script and no
 * external reference.
 */
final class ReportPage {
  private ReportPage() {}

  /**
   * Columns of the front tables, by {@link PointResult.Column#name()}; the full table has them all.
   */
  static final List<String> FRONT_COLUMNS =
      List.of(
          "label",
          "format_w",
          "format_a",
          "family",
          "luts",
          "ffs",
          "dsp48",
          "ice40_fmax_mhz",
          "top1",
          "drop_pp",
          "agreement",
          "mismatches");

  /** Columns shown as text (left-aligned); the others are numbers. */
  private static final Set<String> TEXT_COLUMNS =
      Set.of("label", "model", "format_w", "format_a", "family", "accumulator", "pipeline", "dsp");

  // no '<', '&' or quotes: the same text is valid in HTML and in XML
  private static final String CSS =
      String.join(
          "\n",
          "body { font-family: sans-serif; margin: 1.5em; color: #222; }",
          "h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.6em; } h3 { font-size: 1.05em; }",
          "table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em 0; }",
          "th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }",
          "th { background: #f0f0f0; text-align: left; }",
          "td.num { text-align: right; font-variant-numeric: tabular-nums; }",
          "tr.front td { background: #e3f2e6; font-weight: bold; }",
          "tr.failed td { background: #fde0dd; color: #a00000; }",
          "td.status { white-space: nowrap; }",
          "figure { margin: 1em 0; } figure img { width: 100%; max-width: 900px; height: auto; border: 1px solid #ddd; }",
          "figcaption { font-size: 0.9em; color: #555; }",
          "div.wide { overflow-x: auto; }");

  /**
   * A sentence naming the ranking metric when it is not top-1 (docs/quantization.md "Fidelity
   * metrics").
   */
  private static String rankedBy(List<PointResult> results) {
    return results.stream()
        .filter(r -> r.accuracy() != null)
        .findFirst()
        .map(r -> r.accuracy().metric())
        .filter(m -> m != org.exmy.nn.quant.Metric.TOP1)
        .map(
            m ->
                " In this sweep the front and the plots rank points by "
                    + m.label()
                    + " of the model's outputs "
                    + "against its float32 outputs (the worst output), not by top-1; the columns sqnr_db, cosine, "
                    + "max_abs_error and output_agreement give every fidelity metric.")
        .orElse("");
  }

  /** The page, as text. */
  static String render(
      List<PointResult> results,
      Map<String, List<PointResult>> fronts,
      List<SweepPlots.Plot> plots,
      ReportSettings settings) {
    Set<PointResult> onFront =
        SweepPlots.identitySet(fronts.values().stream().flatMap(List::stream).toList());
    List<DomContent> body = new ArrayList<>();
    body.add(h1("exmy design-space sweep"));
    body.add(p(summary(results, fronts)));
    body.add(h2("How to read this"));
    body.add(
        p(
            text(
                "Each row is one design point: a MAC core (weight format × activation format, lanes, "
                    + "accumulator), synthesized with or without DSP blocks, rated on one model. LUTs, FFs, CARRY4 and DSP48 "
                    + "are Yosys synth_xilinx counts for a Xilinx 7-series, out of context; top-1 is the model's accuracy "
                    + "after post-training quantization computed with the core's exact arithmetic; the drop is FP32 top-1 "
                    + "minus top-1, in percentage points. A point is on its model's Pareto front when no other point of that "
                    + "model has at most as many LUTs and at least the same top-1 while being strictly better in one of "
                    + "them; in the plots the front is the black staircase (the best top-1 reachable for a LUT budget), "
                    + "front points are labelled in bold, and the dashed line is the FP32 model. Rows and markers flagged "
                    + "\"proof FAILED\" (red) are cores whose Verilator simulation disagreed with the bit-exact reference "
                    + "model (mismatches > 0): that hardware is wrong, whatever its cost and accuracy say. "
                    + "An empty cell is a stage that did not run."
                    + rankedBy(results))));
    body.add(h2("Settings"));
    body.add(settingsTable(settings));
    List<String> models = new ArrayList<>();
    plots.stream()
        .map(SweepPlots.Plot::model)
        .filter(m -> m != null && !models.contains(m))
        .forEach(models::add);
    fronts.keySet().stream().filter(m -> !models.contains(m)).forEach(models::add);
    for (String m : models) {
      body.add(h2(m.isEmpty() ? "Accuracy and cost" : "Model " + m));
      for (SweepPlots.Plot plot : plots) {
        if (m.equals(plot.model())) {
          body.add(plotFigure(plot));
        }
      }
      List<PointResult> front = fronts.get(m);
      body.add(h3("Pareto front" + (m.isEmpty() ? "" : " of " + m)));
      if (front == null) {
        body.add(p("No point has both a LUT count and a top-1, so there is no front."));
      } else {
        body.add(
            resultsTable(
                front,
                columns(FRONT_COLUMNS),
                Set.of(),
                "front: "
                    + front.size()
                    + " of the "
                    + count(results, m)
                    + " points; ascending LUTs"));
      }
    }
    for (SweepPlots.Plot plot : plots) {
      if (plot.model() == null) {
        body.add(h2("Speed"));
        body.add(plotFigure(plot));
      }
    }
    body.add(h2("All results"));
    body.add(
        resultsTable(
            results,
            PointResult.COLUMNS,
            onFront,
            results.size()
                + " design points, in sweep order; bold green: on the Pareto front of its model; "
                + "red: proof failed"));
    DomContent page =
        html(
                head(meta().withCharset("utf-8"), title("exmy sweep report"), style(rawHtml(CSS))),
                body(body.toArray(DomContent[]::new)))
            .withLang("en");
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n");
    try {
      page.render(FlatHtml.into(sb, Config.defaults().withEmptyTagsClosed(true)));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return sb.append('\n').toString();
  }

  private static String summary(List<PointResult> results, Map<String, List<PointResult>> fronts) {
    long failed = results.stream().filter(PointResult::failedProof).count();
    long proven = results.stream().filter(PointResult::verified).count();
    long models =
        results.stream().map(PointResult::modelName).filter(m -> !m.isEmpty()).distinct().count();
    long onFront = fronts.values().stream().mapToLong(List::size).sum();
    return results.size()
        + " design points"
        + (models > 0 ? " rated on " + models + " model" + (models == 1 ? "" : "s") : "")
        + "; "
        + proven
        + " proven bit-exact, "
        + failed
        + " failed the proof, "
        + (results.size() - proven - failed)
        + " not proven; "
        + onFront
        + " on a Pareto front.";
  }

  private static long count(List<PointResult> results, String model) {
    return results.stream().filter(r -> r.modelName().equals(model)).count();
  }

  private static TableTag settingsTable(ReportSettings settings) {
    if (settings.entries().isEmpty()) {
      return table(tbody(tr(td("(none given)"))));
    }
    return table(tbody(each(settings.entries(), (k, v) -> tr(th(k), td(v))))).withClass("settings");
  }

  private static DomContent plotFigure(SweepPlots.Plot plot) {
    String src = "data:image/png;base64," + Base64.getEncoder().encodeToString(plot.png());
    return figure(
        img().withSrc(src).withAlt(plot.title()).withWidth("" + SweepPlots.WIDTH),
        figcaption(plot.title() + " (also " + plot.name() + ".svg and " + plot.name() + ".png)"));
  }

  static List<PointResult.Column> columns(List<String> names) {
    List<PointResult.Column> out = new ArrayList<>();
    for (String n : names) {
      out.add(
          PointResult.COLUMNS.stream()
              .filter(c -> c.name().equals(n))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no column " + n)));
    }
    return out;
  }

  /** A results table: a status column (front, proof), then the columns. */
  private static DomContent resultsTable(
      List<PointResult> rows,
      List<PointResult.Column> columns,
      Set<PointResult> front,
      String caption) {
    List<DomContent> head = new ArrayList<>();
    head.add(th("status"));
    columns.forEach(c -> head.add(th(c.title()).withTitle(c.name())));
    List<TrTag> body = new ArrayList<>();
    for (PointResult r : rows) {
      List<String> status = new ArrayList<>();
      if (front.contains(r)) {
        status.add("◆ Pareto front");
      }
      if (r.failedProof()) {
        status.add("✗ proof FAILED (" + r.proof().mismatches() + " mismatches)");
      } else if (r.proof() == null) {
        status.add("not proven");
      } else if (!r.verified()) {
        status.add("proof checked no vectors");
      }
      List<DomContent> cells = new ArrayList<>();
      cells.add(td(String.join("; ", status)).withClass("status"));
      for (PointResult.Column c : columns) {
        cells.add(td(c.value().apply(r)).withCondClass(!TEXT_COLUMNS.contains(c.name()), "num"));
      }
      String cls = (front.contains(r) ? "front " : "") + (r.failedProof() ? "failed" : "");
      body.add(tr(cells.toArray(DomContent[]::new)).withCondClass(!cls.isBlank(), cls.strip()));
    }
    return div(table(
            caption(caption),
            thead(tr(head.toArray(DomContent[]::new))),
            tbody(body.toArray(DomContent[]::new))))
        .withClass("wide");
  }
}
