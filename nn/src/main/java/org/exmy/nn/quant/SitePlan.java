package org.exmy.nn.quant;

import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;
import org.exmy.simulator.AccumulatorChoice;

/**
 * The quantization of one linear node, fixed after calibration: its formats and scales, the weights
 * as fixed-point MAC operands, the combined output scales, the bias correction, and which exact
 * arithmetic its products need.
 */
final class SitePlan {
  final LinearSite site;

  /**
   * Quantizer of the weight operand (the core's operand a); the activation format for NONE sites.
   */
  final FormatQuantizer wq;

  /** Quantizer of the activation operand(s) (the core's operand b). */
  final FormatQuantizer aq;

  /** Scale of each weight channel (one entry when per tensor); null for a NONE site. */
  final float[] weightScale;

  /** Activation scale of operand A and of operand B (a weight operand's entry is unused). */
  final float scaleA;

  final float scaleB;

  /** The weight as fixed-point operands in the canonical layout (null for a NONE site). */
  final double[] weightFixed;

  /** The same as floats, when the FLOAT mode or float blocks are used. */
  final float[] weightFixedFloat;

  /**
   * DOUBLE mode by float blocks: the most products whose sum is surely below 2^24 (every product
   * below {@code wq.maxFixed() * aq.maxFixed()}), when that is worth it, else 0 (the double
   * kernel).
   */
  final int blockK;

  /** Per output channel: fl32(weight scale * activation scale); one entry for a NONE site. */
  final float[] combined;

  /** Per output channel: the bias correction added to the output (null when off). */
  final float[] correction;

  /** Product quantum exponent: lsb(a) + lsb(b). */
  final int lsb;

  /** Sum over k of |weight fixed| of the largest channel (0 for a NONE site). */
  final double weightRowBound;

  /** What accumulator-aware rounding did here (null: off, or a product of two activations). */
  AccumulatorAware.Report accAware;

  final AccumulatorChoice accumulator;
  final int lanes;

  /**
   * SmoothQuant: per reduction index the divisor sigma_j of the activation before its quantizer
   * (null when off; then activations are quantized once per element before im2col).
   */
  float[] smooth;

  /**
   * Dynamic activation scales: per row of an activation A [m][k], per column of an activation B
   * [k][n], {@code fl32(max|x| / max(F))} of the values quantized (pow2 when {@link #pow2}).
   */
  boolean dynamicRows;

  boolean pow2;

  /**
   * Zero points of activation operand A and B (0 when symmetric), and per weight row (per channel
   * and matrix of a weight B) the exact integer {@code z * sum_k wfixed} that the hardware
   * subtracts from its sum (null when off; empty for two activations). The kernel sums {@code w *
   * (q - z)} directly, the same exact integer.
   */
  double zeroA;

  double zeroB;
  double[] zeroCorrection;

  SitePlan(
      LinearSite site,
      FormatQuantizer wq,
      FormatQuantizer aq,
      float[] weightScale,
      float scaleA,
      float scaleB,
      double[] weightFixed,
      float[] combined,
      float[] correction,
      double weightRowBound,
      AccumulatorChoice accumulator,
      int lanes) {
    this.site = site;
    this.wq = wq;
    this.aq = aq;
    this.weightScale = weightScale;
    this.scaleA = scaleA;
    this.scaleB = scaleB;
    this.weightFixed = weightFixed;
    this.combined = combined;
    this.correction = correction;
    this.lsb = wq.lsb() + aq.lsb();
    this.weightRowBound = weightRowBound;
    this.accumulator = accumulator;
    this.lanes = lanes;
    ExactSums.Mode m = weightFixed == null ? null : mode();
    this.blockK =
        m == ExactSums.Mode.DOUBLE ? ExactSums.floatBlock(wq.maxFixed() * aq.maxFixed()) : 0;
    if (m == ExactSums.Mode.FLOAT || blockK > 0) {
      weightFixedFloat = new float[weightFixed.length];
      for (int i = 0; i < weightFixed.length; i++) {
        weightFixedFloat[i] = (float) weightFixed[i];
      }
    } else {
      weightFixedFloat = null;
    }
  }

  /**
   * The arithmetic of a weight site: the bound of every partial sum is rows' |w| sums times max
   * |x|.
   */
  ExactSums.Mode mode() {
    return ExactSums.mode(weightRowBound * aq.maxFixed());
  }

  /** The weight operand. */
  LinearSite.Operand weightOperand() {
    return site.weightOperand();
  }

  /** Output channel count of the weight (1 for a NONE site). */
  int channels() {
    return combined.length;
  }

  /** The scale of an activation operand. */
  float activationScale(LinearSite.Operand op) {
    return op == LinearSite.Operand.A ? scaleA : scaleB;
  }

  /** The canonical weight of a site as [rows][cols] floats, and its channel of a flat index. */
  static int channelOf(LinearSite site, int flatIndex) {
    Tensor w = site.weight();
    int cols = w.dim(-1);
    return site.weightChannelAxis() == 0 ? flatIndex / cols : flatIndex % cols;
  }
}
