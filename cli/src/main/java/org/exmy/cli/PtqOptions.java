package org.exmy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Option;

/**
 * The post-training quantization options, the same on {@code exmy accuracy} and {@code exmy sweep}.
 */
final class PtqOptions {
  @Option(
      names = "--granularity",
      paramLabel = "G",
      defaultValue = "channel",
      description =
          "Weight scales per output channel or per tensor: channel|tensor (default: ${DEFAULT-VALUE}).")
  String granularity = "channel";

  @Option(
      names = "--calib",
      paramLabel = "METHOD",
      defaultValue = "absmax",
      description = "Activation range: absmax|percentile|mse (default: ${DEFAULT-VALUE}).")
  String calib = "absmax";

  @Option(
      names = "--percentile",
      paramLabel = "P",
      defaultValue = "" + QuantOptions.DEFAULT_PERCENTILE,
      description =
          "Percentile of |x| for --calib percentile, in (0, 100] (default: ${DEFAULT-VALUE}).")
  double percentile = QuantOptions.DEFAULT_PERCENTILE;

  @Option(
      names = "--calib-data",
      paramLabel = "DATA",
      description =
          "Calibration data (default: the training split of --data, or --data itself when it has none).")
  String calibData;

  @Option(
      names = "--calib-images",
      paramLabel = "N",
      defaultValue = "256",
      description = "Calibration images: the first N, 1..100000 (default: ${DEFAULT-VALUE}).")
  int calibImages = 256;

  @Option(names = "--pow2-scales", description = "Round every scale up to a power of two.")
  boolean pow2;

  @Option(
      names = "--fp32-layers",
      paramLabel = "LIST",
      split = ",",
      description =
          "Linear layers left in float32: first, last, #i (i-th linear node) or node names.")
  List<String> fp32Layers = new ArrayList<>();

  @Option(
      names = "--bias-correction",
      description = "Correct each output channel by the expected weight-quantization error.")
  boolean biasCorrection;

  @Option(
      names = "--gptq",
      description =
          "GPTQ weight rounding (docs/quantization.md 'Quantization semantics'): column by column"
              + " with error feedback through the inverse Hessian of the calibration inputs, per-channel scales kept.")
  boolean gptq;

  @Option(
      names = "--gptq-damp",
      paramLabel = "L",
      defaultValue = "0.01",
      description = "GPTQ dampening: H + L * mean(diag H) * I, L > 0 (default: ${DEFAULT-VALUE}).")
  double gptqDamp = 0.01;

  @Option(
      names = "--gptq-block",
      paramLabel = "B",
      defaultValue = "128",
      description = "GPTQ columns per lazy-update block, 1..65536 (default: ${DEFAULT-VALUE}).")
  int gptqBlock = 128;

  @Option(
      names = "--gptq-act-order",
      description = "GPTQ columns in descending diag H (largest inputs first).")
  boolean gptqActOrder;

  @Option(
      names = "--smoothquant",
      paramLabel = "ALPHA",
      description =
          "SmoothQuant: per reduction index j, activations / s_j and weights * s_j with"
              + " s_j = max|X_j|^ALPHA / max|W_j|^(1-ALPHA), ALPHA in [0, 1] (docs/quantization.md 'Quantization semantics');"
              + " absmax calibration only.")
  Double smoothQuant;

  @Option(
      names = "--dynamic",
      paramLabel = "MODE",
      description =
          "Dynamic activation scales computed at run time: row = one per row of the product's activation"
              + " operand (a token, an output position, a batch item of a Gemm): fl32(max|x| / max(F)).")
  String dynamic;

  @Option(
      names = "--zero-point",
      description =
          "Asymmetric activations: --a UINTn codes with a zero point"
              + " from the calibration min/max; the correction z * sum w is an exact per-channel constant (absmax calibration,"
              + " exact accumulator).")
  boolean zeroPoint;

  @Option(
      names = "--acc-aware",
      description =
          "Accumulator-aware rounding: weights moved toward zero per output"
              + " channel until no input can overflow the fixed accumulator (--acc fixed --acc-bits W; docs/quantization.md"
              + " 'Quantization semantics').")
  boolean accAware;

  @Option(
      names = "--learned-round",
      description =
          "Learned rounding: greedy up/down flips of each weight that lower"
              + " the layer's output error on the calibration inputs (after --gptq when both;"
              + " docs/quantization.md 'Quantization semantics').")
  boolean learnedRound;

  /** The techniques, checked (one line, exit 2, on a bad value). */
  QuantOptions.Techniques techniques() {
    if (!(gptqDamp > 0) || Double.isInfinite(gptqDamp)) {
      throw new UsageException("--gptq-damp must be > 0, got " + gptqDamp);
    }
    Limits.check("--gptq-block", gptqBlock, 1, 65536);
    if (smoothQuant != null && !(smoothQuant >= 0 && smoothQuant <= 1)) {
      throw new UsageException("--smoothquant must be in [0, 1], got " + smoothQuant);
    }
    if (smoothQuant != null && !calib.equalsIgnoreCase("absmax")) {
      throw new UsageException("--smoothquant calibrates absmax ranges only, not --calib " + calib);
    }
    if (dynamic != null && !dynamic.equalsIgnoreCase("row")) {
      throw new UsageException(
          "--dynamic must be row, got '"
              + dynamic
              + "' (per-tensor dynamic scales are not"
              + " implemented: the kernel sees batch chunks, not items)");
    }
    if (zeroPoint && (smoothQuant != null || dynamic != null)) {
      throw new UsageException("--zero-point does not combine with --smoothquant or --dynamic");
    }
    if (zeroPoint && !calib.equalsIgnoreCase("absmax")) {
      throw new UsageException("--zero-point calibrates min/max ranges only, not --calib " + calib);
    }
    QuantOptions.Techniques n = QuantOptions.Techniques.NONE;
    return new QuantOptions.Techniques(
        gptq,
        gptq ? gptqDamp : n.gptqDamp(),
        gptq ? gptqBlock : n.gptqBlock(),
        gptq && gptqActOrder,
        smoothQuant == null ? Double.NaN : smoothQuant,
        dynamic != null,
        zeroPoint,
        learnedRound,
        accAware);
  }

  /**
   * The options for the formats named {@code w} and {@code a} (null: the same as {@code w}): MX
   * when {@code w} is an MX name, which then needs an MX {@code a} too.
   */
  QuantOptions options(String w, String a, AccumulatorChoice accumulator, int lanes) {
    String an = a == null ? w : a;
    boolean mw = org.exmy.simulator.MxFormat.isMx(w);
    if (mw != org.exmy.simulator.MxFormat.isMx(an)) {
      throw new UsageException(
          "--w " + w + " and --a " + an + ": MX weights need MX activations and the reverse");
    }
    if (mw) {
      var fw = org.exmy.simulator.MxFormat.parse(w);
      var fa = org.exmy.simulator.MxFormat.parse(an);
      if (!techniques().equals(QuantOptions.Techniques.NONE)) {
        throw new UsageException(
            "--w "
                + w
                + ": MX quantization takes no --gptq / --smoothquant / --dynamic / --learned-round");
      }
      return options(fw.element(), fa.element(), accumulator, lanes)
          .withMx(fw, fa)
          .withTechniques(QuantOptions.Techniques.NONE);
    }
    NumberFormat fw = org.exmy.simulator.Formats.parse(w);
    return options(fw, a == null ? fw : org.exmy.simulator.Formats.parse(a), accumulator, lanes);
  }

  /**
   * The options for weights {@code fw} and activations {@code fa}, checked: one line, exit 2, on a
   * bad value.
   */
  QuantOptions options(NumberFormat fw, NumberFormat fa, AccumulatorChoice accumulator, int lanes) {
    Limits.check("--calib-images", calibImages, 1, 100_000);
    boolean perChannel =
        switch (granularity.toLowerCase(Locale.ROOT)) {
          case "channel" -> true;
          case "tensor" -> false;
          default ->
              throw new UsageException(
                  "--granularity must be channel or tensor, got '" + granularity + "'");
        };
    QuantOptions.Calibration c;
    try {
      c = QuantOptions.Calibration.valueOf(calib.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--calib must be absmax, percentile or mse, got '" + calib + "'");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new UsageException("--percentile must be in (0, 100], got " + percentile);
    }
    if (zeroPoint && (!(fa instanceof org.exmy.simulator.IntFormat ia) || ia.signed())) {
      throw new UsageException(
          "--zero-point needs unsigned integer activations (--a UINTn), got " + fa.name());
    }
    if (zeroPoint && !accumulator.exact()) {
      throw new UsageException(
          "--zero-point needs the exact accumulator, not --acc " + accumulator);
    }
    return QuantOptions.of(fw, fa)
        .withPerChannel(perChannel)
        .withCalibration(c, percentile)
        .withPow2Scales(pow2)
        .withFp32Layers(fp32Layers)
        .withBiasCorrection(biasCorrection)
        .withAccumulator(accumulator, lanes)
        .withTechniques(techniques());
  }
}
