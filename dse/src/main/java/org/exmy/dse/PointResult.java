package org.exmy.dse;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;

/**
 * Everything the sweep learned about one design point. {@link #COLUMNS} defines, once, every column
 * of {@code points.csv}, {@code pareto.csv} and the report's table.
 *
 * @param point the design point
 * @param aliases other names of the formats (e.g. float4_e2m1fn for E2M1)
 * @param proof the bit-exactness proof, or null when not run
 * @param cost the synthesis result, or null when not run
 * @param accuracy the model accuracy, or null when not run
 * @param sqnrW SQNR (dB) of a Gaussian tensor quantized to the weight format
 * @param sqnrA likewise for the activation format
 */
public record PointResult(
    DesignPoint point,
    List<String> aliases,
    Stages.Proof proof,
    Stages.Cost cost,
    Stages.Accuracy accuracy,
    double sqnrW,
    double sqnrA) {

  /** A column: its name in the CSV header, and how a result fills it (empty when unknown). */
  public record Column(String name, String title, Function<PointResult, String> value) {}

  /** The columns, in order. */
  public static final List<Column> COLUMNS =
      List.of(
          col("label", "design point", r -> r.point().label()),
          col("model", "model", r -> r.point().model() == null ? "" : r.point().model()),
          col("format_w", "weights", r -> r.point().weightsName()),
          col("format_a", "activations", r -> r.point().activationsName()),
          col("family", "family", r -> r.family()),
          col("bits_w", "bits w", r -> "" + r.core().a().bits()),
          col("bits_a", "bits a", r -> "" + r.core().b().bits()),
          col("lanes", "lanes", r -> r.point().isMx() ? "" : "" + r.core().lanes()),
          col("terms", "terms", r -> r.point().isMx() ? "" : "" + r.core().terms()),
          col(
              "accumulator",
              "accumulator",
              r -> r.point().isMx() ? "" : r.core().accumulator().tag()),
          col("pipeline", "pipeline", r -> r.point().isMx() ? "" : r.core().pipeline().toString()),
          col("latency", "latency", r -> r.point().isMx() ? "" : "" + r.core().latency()),
          col("acc_width", "acc bits", r -> r.point().isMx() ? "" : "" + r.core().accWidth()),
          col("dsp", "DSP allowed", r -> r.point().dsp() ? "yes" : "no"),
          col("luts", "LUTs", r -> r.cost() == null ? "" : "" + r.cost().luts()),
          col("ffs", "FFs", r -> r.cost() == null ? "" : "" + r.cost().ffs()),
          col("carry4", "CARRY4", r -> r.cost() == null ? "" : "" + r.cost().carry4()),
          col("dsp48", "DSP48", r -> r.cost() == null ? "" : "" + r.cost().dsp48()),
          col(
              "ice40_lcs",
              "iCE40 LCs",
              r -> r.cost() == null || r.cost().ice40Lcs() < 0 ? "" : "" + r.cost().ice40Lcs()),
          col(
              "ice40_fmax_mhz",
              "iCE40 Fmax MHz",
              r ->
                  r.cost() == null || Double.isNaN(r.cost().ice40FmaxMhz())
                      ? ""
                      : fmt1(r.cost().ice40FmaxMhz())),
          col(
              "xc7_logic_ns",
              "xc7 logic delay ns",
              r ->
                  r.cost() == null || Double.isNaN(r.cost().xc7LogicNs())
                      ? ""
                      : fmt(r.cost().xc7LogicNs(), 3)),
          col("top1", "top-1 %", r -> r.accuracy() == null ? "" : fmt(r.accuracy().top1(), 2)),
          col(
              "fp32_top1",
              "FP32 top-1 %",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().fp32Top1(), 2)),
          col(
              "drop_pp",
              "drop (pp)",
              r ->
                  r.accuracy() == null
                      ? ""
                      : fmt(r.accuracy().fp32Top1() - r.accuracy().top1(), 2)),
          col(
              "agreement",
              "agreement %",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().agreement(), 2)),
          col("images", "images", r -> r.accuracy() == null ? "" : "" + r.accuracy().images()),
          col(
              "sqnr_db",
              "output SQNR dB",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().sqnrDb(), 2)),
          col(
              "cosine",
              "output cosine",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().cosine(), 6)),
          col(
              "max_abs_error",
              "output max |error|",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().maxError(), 4)),
          col(
              "output_agreement",
              "output arg-max agreement %",
              r -> r.accuracy() == null ? "" : fmt(r.accuracy().outputAgreement(), 2)),
          col("sqnr_w_db", "SQNR w dB", r -> fmt(r.sqnrW(), 2)),
          col("sqnr_a_db", "SQNR a dB", r -> fmt(r.sqnrA(), 2)),
          col(
              "vectors",
              "verified vectors",
              r -> r.proof() == null ? "" : "" + r.proof().vectors()),
          col(
              "mismatches",
              "mismatches",
              r -> r.proof() == null ? "" : "" + r.proof().mismatches()));

  private static Column col(String name, String title, Function<PointResult, String> f) {
    return new Column(name, title, f);
  }

  private static String fmt(double v, int decimals) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String fmt1(double v) {
    return fmt(v, 1);
  }

  public CoreSpec core() {
    return point.core();
  }

  /** {@code minifloat}, {@code integer} or {@code mixed}. */
  public String family() {
    if (point.isMx()) {
      return "mx";
    }
    NumberFormat a = core().a();
    NumberFormat b = core().b();
    if (a instanceof FloatFormat && b instanceof FloatFormat) {
      return "minifloat";
    }
    if (a instanceof IntFormat && b instanceof IntFormat) {
      return "integer";
    }
    return "mixed";
  }

  /** LUTs, or NaN when not synthesized (for the Pareto front and the plots). */
  public double lutsOrNaN() {
    return cost == null ? Double.NaN : cost.luts();
  }

  /**
   * The ranking metric's value (top-1 in percent by default; see {@link Stages.Accuracy#score}), or
   * NaN when not measured.
   */
  public double scoreOrNaN() {
    return accuracy == null ? Double.NaN : accuracy.score();
  }

  /** The model this point was rated on, or "" when none. */
  public String modelName() {
    return point.model() == null ? "" : point.model();
  }

  /** True when the proof ran and found mismatches: the core is not bit-exact. */
  public boolean failedProof() {
    return proof != null && proof.mismatches() > 0;
  }

  /** True when the proof ran and found no mismatch. */
  public boolean verified() {
    return proof != null && proof.mismatches() == 0 && proof.vectors() > 0;
  }

  /** The CSV header line. */
  public static String csvHeader() {
    return String.join(",", COLUMNS.stream().map(Column::name).toList());
  }

  /** This result as a CSV line (fields with a comma or quote are quoted). */
  public String csvRow() {
    return String.join(",", COLUMNS.stream().map(c -> csv(c.value().apply(this))).toList());
  }

  static String csv(String s) {
    return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
