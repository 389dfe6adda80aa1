package org.exmy.dse;

import java.util.Properties;
import org.exmy.nn.quant.Metric;

/** The results of the sweep's stages, each cached on its own, and their cache encoding. */
public final class Stages {
  private Stages() {}

  /**
   * The proof that a core is bit-exact: every operand pair, random sequences and the model-free
   * worst-case oracle.
   */
  public record Proof(long vectors, long mismatches, double seconds) {
    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("vectors", "" + vectors);
      p.setProperty("mismatches", "" + mismatches);
      p.setProperty("seconds", "" + seconds);
      return p;
    }

    static Proof of(Properties p) {
      return new Proof(Long.parseLong(p.getProperty("vectors")), Long.parseLong(p.getProperty("mismatches")),
          Double.parseDouble(p.getProperty("seconds")));
    }
  }

  /**
   * What a core costs: Yosys xc7 cells, and (when the timing flows ran) iCE40 logic cells and Fmax
   * and the xc7 logic-delay estimate; -1 / NaN when not run.
   */
  public record Cost(int luts, int ffs, int carry4, int dsp48, int ice40Lcs, double ice40FmaxMhz, double xc7LogicNs) {
    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("luts", "" + luts);
      p.setProperty("ffs", "" + ffs);
      p.setProperty("carry4", "" + carry4);
      p.setProperty("dsp48", "" + dsp48);
      p.setProperty("ice40_lcs", "" + ice40Lcs);
      p.setProperty("ice40_fmax_mhz", "" + ice40FmaxMhz);
      p.setProperty("xc7_logic_ns", "" + xc7LogicNs);
      return p;
    }

    static Cost of(Properties p) {
      return new Cost(Integer.parseInt(p.getProperty("luts")), Integer.parseInt(p.getProperty("ffs")),
          Integer.parseInt(p.getProperty("carry4")), Integer.parseInt(p.getProperty("dsp48")),
          Integer.parseInt(p.getProperty("ice40_lcs")), Double.parseDouble(p.getProperty("ice40_fmax_mhz")),
          Double.parseDouble(p.getProperty("xc7_logic_ns")));
    }
  }

  /**
   * The model after quantization with the core's arithmetic, against its labels and its float32
   * outputs (docs/quantization.md "Fidelity metrics").
   *
   * @param top1 top-1 in percent (NaN when the data have no labels)
   * @param fp32Top1 float32 top-1 in percent (NaN likewise)
   * @param agreement percentage of labelled positions whose prediction equals float32's (NaN likewise)
   * @param images items rated (labelled positions when there are labels)
   * @param sqnrDb SQNR of the outputs against float32, dB (the worst output)
   * @param cosine cosine similarity with float32 (the worst output)
   * @param maxError max absolute error against float32 (the worst output)
   * @param outputAgreement arg-max agreement with float32 along the last axis, percent (the worst output)
   * @param metric the metric that ranks points ({@link #score}); not stored in the cache
   */
  public record Accuracy(double top1, double fp32Top1, double agreement, int images, double sqnrDb, double cosine,
      double maxError, double outputAgreement, Metric metric) {

    /** Top-1 only (fidelity unknown), ranked by top-1. */
    public Accuracy(double top1, double fp32Top1, double agreement, int images) {
      this(top1, fp32Top1, agreement, images, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Metric.TOP1);
    }

    /** The same, ranked by {@code m}. */
    public Accuracy rankedBy(Metric m) {
      return new Accuracy(top1, fp32Top1, agreement, images, sqnrDb, cosine, maxError, outputAgreement, m);
    }

    /** The value of the ranking metric (higher is better). */
    public double score() {
      return switch (metric) {
        case TOP1 -> top1;
        case SQNR -> sqnrDb;
        case COSINE -> cosine;
        case AGREEMENT -> outputAgreement;
        case MAXERR -> -maxError;
      };
    }

    /** The ranking metric's value of float32 itself, NaN when it has none worth drawing (SQNR: +∞). */
    public double fp32Score() {
      return switch (metric) {
        case TOP1 -> fp32Top1;
        case COSINE -> 1;
        case AGREEMENT -> 100;
        default -> Double.NaN;
      };
    }

    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("top1", "" + top1);
      p.setProperty("fp32_top1", "" + fp32Top1);
      p.setProperty("agreement", "" + agreement);
      p.setProperty("images", "" + images);
      p.setProperty("sqnr_db", "" + sqnrDb);
      p.setProperty("cosine", "" + cosine);
      p.setProperty("max_error", "" + maxError);
      p.setProperty("output_agreement", "" + outputAgreement);
      return p;
    }

    static Accuracy of(Properties p) {
      return new Accuracy(Double.parseDouble(p.getProperty("top1")), Double.parseDouble(p.getProperty("fp32_top1")),
          Double.parseDouble(p.getProperty("agreement")), Integer.parseInt(p.getProperty("images")),
          Double.parseDouble(p.getProperty("sqnr_db")), Double.parseDouble(p.getProperty("cosine")),
          Double.parseDouble(p.getProperty("max_error")), Double.parseDouble(p.getProperty("output_agreement")),
          Metric.TOP1);
    }
  }
}
