package org.exmy.dse;

import java.util.Properties;

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

  /** Top-1 of the model after quantization with the core's arithmetic, in percent. */
  public record Accuracy(double top1, double fp32Top1, double agreement, int images) {
    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("top1", "" + top1);
      p.setProperty("fp32_top1", "" + fp32Top1);
      p.setProperty("agreement", "" + agreement);
      p.setProperty("images", "" + images);
      return p;
    }

    static Accuracy of(Properties p) {
      return new Accuracy(Double.parseDouble(p.getProperty("top1")), Double.parseDouble(p.getProperty("fp32_top1")),
          Double.parseDouble(p.getProperty("agreement")), Integer.parseInt(p.getProperty("images")));
    }
  }
}
