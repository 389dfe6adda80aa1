package org.exmy.nn.quant;

import java.util.List;
import java.util.Objects;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.NumberFormat;

/**
 * How a model is quantized after training (PTQ) and with what arithmetic its products are summed.
 * The "Quantization semantics" section of docs/quantization.md defines each field exactly.
 *
 * @param weights format of the weights (operand a of the MAC core)
 * @param activations format of the activations (operand b); both operands of a product of two
 *     activations use it
 * @param perChannel one weight scale per output channel (else one per tensor)
 * @param calibration how the activation range is found from the calibration images
 * @param percentile the percentile of |x| for {@link Calibration#PERCENTILE}, in (0, 100]
 * @param pow2Scales round every scale up to a power of two
 * @param fp32Layers linear nodes left in float32: {@code first}, {@code last}, node names, or
 *     {@code #i} (the i-th linear node, from 0)
 * @param biasCorrection correct each output channel by the expected weight-quantization error
 * @param accumulator what the MAC core sums into, resolved for each layer's fan-in as a core with
 *     that many terms would be (the exact one is sized for it)
 * @param lanes products per cycle of the core (orders the additions of a rounding accumulator)
 * @param mxWeights the MX format of the weights (then {@code weights} is its element format), or
 *     null: MX quantization (docs/quantization.md "MX quantization"), where scales are per block of
 *     the reduction axis and the scale, calibration, pow2, bias-correction and accumulator options
 *     do not apply
 * @param mxActivations the MX format of the activations; null exactly when {@code mxWeights} is
 * @param techniques the PTQ techniques beyond scales and calibration (GPTQ, SmoothQuant, ...),
 *     {@link Techniques#NONE} when none is on
 */
public record QuantOptions(
    NumberFormat weights,
    NumberFormat activations,
    boolean perChannel,
    Calibration calibration,
    double percentile,
    boolean pow2Scales,
    List<String> fp32Layers,
    boolean biasCorrection,
    AccumulatorChoice accumulator,
    int lanes,
    org.exmy.simulator.MxFormat mxWeights,
    org.exmy.simulator.MxFormat mxActivations,
    Techniques techniques) {

  /**
   * The PTQ techniques of docs/quantization.md "Quantization semantics" (GPTQ, SmoothQuant), each
   * off by default.
   *
   * @param gptq GPTQ weight rounding
   * @param gptqDamp GPTQ dampening lambda (times the mean of diag H), > 0
   * @param gptqBlock GPTQ columns per lazy-update block, >= 1
   * @param gptqActOrder GPTQ columns in descending diag H
   * @param smoothQuant SmoothQuant migration strength alpha in [0, 1], or NaN (off)
   * @param dynamicRows dynamic activation scales, one per row (token, output position) computed at
   *     run time from the values quantized
   * @param zeroPoint asymmetric UINTn activations with a zero point (weight nodes)
   * @param learnedRound greedy rounding flips that lower each layer's calibration output error
   */
  public record Techniques(
      boolean gptq,
      double gptqDamp,
      int gptqBlock,
      boolean gptqActOrder,
      double smoothQuant,
      boolean dynamicRows,
      boolean zeroPoint,
      boolean learnedRound,
      boolean accAware) {
    /** No technique on. */
    public static final Techniques NONE =
        new Techniques(false, 0.01, 128, false, Double.NaN, false, false, false, false);

    /** Without accumulator-aware rounding. */
    public Techniques(
        boolean gptq,
        double gptqDamp,
        int gptqBlock,
        boolean gptqActOrder,
        double smoothQuant,
        boolean dynamicRows,
        boolean zeroPoint,
        boolean learnedRound) {
      this(
          gptq,
          gptqDamp,
          gptqBlock,
          gptqActOrder,
          smoothQuant,
          dynamicRows,
          zeroPoint,
          learnedRound,
          false);
    }

    /** Without learned rounding. */
    public Techniques(
        boolean gptq,
        double gptqDamp,
        int gptqBlock,
        boolean gptqActOrder,
        double smoothQuant,
        boolean dynamicRows,
        boolean zeroPoint) {
      this(
          gptq,
          gptqDamp,
          gptqBlock,
          gptqActOrder,
          smoothQuant,
          dynamicRows,
          zeroPoint,
          false,
          false);
    }

    /** Without zero points. */
    public Techniques(
        boolean gptq,
        double gptqDamp,
        int gptqBlock,
        boolean gptqActOrder,
        double smoothQuant,
        boolean dynamicRows) {
      this(gptq, gptqDamp, gptqBlock, gptqActOrder, smoothQuant, dynamicRows, false, false, false);
    }

    /** Without dynamic scales. */
    public Techniques(
        boolean gptq, double gptqDamp, int gptqBlock, boolean gptqActOrder, double smoothQuant) {
      this(gptq, gptqDamp, gptqBlock, gptqActOrder, smoothQuant, false, false, false, false);
    }

    public Techniques {
      if (!(gptqDamp > 0) || gptqBlock < 1) {
        throw new IllegalArgumentException("GPTQ needs damp > 0 and block >= 1");
      }
      if (zeroPoint && (dynamicRows || !Double.isNaN(smoothQuant))) {
        throw new IllegalArgumentException(
            "zero points do not combine with SmoothQuant or dynamic scales");
      }
      if (!Double.isNaN(smoothQuant) && !(smoothQuant >= 0 && smoothQuant <= 1)) {
        throw new IllegalArgumentException(
            "SmoothQuant alpha must be in [0, 1], got " + smoothQuant);
      }
    }

    /** True when SmoothQuant is on. */
    public boolean smooth() {
      return !Double.isNaN(smoothQuant);
    }

    /** The describe() text: empty when nothing is on (so that older cache keys stay the same). */
    String describe() {
      return (gptq
              ? " gptq(damp="
                  + gptqDamp
                  + ",block="
                  + gptqBlock
                  + (gptqActOrder ? ",actorder" : "")
                  + ")"
              : "")
          + (smooth() ? " smoothquant=" + smoothQuant : "")
          + (dynamicRows ? " dynamic=row" : "")
          + (zeroPoint ? " zeropoint" : "")
          + (learnedRound ? " learnedround" : "")
          + (accAware ? " accaware" : "");
    }
  }

  /** How activation ranges are calibrated. */
  public enum Calibration {
    /** The largest |x| seen. */
    ABSMAX,
    /** The {@code percentile}-th percentile of |x| (nearest rank). */
    PERCENTILE,
    /** The clipping value among absmax * j / 100, j = 1..100, with the least squared error. */
    MSE
  }

  /** Percentile used when none is given. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  public QuantOptions {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(activations, "activations");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(accumulator, "accumulator");
    Objects.requireNonNull(techniques, "techniques");
    if (techniques.zeroPoint()
        && (!(activations instanceof org.exmy.simulator.IntFormat ia)
            || ia.signed()
            || calibration != Calibration.ABSMAX
            || !accumulator.exact()
            || mxWeights != null)) {
      throw new IllegalArgumentException(
          "zero points need UINTn activations, absmax calibration and the exact" + " accumulator");
    }
    if (techniques.accAware()
        && (!accumulator.kind().equals("fixed")
            || accumulator.width() == null
            || mxWeights != null)) {
      throw new IllegalArgumentException(
          "accumulator-aware rounding needs a fixed accumulator of a given width"
              + " (--acc fixed --acc-bits W)");
    }
    if (techniques.smooth() && calibration != Calibration.ABSMAX) {
      throw new IllegalArgumentException("SmoothQuant calibrates absmax ranges only");
    }
    fp32Layers = List.copyOf(fp32Layers);
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
    }
    if ((mxWeights == null) != (mxActivations == null)) {
      throw new IllegalArgumentException("MX weights need MX activations and the reverse");
    }
    if (mxWeights != null
        && (!weights.equals(mxWeights.element()) || !activations.equals(mxActivations.element()))) {
      throw new IllegalArgumentException("weights / activations must be the MX formats' elements");
    }
  }

  /** The options without techniques. */
  public QuantOptions(
      NumberFormat weights,
      NumberFormat activations,
      boolean perChannel,
      Calibration calibration,
      double percentile,
      boolean pow2Scales,
      List<String> fp32Layers,
      boolean biasCorrection,
      AccumulatorChoice accumulator,
      int lanes,
      org.exmy.simulator.MxFormat mxWeights,
      org.exmy.simulator.MxFormat mxActivations) {
    this(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        Techniques.NONE);
  }

  /** These options with the techniques {@code t}. */
  public QuantOptions withTechniques(Techniques t) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        t);
  }

  /** The options without MX (every scale per tensor or channel, as before MX existed). */
  public QuantOptions(
      NumberFormat weights,
      NumberFormat activations,
      boolean perChannel,
      Calibration calibration,
      double percentile,
      boolean pow2Scales,
      List<String> fp32Layers,
      boolean biasCorrection,
      AccumulatorChoice accumulator,
      int lanes) {
    this(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        null,
        null);
  }

  /** MX weights and activations, all layers quantized (docs/quantization.md "MX quantization"). */
  public static QuantOptions mx(org.exmy.simulator.MxFormat w, org.exmy.simulator.MxFormat a) {
    return of(w.element(), a.element()).withMx(w, a);
  }

  /** These options with MX formats {@code w} and {@code a} (both null: without MX). */
  public QuantOptions withMx(org.exmy.simulator.MxFormat w, org.exmy.simulator.MxFormat a) {
    return new QuantOptions(
        w == null ? weights : w.element(),
        a == null ? activations : a.element(),
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        w,
        a,
        techniques);
  }

  /** True when weights and activations are MX. */
  public boolean isMx() {
    return mxWeights != null;
  }

  /** The weight format's name: the MX name when MX, else the element format's. */
  public String weightsName() {
    return mxWeights != null ? mxWeights.name() : weights.name();
  }

  /** The activation format's name: the MX name when MX, else the element format's. */
  public String activationsName() {
    return mxActivations != null ? mxActivations.name() : activations.name();
  }

  /**
   * Per-channel weights, absmax calibration, no power-of-two scales, all layers quantized, exact
   * accumulation.
   */
  public static QuantOptions of(NumberFormat weights, NumberFormat activations) {
    return new QuantOptions(
        weights,
        activations,
        true,
        Calibration.ABSMAX,
        DEFAULT_PERCENTILE,
        false,
        List.of(),
        false,
        AccumulatorChoice.EXACT,
        1);
  }

  public QuantOptions withPerChannel(boolean b) {
    return new QuantOptions(
        weights,
        activations,
        b,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        techniques);
  }

  public QuantOptions withCalibration(Calibration c, double p) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        c,
        p,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        techniques);
  }

  public QuantOptions withPow2Scales(boolean b) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        b,
        fp32Layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        techniques);
  }

  public QuantOptions withFp32Layers(List<String> layers) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        layers,
        biasCorrection,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        techniques);
  }

  public QuantOptions withBiasCorrection(boolean b) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        b,
        accumulator,
        lanes,
        mxWeights,
        mxActivations,
        techniques);
  }

  public QuantOptions withAccumulator(AccumulatorChoice k, int l) {
    return new QuantOptions(
        weights,
        activations,
        perChannel,
        calibration,
        percentile,
        pow2Scales,
        fp32Layers,
        biasCorrection,
        k,
        l,
        mxWeights,
        mxActivations,
        techniques);
  }

  /** A canonical text of every option, for cache keys and reports. */
  public String describe() {
    if (isMx()) {
      return "w="
          + mxWeights.name()
          + " a="
          + mxActivations.name()
          + " mx fp32="
          + String.join("+", fp32Layers);
    }
    return "w="
        + weights.name()
        + " a="
        + activations.name()
        + " weights="
        + (perChannel ? "channel" : "tensor")
        + " calib="
        + calibration.name().toLowerCase(java.util.Locale.ROOT)
        + (calibration == Calibration.PERCENTILE ? "(" + percentile + ")" : "")
        + " pow2="
        + pow2Scales
        + " fp32="
        + String.join("+", fp32Layers)
        + " biascorr="
        + biasCorrection
        + " acc="
        + accumulator
        + " lanes="
        + lanes
        + techniques.describe();
  }
}
