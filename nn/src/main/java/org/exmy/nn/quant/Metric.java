package org.exmy.nn.quant;

import java.util.Locale;
import org.exmy.nn.NnException;

/**
 * What rates a quantized model (docs/quantization.md "Fidelity metrics"): top-1 against labels, or
 * one of the fidelity measures of the quantized outputs against the float32 ones, taken at the
 * worst output when a model has several.
 */
public enum Metric {
  /** Top-1 accuracy against the labels, in percent. */
  TOP1("top1", "top-1 %", true),
  /** SQNR of the outputs against float32, in dB (the worst output). */
  SQNR("sqnr", "SQNR dB", true),
  /** Cosine similarity with float32 (the worst output). */
  COSINE("cosine", "cosine", true),
  /** Arg-max agreement with float32 along the last axis, in percent (the worst output). */
  AGREEMENT("agreement", "arg-max agreement %", true),
  /** Maximum absolute error against float32 (the worst output). */
  MAXERR("maxerr", "max |error|", false);

  private final String id;
  private final String label;
  private final boolean higherIsBetter;

  Metric(String id, String label, boolean higherIsBetter) {
    this.id = id;
    this.label = label;
    this.higherIsBetter = higherIsBetter;
  }

  /** The name on the command line. */
  public String id() {
    return id;
  }

  /** The axis label of plots. */
  public String label() {
    return label;
  }

  /** Whether a larger value is better (all but {@link #MAXERR}). */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /**
   * Parses a metric name: top1, sqnr (also "fidelity"), cosine, agreement, maxerr.
   *
   * @throws NnException naming the bad value and the choices
   */
  public static Metric parse(String s) {
    String k = s.toLowerCase(Locale.ROOT);
    if (k.equals("fidelity")) {
      return SQNR;
    }
    for (Metric m : values()) {
      if (m.id.equals(k)) {
        return m;
      }
    }
    throw new NnException(
        "--metric must be top1, fidelity (= sqnr), sqnr, cosine, agreement or maxerr, got '"
            + s
            + "'");
  }

  /** The metric's value of an assessment: NaN for top-1 without labels. */
  public double of(Assessment a) {
    if (this == TOP1) {
      return a.top1() == null ? Double.NaN : a.top1().top1();
    }
    double worst = higherIsBetter ? Double.POSITIVE_INFINITY : 0;
    for (Fidelity f : a.fidelity()) {
      double v =
          switch (this) {
            case SQNR -> f.sqnrDb();
            case COSINE -> f.cosine();
            case AGREEMENT -> f.agreement();
            default -> f.maxAbsError();
          };
      worst = higherIsBetter ? Math.min(worst, v) : Math.max(worst, v);
    }
    return worst;
  }

  /**
   * The metric's value of float32 itself: top-1 of float32, or the fidelity of identical outputs.
   */
  public double ofFloat32(Assessment a) {
    return switch (this) {
      case TOP1 -> a.top1() == null ? Double.NaN : a.top1().fp32Top1();
      case SQNR -> Double.POSITIVE_INFINITY;
      case COSINE -> 1;
      case AGREEMENT -> 100;
      case MAXERR -> 0;
    };
  }
}
