package org.exmy.dse;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep's plots (XChart), each rendered as PNG (twice the nominal size, for high-density
 * screens) and SVG (VectorGraphics2D): per model, top-1 against LUTs with the Pareto front and
 * top-1 against the weight format's bits; and, when any core has an iCE40 Fmax, Fmax against LUTs.
 */
final class SweepPlots {
  private SweepPlots() {}

  /** Nominal size of every plot, in pixels (the PNG has twice as many in each direction). */
  static final int WIDTH = 900;

  static final int HEIGHT = 600;

  static final double PNG_SCALE = 2;

  /**
   * The families, in legend order, with their colours (Okabe-Ito, colour-blind safe) and markers.
   */
  static final List<String> FAMILIES = List.of("minifloat", "integer", "mixed");

  private static final Map<String, Color> COLOUR =
      Map.of(
          "minifloat",
          new Color(0, 114, 178),
          "integer",
          new Color(213, 94, 0),
          "mixed",
          new Color(0, 158, 115));
  private static final Map<String, Marker> MARKER =
      Map.of(
          "minifloat",
          SeriesMarkers.CIRCLE,
          "integer",
          SeriesMarkers.SQUARE,
          "mixed",
          SeriesMarkers.DIAMOND);
  private static final Color FAILED = new Color(204, 0, 0);

  /**
   * A rendered plot.
   *
   * @param name file name without extension ({@code accuracy_vs_luts_cnn})
   * @param model the model it rates (null for the cost-only Fmax plot)
   * @param title its title, also the report's caption
   * @param png the PNG file
   * @param svg the SVG file
   */
  record Plot(String name, String model, String title, byte[] png, byte[] svg) {}

  /**
   * Every plot the results allow, in report order: per model with accuracy (by name), top-1 vs LUTs
   * (when any of its points has a LUT count) and top-1 vs bits; then Fmax vs LUTs. File names carry
   * a model suffix only when several models were rated.
   */
  static List<Plot> all(List<PointResult> results, Map<String, List<PointResult>> fronts) {
    Map<String, List<PointResult>> rated = new TreeMap<>();
    for (PointResult r : results) {
      if (Double.isFinite(r.scoreOrNaN())) {
        rated.computeIfAbsent(r.modelName(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, String> slugs = slugs(rated.keySet());
    List<Plot> plots = new ArrayList<>();
    for (Map.Entry<String, List<PointResult>> m : rated.entrySet()) {
      String suffix = rated.size() > 1 ? "_" + slugs.get(m.getKey()) : "";
      String shown = m.getKey().isEmpty() ? "" : m.getKey() + ": ";
      List<PointResult> front = fronts.getOrDefault(m.getKey(), List.of());
      String what = scoreName(m.getValue());
      XYChart luts = accuracyVsLuts(shown + what + " vs LUTs", m.getValue(), front);
      if (luts != null) {
        plots.add(render("accuracy_vs_luts" + suffix, m.getKey(), luts));
      }
      plots.add(
          render(
              "accuracy_vs_bits" + suffix,
              m.getKey(),
              accuracyVsBits(
                  shown + what + " vs bits of the weight format (lines: the best per width)",
                  m.getValue())));
    }
    XYChart fmax = fmaxVsLuts(results);
    if (fmax != null) {
      plots.add(render("fmax_vs_luts", null, fmax));
    }
    return plots;
  }

  /**
   * File-name parts for model names: the file name without extension, unsafe characters as '_',
   * unique.
   */
  static Map<String, String> slugs(Iterable<String> models) {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> used = new HashSet<>();
    for (String m : models) {
      String base =
          m.replaceAll(".*[/\\\\]", "")
              .replaceAll("(?i)\\.onnx$", "")
              .replaceAll("[^A-Za-z0-9._-]+", "_")
              .replaceAll("^[._]+|_+$", "");
      if (base.isEmpty()) {
        base = "model";
      }
      String s = base;
      for (int i = 2; !used.add(s); i++) {
        s = base + "-" + i;
      }
      out.put(m, s);
    }
    return out;
  }

  /**
   * Top-1 vs LUTs, one series per family, the front as a staircase, FP32 as a line; null without
   * points.
   */
  static XYChart accuracyVsLuts(String title, List<PointResult> model, List<PointResult> front) {
    List<PointResult> pts =
        model.stream()
            .filter(r -> !Double.isNaN(r.lutsOrNaN()) && Double.isFinite(r.scoreOrNaN()))
            .toList();
    if (pts.isEmpty()) {
      return null;
    }
    XYChart c = chart(title, "LUTs (Xilinx 7-series, Yosys synth_xilinx)", scoreAxis(model));
    familySeries(c, pts, PointResult::lutsOrNaN, PointResult::scoreOrNaN, "");
    if (!front.isEmpty()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < front.size(); i++) {
        PointResult p = front.get(i);
        if (i > 0) { // the best top-1 reachable for a LUT budget: flat until the next front point
          xs.add(p.lutsOrNaN());
          ys.add(front.get(i - 1).scoreOrNaN());
        }
        xs.add(p.lutsOrNaN());
        ys.add(p.scoreOrNaN());
      }
      line(c, "Pareto front", xs, ys, Color.BLACK, new BasicStroke(1.6f));
    }
    failedSeries(c, pts, PointResult::lutsOrNaN, PointResult::scoreOrNaN);
    double[] x =
        lutRange(c.getStyler(), pts.stream().mapToDouble(PointResult::lutsOrNaN).toArray());
    double fp32 = fp32(pts);
    fp32Line(c, fp32, x);
    accuracyRange(c.getStyler(), pts, fp32);
    Set<PointResult> onFront = identitySet(front);
    labels(c, pts, PointResult::lutsOrNaN, PointResult::scoreOrNaN, onFront::contains);
    return c;
  }

  /**
   * Top-1 vs the weight format's bits: every point as a marker, and per family a line through the
   * best point of each width (labelled).
   */
  static XYChart accuracyVsBits(String title, List<PointResult> model) {
    List<PointResult> pts = model.stream().filter(r -> Double.isFinite(r.scoreOrNaN())).toList();
    XYChart c = chart(title, "bits of the weight format", scoreAxis(model));
    ToDoubleFunction<PointResult> bits = r -> r.core().a().bits();
    for (XYSeries s : familySeries(c, pts, bits, PointResult::scoreOrNaN, " (all points)")) {
      s.setShowInLegend(false); // the family's line below carries its marker and colour
    }
    List<PointResult> best = new ArrayList<>();
    for (String family : FAMILIES) {
      Map<Integer, PointResult> top = new TreeMap<>();
      for (PointResult r : pts) {
        if (r.family().equals(family)) {
          top.merge(r.core().a().bits(), r, (a, b) -> b.scoreOrNaN() > a.scoreOrNaN() ? b : a);
        }
      }
      if (!top.isEmpty()) {
        List<Double> xs = top.keySet().stream().map(Integer::doubleValue).toList();
        List<Double> ys = top.values().stream().map(PointResult::scoreOrNaN).toList();
        XYSeries s = line(c, family, xs, ys, COLOUR.get(family), new BasicStroke(1.6f));
        s.setMarker(MARKER.get(family));
        s.setMarkerColor(COLOUR.get(family));
        best.addAll(top.values());
      }
    }
    failedSeries(c, pts, bits, PointResult::scoreOrNaN);
    int lo = pts.stream().mapToInt(r -> r.core().a().bits()).min().orElse(3);
    int hi = pts.stream().mapToInt(r -> r.core().a().bits()).max().orElse(8);
    // at least 3 bits wide, and ticks 1 apart (only whole widths get a tick label)
    double[] x = {Math.min(lo, hi - 3) - 0.6, hi + 0.6};
    c.getStyler().setXAxisMin(x[0]).setXAxisMax(x[1]);
    c.getStyler().setXAxisTickMarkSpacingHint(160);
    c.getStyler().setXAxisDecimalPattern("0.#");
    double fp32 = fp32(pts);
    fp32Line(c, fp32, x);
    accuracyRange(c.getStyler(), pts, fp32);
    List<PointResult> others = new ArrayList<>(pts);
    labels(c, best, bits, PointResult::scoreOrNaN, r -> true, others);
    return c;
  }

  /**
   * iCE40 Fmax vs LUTs of every distinct core (a core rated on several models counts once); null if
   * none has Fmax.
   */
  static XYChart fmaxVsLuts(List<PointResult> results) {
    Map<String, PointResult> cores = new LinkedHashMap<>();
    for (PointResult r : results) {
      if (r.cost() != null && !Double.isNaN(r.cost().ice40FmaxMhz())) {
        cores.putIfAbsent(r.point().label(), r);
      }
    }
    if (cores.isEmpty()) {
      return null;
    }
    List<PointResult> pts = new ArrayList<>(cores.values());
    ToDoubleFunction<PointResult> fmax = r -> r.cost().ice40FmaxMhz();
    XYChart c =
        chart(
            "iCE40 HX8K Fmax vs LUTs",
            "LUTs (Xilinx 7-series, Yosys synth_xilinx)",
            "iCE40 Fmax (MHz, nextpnr)");
    familySeries(c, pts, PointResult::lutsOrNaN, fmax, "");
    failedSeries(c, pts, PointResult::lutsOrNaN, fmax);
    lutRange(c.getStyler(), pts.stream().mapToDouble(PointResult::lutsOrNaN).toArray());
    double max = pts.stream().mapToDouble(fmax).max().orElse(1);
    c.getStyler().setYAxisMin(0.0).setYAxisMax(max * 1.12);
    labels(c, pts, PointResult::lutsOrNaN, fmax, r -> false);
    return c;
  }

  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    XYStyler s = c.getStyler();
    s.setLocale(Locale.ROOT);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(new Color(150, 150, 150));
    s.setPlotGridLinesColor(new Color(225, 225, 225));
    s.setLegendPosition(LegendPosition.OutsideS);
    s.setLegendLayout(LegendLayout.Horizontal);
    s.setLegendBorderColor(Color.WHITE);
    s.setMarkerSize(9);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setChartTitleBoxVisible(false);
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setYAxisDecimalPattern("0.#");
    return c;
  }

  private static List<XYSeries> familySeries(
      XYChart c,
      List<PointResult> pts,
      ToDoubleFunction<PointResult> x,
      ToDoubleFunction<PointResult> y,
      String suffix) {
    List<XYSeries> out = new ArrayList<>();
    for (String family : FAMILIES) {
      List<PointResult> f = pts.stream().filter(r -> r.family().equals(family)).toList();
      if (f.isEmpty()) {
        continue;
      }
      XYSeries s =
          c.addSeries(
              family + suffix,
              f.stream().mapToDouble(x).toArray(),
              f.stream().mapToDouble(y).toArray());
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
      s.setMarker(MARKER.get(family));
      s.setMarkerColor(COLOUR.get(family));
      out.add(s);
    }
    return out;
  }

  /** Points whose proof failed get a red cross over their marker. */
  private static void failedSeries(
      XYChart c,
      List<PointResult> pts,
      ToDoubleFunction<PointResult> x,
      ToDoubleFunction<PointResult> y) {
    List<PointResult> failed = pts.stream().filter(PointResult::failedProof).toList();
    if (!failed.isEmpty()) {
      XYSeries s =
          c.addSeries(
              "proof failed (mismatches > 0)",
              failed.stream().mapToDouble(x).toArray(),
              failed.stream().mapToDouble(y).toArray());
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CROSS);
      s.setMarkerColor(FAILED);
    }
  }

  private static XYSeries line(
      XYChart c, String name, List<Double> xs, List<Double> ys, Color colour, BasicStroke stroke) {
    XYSeries s = c.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(colour);
    s.setLineStyle(stroke);
    return s;
  }

  private static void fp32Line(XYChart c, double fp32, double[] x) {
    if (!Double.isNaN(fp32)) {
      line(
          c,
          String.format(Locale.ROOT, "FP32 (%.2f)", fp32),
          List.of(x[0], x[1]),
          List.of(fp32, fp32),
          new Color(110, 110, 110),
          new BasicStroke(
              1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    }
  }

  /**
   * The model's FP32 score (of its first rated point: the sweep rates every point on the same model
   * run).
   */
  static double fp32(List<PointResult> pts) {
    return pts.stream()
        .filter(r -> r.accuracy() != null)
        .mapToDouble(r -> r.accuracy().fp32Score())
        .findFirst()
        .orElse(Double.NaN);
  }

  private static org.exmy.nn.quant.Metric metricOf(List<PointResult> pts) {
    return pts.stream()
        .filter(r -> r.accuracy() != null)
        .map(r -> r.accuracy().metric())
        .findFirst()
        .orElse(org.exmy.nn.quant.Metric.TOP1);
  }

  /** "top-1", "SQNR", ... for plot titles. */
  static String scoreName(List<PointResult> pts) {
    return switch (metricOf(pts)) {
      case TOP1 -> "top-1";
      case SQNR -> "output SQNR";
      case COSINE -> "output cosine";
      case AGREEMENT -> "arg-max agreement";
      case MAXERR -> "max error";
    };
  }

  private static String scoreAxis(List<PointResult> pts) {
    return switch (metricOf(pts)) {
      case TOP1 -> "top-1 accuracy (%)";
      case SQNR -> "SQNR of the outputs vs float32 (dB)";
      case COSINE -> "cosine similarity with float32";
      case AGREEMENT -> "arg-max agreement with float32 (%)";
      case MAXERR -> "-max |error| vs float32";
    };
  }

  /** LUT axis: logarithmic when the counts span a factor of 4 or more (20 .. 2000 is common). */
  private static double[] lutRange(XYStyler s, double[] luts) {
    double min = Arrays.stream(luts).min().orElse(1);
    double max = Arrays.stream(luts).max().orElse(1);
    double[] r;
    if (min > 0 && max / min >= 4) {
      s.setXAxisLogarithmic(true);
      s.setXAxisLogarithmicDecadeOnly(false);
      r = new double[] {min / 1.3, max * 1.3};
    } else {
      double pad = Math.max(1, 0.1 * (max - min));
      r = new double[] {Math.max(0, min - pad), max + pad};
    }
    s.setXAxisDecimalPattern("#,##0");
    s.setXAxisMin(r[0]).setXAxisMax(r[1]);
    return r;
  }

  private static void accuracyRange(XYStyler s, List<PointResult> pts, double fp32) {
    double min =
        pts.stream().mapToDouble(PointResult::scoreOrNaN).filter(Double::isFinite).min().orElse(0);
    double max =
        pts.stream()
            .mapToDouble(PointResult::scoreOrNaN)
            .filter(Double::isFinite)
            .max()
            .orElse(100);
    if (!Double.isNaN(fp32)) {
      min = Math.min(min, fp32);
      max = Math.max(max, fp32);
    }
    org.exmy.nn.quant.Metric m = metricOf(pts);
    boolean percent = m == org.exmy.nn.quant.Metric.TOP1 || m == org.exmy.nn.quant.Metric.AGREEMENT;
    double pad = Math.max(percent ? 0.5 : 1e-3 + 0.01 * Math.abs(max), 0.08 * (max - min));
    double lo = min >= 0 ? Math.max(0, min - pad) : min - pad;
    double hi = percent ? (max >= 100 ? max : Math.min(100, max + pad)) : max + pad;
    s.setYAxisMin(lo).setYAxisMax(hi);
  }

  private static void labels(
      XYChart c,
      List<PointResult> pts,
      ToDoubleFunction<PointResult> x,
      ToDoubleFunction<PointResult> y,
      Predicate<PointResult> strong) {
    labels(c, pts, x, y, strong, pts);
  }

  /**
   * Labels {@code pts} with {@link DesignPoint#shortLabel()}, or with the full {@link
   * DesignPoint#label()} where two labelled points would otherwise read the same.
   */
  private static void labels(
      XYChart c,
      List<PointResult> pts,
      ToDoubleFunction<PointResult> x,
      ToDoubleFunction<PointResult> y,
      Predicate<PointResult> strong,
      List<PointResult> all) {
    Map<String, Integer> count = new HashMap<>();
    for (PointResult r : pts) {
      count.merge(r.point().shortLabel(), 1, Integer::sum);
    }
    List<PointLabels.Label> labels = new ArrayList<>();
    for (PointResult r : pts) {
      String text =
          count.get(r.point().shortLabel()) > 1 ? r.point().label() : r.point().shortLabel();
      labels.add(
          new PointLabels.Label(x.applyAsDouble(r), y.applyAsDouble(r), text, strong.test(r)));
    }
    List<double[]> points =
        all.stream().map(r -> new double[] {x.applyAsDouble(r), y.applyAsDouble(r)}).toList();
    List<double[][]> lines =
        c.getSeriesCollection().stream()
            .filter(s -> s.getXYSeriesRenderStyle().orElse(null) == XYSeriesRenderStyle.Line)
            .map(s -> new double[][] {s.getXData(), s.getYData()})
            .toList();
    c.addAnnotation(new PointLabels(labels, points, lines));
  }

  static <T> Set<T> identitySet(List<T> items) {
    Set<T> s = Collections.newSetFromMap(new IdentityHashMap<>());
    s.addAll(items);
    return s;
  }

  static Plot render(String name, String model, org.knowm.xchart.internal.chartpart.Chart<?, ?> c) {
    try {
      int w = (int) Math.round(WIDTH * PNG_SCALE);
      int h = (int) Math.round(HEIGHT * PNG_SCALE);
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.scale(PNG_SCALE, PNG_SCALE);
      c.paint(g, WIDTH, HEIGHT);
      g.dispose();
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      ByteArrayOutputStream svg = new ByteArrayOutputStream();
      VectorGraphics2D vg = new VectorGraphics2D();
      c.paint(vg, WIDTH, HEIGHT);
      vg.dispose();
      new SVGProcessor().getDocument(vg.getCommands(), new PageSize(WIDTH, HEIGHT)).writeTo(svg);
      return new Plot(name, model, c.getTitle(), png.toByteArray(), svg.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the plot " + name + ": " + e.getMessage(), e);
    }
  }
}
