package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exmy.base.AtomicWrite;
import org.exmy.nn.quant.Sensitivity;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The layer-sensitivity table and its bar plot ({@code exmy sensitivity -o DIR}). */
public final class SensitivityReport {
  private SensitivityReport() {}

  /** The CSV: one row per linear site, the most sensitive first. */
  public static String csv(String model, String formats, Sensitivity s) {
    StringBuilder sb =
        new StringBuilder("rank,model,formats,site,node,op,macs,metric,value,drop\n");
    int rank = 1;
    for (Sensitivity.Row r : s.rows()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%d,%s,%s,%d,%s,%s,%d,%s,%s,%s%n",
              rank++,
              model,
              formats,
              r.site(),
              r.node().replace(',', ' '),
              r.op(),
              r.macs(),
              s.metric().id(),
              num(r.value()),
              num(r.drop())));
    }
    return sb.toString();
  }

  /** A number as the CSV writes it: 4 decimals, inf / -inf / nan spelled out. */
  public static String num(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /**
   * Writes {@code sensitivity.csv}, {@code sensitivity.png} and {@code sensitivity.svg} into {@code
   * dir}.
   */
  public static List<Path> write(Path dir, String model, String formats, Sensitivity s) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(SweepPlots.WIDTH)
            .height(SweepPlots.HEIGHT)
            .title(model + " " + formats + ": one linear node quantized at a time")
            .xAxisTitle("node (site)")
            .yAxisTitle(s.metric().label() + " drop")
            .build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(60);
    List<String> names = new ArrayList<>();
    List<Double> drops = new ArrayList<>();
    for (Sensitivity.Row r : s.rows()) {
      names.add("#" + r.site() + " " + r.node());
      drops.add(Double.isFinite(r.drop()) ? r.drop() : 0.0);
    }
    c.addSeries("drop", names, drops);
    SweepPlots.Plot p = SweepPlots.render("sensitivity", model, c);
    List<Path> out =
        List.of(
            dir.resolve("sensitivity.csv"),
            dir.resolve("sensitivity.png"),
            dir.resolve("sensitivity.svg"));
    try {
      AtomicWrite.write(out.get(0), csv(model, formats, s));
      AtomicWrite.write(out.get(1), p.png());
      AtomicWrite.write(out.get(2), p.svg());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }
}
