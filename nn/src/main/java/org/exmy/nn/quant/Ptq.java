package org.exmy.nn.quant;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;

/**
 * Post-training quantization of a model: from the calibration observations and the options (with
 * the techniques of {@link QuantOptions.Techniques}: GPTQ, learned rounding, SmoothQuant, dynamic
 * scales, zero points), a plan per linear node ({@link SitePlan}), and the {@link LinearKernels}
 * that run the model with the generated MAC core's exact arithmetic ({@link QuantKernel}); the
 * nodes left in float32 run the float32 kernel.
 */
public final class Ptq implements LinearKernels {
  private final QuantOptions options;
  private final List<SitePlan> plans;

  /**
   * MX: the dequantized MX weights of each quantized site (an empty array for a NONE site), else
   * null.
   */
  private final List<double[]> mxWeights;

  private Ptq(QuantOptions options, List<SitePlan> plans) {
    this(options, plans, null);
  }

  private Ptq(QuantOptions options, List<SitePlan> plans, List<double[]> mxWeights) {
    this.options = options;
    this.plans = plans;
    this.mxWeights = mxWeights;
  }

  /**
   * MX: no calibration (every scale comes from the data at run time), weights quantized in blocks.
   */
  private static Ptq prepareMx(Model model, QuantOptions options) {
    Set<Integer> fp32 = fp32Sites(model, options.fp32Layers());
    List<double[]> w = new ArrayList<>();
    List<SitePlan> none = new ArrayList<>();
    for (LinearSite s : model.linearSites()) {
      none.add(null);
      w.add(
          fp32.contains(s.index())
              ? null
              : s.weightOperand() == LinearSite.Operand.NONE
                  ? new double[0]
                  : MxKernel.weights(s, options.mxWeights()));
    }
    return new Ptq(options, none, w);
  }

  /**
   * Calibrates {@code model} on {@code calibration} images and plans its quantization.
   *
   * @throws NnException if an fp32 layer name matches no linear node
   */
  public static Ptq prepare(Model model, Tensor calibration, QuantOptions options, int threads) {
    return prepare(
        model,
        org.exmy.nn.Feeds.of(model.source(), model.inputs().get(0).name(), calibration),
        options,
        threads);
  }

  /** Like {@link #prepare(Model, Tensor, QuantOptions, int)} for a model of any inputs. */
  public static Ptq prepare(
      Model model, org.exmy.nn.Feeds calibration, QuantOptions options, int threads) {
    if (options.isMx()) {
      return prepareMx(model, options);
    }
    boolean keep = options.calibration() != QuantOptions.Calibration.ABSMAX;
    QuantOptions.Techniques t = options.techniques();
    Calibration cal =
        Calibration.run(
            model,
            calibration,
            keep,
            options.biasCorrection(),
            t.gptq() || t.learnedRound(),
            t.smooth(),
            threads);
    Set<Integer> fp32 = fp32Sites(model, options.fp32Layers());
    FormatQuantizer wq = new FormatQuantizer(options.weights());
    FormatQuantizer aq = new FormatQuantizer(options.activations());
    List<SitePlan> plans = new ArrayList<>();
    long t0 = System.nanoTime();
    for (LinearSite s : model.linearSites()) {
      plans.add(fp32.contains(s.index()) ? null : plan(s, cal.site(s.index()), wq, aq, options));
    }
    Ptq out = new Ptq(options, plans);
    out.planSeconds = (System.nanoTime() - t0) / 1e9;
    return out;
  }

  /** The linear sites named by {@code first}, {@code last}, {@code #i} or a node name. */
  static Set<Integer> fp32Sites(Model model, List<String> names) {
    List<LinearSite> sites = model.linearSites();
    Set<Integer> out = new HashSet<>();
    for (String n : names) {
      String t = n.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.equals("first") && !sites.isEmpty()) {
        out.add(0);
      } else if (t.equals("last") && !sites.isEmpty()) {
        out.add(sites.size() - 1);
      } else if (t.matches("#\\d+") && Integer.parseInt(t.substring(1)) < sites.size()) {
        out.add(Integer.parseInt(t.substring(1)));
      } else {
        LinearSite match =
            sites.stream().filter(s -> s.nodeName().equals(t)).findFirst().orElse(null);
        if (match == null) {
          throw new NnException(
              model.source()
                  + ": --fp32-layers names '"
                  + t
                  + "', which is not a linear node;"
                  + " use first, last, #0.."
                  + (sites.size() - 1)
                  + " or one of "
                  + sites.stream().map(LinearSite::nodeName).limit(8).toList());
        }
        out.add(match.index());
      }
    }
    return out;
  }

  private static SitePlan plan(
      LinearSite site,
      Calibration.Site obs,
      FormatQuantizer wq,
      FormatQuantizer aq,
      QuantOptions opt) {
    if (site.weightOperand() == LinearSite.Operand.NONE) {
      // a product of two activations: both quantized as activations
      float sa = aq.scale(Calibration.range(obs.a, opt, aq), opt.pow2Scales());
      float sb = aq.scale(Calibration.range(obs.b, opt, aq), opt.pow2Scales());
      float[] za = opt.techniques().zeroPoint() ? zeroPoint(obs.a, aq) : null;
      float[] zb = opt.techniques().zeroPoint() ? zeroPoint(obs.b, aq) : null;
      if (za != null) {
        sa = za[0];
        sb = zb[0];
      }
      SitePlan p =
          new SitePlan(
              site,
              aq,
              aq,
              null,
              sa,
              sb,
              null,
              new float[] {sa * sb},
              null,
              0,
              opt.accumulator(),
              opt.lanes());
      if (za != null) {
        p.zeroA = za[1];
        p.zeroB = zb[1];
        p.zeroCorrection = new double[0];
      }
      p.dynamicRows = opt.techniques().dynamicRows();
      p.pow2 = opt.pow2Scales();
      return p;
    }
    LinearSite.Operand actOp =
        site.weightOperand() == LinearSite.Operand.A ? LinearSite.Operand.B : LinearSite.Operand.A;
    float[] w = site.weight().floats();
    float[] smooth = null;
    if (opt.techniques().smooth() && Calibration.gptqSite(site) && obs.kAbsmax != null) {
      smooth =
          SmoothQuant.factors(
              obs.kAbsmax, SmoothQuant.weightMax(site, w), opt.techniques().smoothQuant());
      w = SmoothQuant.scaleWeights(site, w, smooth);
    }
    float sAct =
        aq.scale(
            smooth != null
                ? SmoothQuant.range(obs.kAbsmax, smooth)
                : Calibration.range(obs.operand(actOp), opt, aq),
            opt.pow2Scales());
    float[] zp = opt.techniques().zeroPoint() ? zeroPoint(obs.operand(actOp), aq) : null;
    if (zp != null) {
      sAct = zp[0];
    }
    int cols = site.weight().dim(-1);
    int channels = site.weightChannelAxis() == 0 ? w.length / cols : cols;
    // weight scales: absmax per channel (or of the whole tensor)
    float[] absmax = new float[opt.perChannel() ? channels : 1];
    for (int i = 0; i < w.length; i++) {
      int ch = opt.perChannel() ? SitePlan.channelOf(site, i) : 0;
      absmax[ch] = Math.max(absmax[ch], Math.abs(w[i]));
    }
    float[] ws = new float[absmax.length];
    for (int c = 0; c < ws.length; c++) {
      ws[c] = wq.scale(absmax[c], opt.pow2Scales());
    }
    double[] fixed = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      fixed[i] = wq.fixed(w[i], ws[opt.perChannel() ? SitePlan.channelOf(site, i) : 0]);
    }
    if (opt.techniques().gptq() || opt.techniques().learnedRound()) {
      gptq(site, obs, w, ws, opt, wq, fixed, smooth);
    }
    AccumulatorAware.Report accAware =
        opt.techniques().accAware()
            ? accumulatorAware(site, w, ws, opt, wq, aq, fixed, channels)
            : null;
    double[] rowAbs = new double[channels];
    for (int i = 0; i < w.length; i++) {
      rowAbs[SitePlan.channelOf(site, i)] += Math.abs(fixed[i]);
    }
    double bound = 0;
    for (double r : rowAbs) {
      bound = Math.max(bound, r);
    }
    float[] combined = new float[channels];
    for (int c = 0; c < channels; c++) {
      combined[c] = ws[opt.perChannel() ? c : 0] * sAct;
    }
    float[] correction =
        opt.biasCorrection()
            ? correction(site, obs, w, fixed, ws, wq, opt.perChannel(), channels, smooth)
            : null;
    SitePlan p =
        new SitePlan(
            site,
            wq,
            aq,
            ws,
            actOp == LinearSite.Operand.A ? sAct : 1f,
            actOp == LinearSite.Operand.B ? sAct : 1f,
            fixed,
            combined,
            correction,
            bound,
            opt.accumulator(),
            opt.lanes());
    p.smooth = smooth;
    if (zp != null) {
      if (p.mode() == ExactSums.Mode.FILTERED) {
        throw new NnException(
            site.nodeName()
                + " ("
                + site.opType()
                + "): --zero-point needs sums exact in double;"
                + " the weight format "
                + wq.format().name()
                + " is too wide");
      }
      // z * sum_k wfixed per row of k weights (a channel of A; a channel of one matrix of B)
      int perRow = site.weightOperand() == LinearSite.Operand.A ? 1 : cols;
      double[] zc = new double[w.length / site.k()];
      for (int i = 0; i < w.length; i++) {
        int row = perRow == 1 ? i / site.k() : (i / (site.k() * cols)) * cols + i % cols;
        zc[row] += fixed[i];
      }
      for (int r = 0; r < zc.length; r++) {
        zc[r] *= zp[1];
      }
      if (actOp == LinearSite.Operand.A) {
        p.zeroA = zp[1];
      } else {
        p.zeroB = zp[1];
      }
      p.zeroCorrection = zc;
    }
    p.accAware = accAware;
    p.dynamicRows = opt.techniques().dynamicRows();
    p.pow2 = opt.pow2Scales();
    return p;
  }

  /**
   * Accumulator-aware rounding of a site's quantized weights ({@link AccumulatorAware}) for the
   * fixed accumulator the site's core has; each step weighted equally (no input statistics).
   */
  private static AccumulatorAware.Report accumulatorAware(
      LinearSite site,
      float[] w,
      float[] ws,
      QuantOptions opt,
      FormatQuantizer wq,
      FormatQuantizer aq,
      double[] fixed,
      int channels) {
    var kind =
        opt.accumulator()
            .apply(org.exmy.simulator.CoreSpec.mac(wq.format(), aq.format()))
            .accumulator();
    int cols = site.weight().dim(-1);
    int rowsPerMatrix = site.weight().dim(-2);
    int[] channelOf = new int[w.length];
    int[] inputOf = new int[w.length];
    double[] original = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      int ch = SitePlan.channelOf(site, i);
      channelOf[i] = ch;
      inputOf[i] = site.weightChannelAxis() == 0 ? i % cols : (i / cols) % rowsPerMatrix;
      original[i] = Math.scalb((double) (w[i] / ws[opt.perChannel() ? ch : 0]), -wq.lsb());
    }
    return AccumulatorAware.constrain(
        fixed,
        channelOf,
        inputOf,
        null,
        channels,
        wq,
        aq,
        (org.exmy.simulator.AccumulatorKind.Fixed) kind,
        original);
  }

  /**
   * One line of what accumulator-aware rounding did over the quantized sites (null when it is off):
   * weights moved, channels, the sites it cannot cover (products of two activations).
   */
  public String accumulatorAwareSummary() {
    if (mxWeights != null || !options.techniques().accAware()) {
      return null;
    }
    int sites = 0;
    int moved = 0;
    int channels = 0;
    java.util.List<String> uncovered = new ArrayList<>();
    for (SitePlan p : plans) {
      if (p == null) continue;
      if (p.accAware == null) {
        uncovered.add(p.site.nodeName());
        continue;
      }
      sites++;
      moved += p.accAware.moved();
      channels += p.accAware.channels();
    }
    return "accumulator-aware rounding: "
        + moved
        + " weights moved in "
        + channels
        + " channels of "
        + sites
        + " sites; no input can overflow their accumulators"
        + (uncovered.isEmpty()
            ? ""
            : "; not covered (two activations): " + String.join(", ", uncovered));
  }

  /**
   * Asymmetric UINTn: {@code {s, z}} with {@code s = fl32((hi - lo) / max(F))} (1 when 0) and
   * {@code z = clamp(rint(fl32(-lo / s)), 0, max(F))}, lo and hi the least and largest calibration
   * value with 0.
   */
  static float[] zeroPoint(Calibration.Operand o, FormatQuantizer aq) {
    float max = aq.maxValue();
    float s = (o.hi - o.lo) / max;
    if (!(s > 0) || Float.isInfinite(s)) {
      s = 1f;
    }
    float z = (float) Math.max(0, Math.min(max, Math.rint(-o.lo / s)));
    return new float[] {s, z};
  }

  /**
   * GPTQ ({@link Gptq}) and / or learned rounding ({@link LearnedRound}) of each weight block that
   * the calibration saw (a Conv group's rows, the whole weight of a Gemm, each matrix of a MatMul's
   * constant operand), over {@code fixed}; the rows of blocks never seen keep their
   * round-to-nearest operands.
   */
  private static void gptq(
      LinearSite site,
      Calibration.Site obs,
      float[] w,
      float[] ws,
      QuantOptions opt,
      FormatQuantizer wq,
      double[] fixed,
      float[] smooth) {
    QuantOptions.Techniques t = opt.techniques();
    int k = site.k();
    boolean rowsAreChannels = site.weightOperand() == LinearSite.Operand.A;
    int cols = site.weight().dim(-1);
    for (var e : obs.hessians.entrySet()) {
      int key = e.getKey();
      int rows = obs.hessianRows.get(key);
      double[] h = e.getValue();
      if (h.length != k * k) {
        continue;
      }
      if (smooth != null) {
        // the Hessian of the smoothed inputs x / sigma
        h = h.clone();
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            h[i * k + j] /= (double) smooth[i] * smooth[j];
          }
        }
      }
      // the block as [rows][k]: weight A rows key..key+rows; weight B matrix key, transposed
      double[] blk = new double[rows * k];
      float[] sc = new float[rows];
      int[] at = new int[rows * k];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < k; j++) {
          int idx = rowsAreChannels ? (key + r) * k + j : key * k * cols + j * cols + r;
          at[r * k + j] = idx;
          blk[r * k + j] = w[idx];
        }
        sc[r] = ws[opt.perChannel() ? SitePlan.channelOf(site, at[r * k]) : 0];
      }
      double[] f;
      if (t.gptq()) {
        f = Gptq.quantize(blk, rows, k, h, sc, wq, t.gptqDamp(), t.gptqBlock(), t.gptqActOrder());
        if (f == null) {
          throw new NnException(
              site.nodeName()
                  + " ("
                  + site.opType()
                  + "): the GPTQ Hessian is not positive"
                  + " definite even dampened by "
                  + t.gptqDamp()
                  + "; raise --gptq-damp");
        }
      } else {
        f = new double[rows * k];
        for (int i = 0; i < f.length; i++) {
          f[i] = fixed[at[i]];
        }
      }
      if (t.learnedRound()) {
        LearnedRound.refine(blk, rows, k, h, sc, wq, f);
      }
      for (int i = 0; i < f.length; i++) {
        fixed[at[i]] = f[i];
      }
    }
  }

  /**
   * Bias correction: per output channel c, {@code -sum_k (q(w[c][k]) - w[c][k]) * E[x_k]}, where
   * {@code E[x_k]} is the calibration mean of the activation that meets weight k, summed in double
   * and rounded to float32.
   */
  private static float[] correction(
      LinearSite site,
      Calibration.Site obs,
      float[] w,
      double[] fixed,
      float[] ws,
      FormatQuantizer wq,
      boolean perChannel,
      int channels,
      float[] smooth) {
    double[] d = new double[channels];
    int cols = site.weight().dim(-1);
    int rowsPerMatrix = site.weight().dim(-2);
    for (int i = 0; i < w.length; i++) {
      int ch = SitePlan.channelOf(site, i);
      int k = site.weightChannelAxis() == 0 ? i % cols : (i / cols) % rowsPerMatrix;
      float q = (float) Math.scalb(fixed[i], wq.lsb()) * ws[perChannel ? ch : 0];
      d[ch] -= ((double) q - w[i]) * (smooth == null ? obs.mean(k) : obs.mean(k) / smooth[k]);
    }
    float[] out = new float[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = (float) d[c];
    }
    return out;
  }

  /**
   * This plan with only linear site {@code index} quantized and every other node in float32 (the
   * calibration is shared, so each node sees the ranges it sees in the full plan).
   */
  public Ptq only(int index) {
    if (mxWeights != null) {
      List<double[]> w =
          new ArrayList<>(java.util.Collections.nCopies(mxWeights.size(), (double[]) null));
      w.set(index, mxWeights.get(index));
      return new Ptq(options, plans, w);
    }
    List<SitePlan> one =
        new ArrayList<>(java.util.Collections.nCopies(plans.size(), (SitePlan) null));
    one.set(index, plans.get(index));
    return new Ptq(options, one);
  }

  public QuantOptions options() {
    return options;
  }

  private double planSeconds;

  /**
   * Seconds spent planning the sites after calibration (weight scales and rounding: with GPTQ, its
   * factorizations and column updates), one thread; 0 for MX.
   */
  public double planSeconds() {
    return planSeconds;
  }

  /** True when linear site {@code index} is quantized (not one of the float32 layers). */
  public boolean quantized(int index) {
    return mxWeights != null ? mxWeights.get(index) != null : plans.get(index) != null;
  }

  /**
   * The weight scale of {@code channel} of a quantized site (per-tensor sites: every channel's).
   */
  public float weightScale(int index, int channel) {
    if (mxWeights != null) {
      throw new IllegalStateException(
          "MX quantization has a scale per block, computed at run time");
    }
    float[] s = plans.get(index).weightScale;
    return s[s.length == 1 ? 0 : channel];
  }

  /** The activation scale of operand {@code op} of a quantized site. */
  public float activationScale(int index, LinearSite.Operand op) {
    if (mxWeights != null) {
      throw new IllegalStateException(
          "MX quantization has a scale per block, computed at run time");
    }
    return plans.get(index).activationScale(op);
  }

  /**
   * The dequantized weight of a quantized site in canonical layout, {@code s[c] * fixed * 2^lsb} in
   * double (null for a float32 site, a product of two activations or MX).
   */
  public double[] quantizedWeight(int index) {
    SitePlan p = mxWeights != null ? null : plans.get(index);
    if (p == null || p.weightFixed == null) {
      return null;
    }
    double[] out = new double[p.weightFixed.length];
    for (int i = 0; i < out.length; i++) {
      float s = p.weightScale[p.weightScale.length == 1 ? 0 : SitePlan.channelOf(p.site, i)];
      out[i] = Math.scalb(p.weightFixed[i], p.wq.lsb()) * (double) s;
    }
    return out;
  }

  /**
   * Zero points: the exact constant {@code z * sum_k wfixed} per weight row (a channel; for a
   * weight B, {@code matrix * channels + channel}) that the hardware subtracts from its sum of
   * weight times UINT code, or null (no zero point, or a product of two activations).
   */
  public double[] zeroPointCorrection(int index) {
    SitePlan p = mxWeights != null ? null : plans.get(index);
    return p == null || p.zeroCorrection == null || p.zeroCorrection.length == 0
        ? null
        : p.zeroCorrection.clone();
  }

  /** Zero points: the zero point of activation operand {@code op} of a site (0 when symmetric). */
  public double zeroPoint(int index, LinearSite.Operand op) {
    SitePlan p = plans.get(index);
    return op == LinearSite.Operand.A ? p.zeroA : p.zeroB;
  }

  /** SmoothQuant: the factors sigma_j of a site (null when not smoothed). */
  public float[] smoothing(int index) {
    SitePlan p = mxWeights != null ? null : plans.get(index);
    return p == null || p.smooth == null ? null : p.smooth.clone();
  }

  /** The plan of linear site {@code index}, or null when it stays in float32. */
  SitePlan plan(int index) {
    return plans.get(index);
  }

  private final List<QuantKernel> kernels =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<MxKernel> mxKernels =
      java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public LinearKernel kernelFor(LinearSite site) {
    if (mxWeights != null) {
      double[] w = mxWeights.get(site.index());
      if (w == null) {
        return Fp32Kernel.INSTANCE;
      }
      MxKernel k = new MxKernel(site, w.length == 0 ? null : w, options.mxActivations());
      mxKernels.add(k);
      return k;
    }
    SitePlan p = plans.get(site.index());
    if (p == null) {
      return Fp32Kernel.INSTANCE;
    }
    QuantKernel k = new QuantKernel(p);
    kernels.add(k);
    return k;
  }

  /**
   * Output elements that the wide formats' filtered double sums could not round with certainty and
   * that were summed exactly instead, over every kernel made so far.
   */
  public long exactFallbacks() {
    synchronized (kernels) {
      synchronized (mxKernels) {
        return kernels.stream().mapToLong(k -> k.exactFallbacks).sum()
            + mxKernels.stream().mapToLong(k -> k.exactFallbacks).sum();
      }
    }
  }
}
