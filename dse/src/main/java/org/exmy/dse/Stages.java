package org.exmy.dse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.mac.MxCore;
import org.exmy.mac.MxGenerator;
import org.exmy.nn.Tensor;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.synth.SynthCsv;
import org.exmy.testbench.CrossCheck;
import org.exmy.testbench.MxCrossCheck;
import org.exmy.testbench.WorstCaseOracle;

/**
 * The sweep's stages, each cached on its own: per kind, the result record, its cache encoding, its
 * cache key (the full configuration and the tool versions that can change it) and its computation.
 * {@link Sweep} plans which stages a grid needs, {@link StageRunner} runs them.
 */
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
      return new Proof(
          Long.parseLong(p.getProperty("vectors")),
          Long.parseLong(p.getProperty("mismatches")),
          Double.parseDouble(p.getProperty("seconds")));
    }

    /** The proof of a MAC or dot core. */
    static Stage<Proof> stage(CoreSpec spec, int sequences, ToolVersions tools) {
      String key = "proof|" + spec + "|" + spec.moduleName() + proofTools(sequences, tools);
      return new Stage<>(
          "proof",
          key,
          "prove " + spec.label(),
          Proof::of,
          Proof::toProperties,
          () -> prove(spec, sequences));
    }

    /** The proof of an MX core. */
    static Stage<Proof> mxStage(MxCoreSpec mx, int sequences, ToolVersions tools) {
      String key = "mxproof|" + mx + "|" + mx.moduleName() + proofTools(sequences, tools);
      return new Stage<>(
          "proof",
          key,
          "prove " + mx.label(),
          Proof::of,
          Proof::toProperties,
          () -> proveMx(mx, sequences));
    }

    /** A proof key's tail: the sequences and what could change the proof's result. */
    private static String proofTools(int sequences, ToolVersions tools) {
      return "|sequences="
          + sequences
          + "|"
          + Sweep.STAGES_VERSION
          + "|"
          + tools.get("generator")
          + "|"
          + tools.get("verilator");
    }

    /** Every operand pair, {@code sequences} random sequences, the model-free worst case. */
    static Proof prove(CoreSpec spec, int sequences) {
      MacCore core = MacGenerator.generate(spec);
      long vectors = 0;
      long mismatches = 0;
      double seconds = 0;
      List<CrossCheck.Report> reports = new ArrayList<>();
      try (CrossCheck cc = new CrossCheck(core)) {
        reports.add(cc.exhaustivePairs());
        if (sequences > 0) reports.add(cc.randomSequences(1, sequences, 2000));
      }
      reports.add(WorstCaseOracle.check(core));
      for (CrossCheck.Report r : reports) {
        vectors += r.vectors();
        mismatches += r.mismatches();
        seconds += r.seconds();
      }
      return new Proof(vectors, mismatches, seconds);
    }

    /**
     * Exhaustive element pairs under unit, extreme and NaN scales, then random blocks, against the
     * model.
     */
    static Proof proveMx(MxCoreSpec spec, int sequences) {
      MxCore core = MxGenerator.generate(spec);
      long t0 = System.nanoTime();
      long vectors = 0;
      long mismatches = 0;
      try (MxCrossCheck cc = new MxCrossCheck(core)) {
        List<MxCrossCheck.Report> reports = new ArrayList<>();
        reports.add(
            cc.run(
                "exhaustive pairs",
                MxCrossCheck.exhaustivePairs(
                    core, new int[][] {{127, 127}, {0xFE, 0xFE}, {0, 0}, {0xFF, 127}})));
        if (sequences > 0)
          reports.add(
              cc.run("random blocks", MxCrossCheck.randomBlocks(core, 1, sequences, 4, 0.05)));
        for (MxCrossCheck.Report r : reports) {
          vectors += r.vectors();
          mismatches += r.mismatches();
        }
      }
      return new Proof(vectors, mismatches, (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * What a core costs: Yosys xc7 cells, and (when the timing flows ran) iCE40 logic cells and Fmax
   * and the xc7 logic-delay estimate; -1 / NaN when not run.
   */
  public record Cost(
      int luts,
      int ffs,
      int carry4,
      int dsp48,
      int ice40Lcs,
      double ice40FmaxMhz,
      double xc7LogicNs) {
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
      return new Cost(
          Integer.parseInt(p.getProperty("luts")),
          Integer.parseInt(p.getProperty("ffs")),
          Integer.parseInt(p.getProperty("carry4")),
          Integer.parseInt(p.getProperty("dsp48")),
          Integer.parseInt(p.getProperty("ice40_lcs")),
          Double.parseDouble(p.getProperty("ice40_fmax_mhz")),
          Double.parseDouble(p.getProperty("xc7_logic_ns")));
    }

    /** The cost of point {@code p}'s MAC or dot core, with or without DSPs as the point says. */
    static Stage<Cost> stage(DesignPoint p, Sweep.Config c, ToolVersions tools) {
      CoreSpec spec = p.core();
      String key =
          "cost|" + spec + "|" + spec.moduleName() + "|dsp=" + p.dsp() + synthTools(c, tools);
      return new Stage<>(
          "cost",
          key,
          "synthesize " + p.label(),
          Cost::of,
          Cost::toProperties,
          () -> synthesize(spec, p.dsp(), c));
    }

    /** A cost key's tail: the synthesis options and what could change the cost. */
    private static String synthTools(Sweep.Config c, ToolVersions tools) {
      return "|"
          + c.synth()
          + "|"
          + Sweep.STAGES_VERSION
          + "|"
          + tools.get("generator")
          + "|"
          + tools.get("yosys")
          + (c.synth().flows().contains("ice40") ? "|" + tools.get("nextpnr-ice40") : "");
    }

    /** The cost of an MX core. */
    static Stage<Cost> mxStage(MxCoreSpec mx, Sweep.Config c, ToolVersions tools) {
      String key = "mxcost|" + mx + "|" + mx.moduleName() + synthTools(c, tools);
      return new Stage<>(
          "cost",
          key,
          "synthesize " + mx.label(),
          Cost::of,
          Cost::toProperties,
          () -> synthesizeMx(mx, c));
    }

    static Cost synthesize(CoreSpec spec, boolean dsp, Sweep.Config c) {
      MacCore core = MacGenerator.generate(spec);
      return fromRow(
          CoreSynthesis.run(
                  core, new boolean[] {dsp}, c.work().resolve(core.moduleName()), c.synth(), null)
              .get(0));
    }

    static Cost synthesizeMx(MxCoreSpec spec, Sweep.Config c) {
      MxCore core = MxGenerator.generate(spec);
      return fromRow(
          MxCoreSynthesis.run(core, c.work().resolve(core.moduleName()), c.synth(), null));
    }

    /** A synthesis row's numbers; -1 / NaN for the flows that did not run. */
    static Cost fromRow(SynthCsv.Row row) {
      return new Cost(
          row.cost().luts(),
          row.cost().ffs(),
          row.cost().carry4(),
          row.cost().dsp48(),
          row.ice40() == null ? -1 : row.ice40().coreLcs(),
          row.ice40() == null ? Double.NaN : row.ice40().fmaxMhz(),
          row.xc7() == null ? Double.NaN : row.xc7().criticalNs());
    }
  }

  /**
   * The model after quantization with the core's arithmetic, against its labels and its float32
   * outputs (docs/quantization.md "Fidelity metrics").
   *
   * @param top1 top-1 in percent (NaN when the data have no labels)
   * @param fp32Top1 float32 top-1 in percent (NaN likewise)
   * @param agreement percentage of labelled positions whose prediction equals float32's (NaN
   *     likewise)
   * @param images items rated (labelled positions when there are labels)
   * @param sqnrDb SQNR of the outputs against float32, dB (the worst output)
   * @param cosine cosine similarity with float32 (the worst output)
   * @param maxError max absolute error against float32 (the worst output)
   * @param outputAgreement arg-max agreement with float32 along the last axis, percent (the worst
   *     output)
   * @param metric the metric that ranks points ({@link #score}); not stored in the cache
   */
  public record Accuracy(
      double top1,
      double fp32Top1,
      double agreement,
      int images,
      double sqnrDb,
      double cosine,
      double maxError,
      double outputAgreement,
      Metric metric) {

    /** Top-1 only (fidelity unknown), ranked by top-1. */
    public Accuracy(double top1, double fp32Top1, double agreement, int images) {
      this(
          top1,
          fp32Top1,
          agreement,
          images,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Metric.TOP1);
    }

    /** The same, ranked by {@code m}. */
    public Accuracy rankedBy(Metric m) {
      return new Accuracy(
          top1, fp32Top1, agreement, images, sqnrDb, cosine, maxError, outputAgreement, m);
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

    /**
     * The ranking metric's value of float32 itself, NaN when it has none worth drawing (SQNR: +∞).
     */
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
      return new Accuracy(
          Double.parseDouble(p.getProperty("top1")),
          Double.parseDouble(p.getProperty("fp32_top1")),
          Double.parseDouble(p.getProperty("agreement")),
          Integer.parseInt(p.getProperty("images")),
          Double.parseDouble(p.getProperty("sqnr_db")),
          Double.parseDouble(p.getProperty("cosine")),
          Double.parseDouble(p.getProperty("max_error")),
          Double.parseDouble(p.getProperty("output_agreement")),
          Metric.TOP1);
    }

    /**
     * The accuracy of model {@code mc} quantized with {@code opt} (the point's formats,
     * accumulator, MX formats and techniques), on {@code threads} threads.
     */
    static Stage<Accuracy> stage(
        ModelContext mc, DesignPoint p, QuantOptions opt, Sweep.Config c, int threads) {
      String key =
          "accuracy|"
              + mc.hash
              + "|data="
              + mc.dataKey
              + "|limit="
              + c.limit()
              + "|calib="
              + (c.calibData() == null ? "default" : c.calibData())
              + ":"
              + c.calibImages()
              + "|"
              + opt.describe()
              + "|"
              + Sweep.STAGES_VERSION;
      return new Stage<>(
          "accuracy",
          key,
          "accuracy " + p.model() + " " + p.shortLabel(),
          Accuracy::of,
          Accuracy::toProperties,
          () -> rate(mc, opt, threads));
    }

    static Accuracy rate(ModelContext mc, QuantOptions opt, int threads) {
      Map<String, Tensor> fp32 = mc.fp32(threads);
      Assessment as = Assessment.run(mc.model, mc.test, mc.calib, opt, threads, null, fp32);
      Assessment.Top1 t = as.top1();
      return new Accuracy(
          t == null ? Double.NaN : t.top1(),
          t == null ? Double.NaN : t.fp32Top1(),
          t == null ? Double.NaN : t.agreement(),
          t == null ? as.items() : (int) t.positions(),
          Metric.SQNR.of(as),
          Metric.COSINE.of(as),
          Metric.MAXERR.of(as),
          Metric.AGREEMENT.of(as),
          Metric.TOP1);
    }
  }
}
