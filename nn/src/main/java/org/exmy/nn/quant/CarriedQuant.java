package org.exmy.nn.quant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.LinearSite;
import org.exmy.nn.NnException;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.NumberFormat;

/**
 * Linear kernels for a quantization that the model already carries (its weights and activations
 * already on a format's grid, e.g. a QONNX model): each listed site is summed by the MAC core's
 * arithmetic exactly as {@link Ptq}'s sites are ({@link QuantKernel}: every operand re-encoded at
 * its given scale, which leaves a value of the format unchanged, the exact sum, then the combined
 * scale), with the given formats and scales instead of calibrated ones; other sites run float32.
 */
public final class CarriedQuant implements LinearKernels {
  /**
   * One quantized linear site.
   *
   * @param site the site
   * @param weight the weight operand's format (for a site without weight: operand A's)
   * @param weightScale the weight's scale per output channel (one entry: per tensor); for a site
   *     without weight, operand A's scale (one entry)
   * @param activation the activation operand's format (operand B's for a site without weight, which
   *     must equal operand A's)
   * @param activationScale its scale
   */
  public record Site(
      LinearSite site,
      NumberFormat weight,
      float[] weightScale,
      NumberFormat activation,
      float activationScale) {}

  private final Map<Integer, SitePlan> plans = new HashMap<>();

  /**
   * Plans the listed sites for accumulator {@code acc} with {@code lanes} products a cycle.
   *
   * @throws NnException naming the node when a weight is not a value of its format at its scale
   */
  public CarriedQuant(String source, List<Site> sites, AccumulatorChoice acc, int lanes) {
    for (Site s : sites) {
      plans.put(s.site().index(), plan(source, s, acc, lanes));
    }
  }

  /** Whether linear site {@code index} is summed by the MAC arithmetic. */
  public boolean quantized(int index) {
    return plans.containsKey(index);
  }

  private static SitePlan plan(String source, Site s, AccumulatorChoice acc, int lanes) {
    LinearSite site = s.site();
    FormatQuantizer wq = new FormatQuantizer(s.weight());
    FormatQuantizer aq = new FormatQuantizer(s.activation());
    if (site.weightOperand() == LinearSite.Operand.NONE) {
      if (!s.weight().equals(s.activation())) {
        throw new NnException(
            source
                + ": node '"
                + site.nodeName()
                + "' ("
                + site.opType()
                + "): its operands are "
                + s.weight().name()
                + " and "
                + s.activation().name()
                + "; a product of two activations needs one format");
      }
      float sa = s.weightScale()[0];
      float sb = s.activationScale();
      return new SitePlan(
          site, aq, aq, null, sa, sb, null, new float[] {sa * sb}, null, 0, acc, lanes);
    }
    float[] w = site.weight().floats();
    int cols = site.weight().dim(-1);
    int channels = site.weightChannelAxis() == 0 ? w.length / cols : cols;
    float[] ws = s.weightScale();
    if (ws.length != 1 && ws.length != channels) {
      throw new NnException(
          source
              + ": node '"
              + site.nodeName()
              + "': "
              + ws.length
              + " weight scales for "
              + channels
              + " output channels");
    }
    double[] fixed = new double[w.length];
    double[] rowAbs = new double[channels];
    for (int i = 0; i < w.length; i++) {
      int ch = SitePlan.channelOf(site, i);
      float sc = ws[ws.length == 1 ? 0 : ch];
      fixed[i] = wq.fixed(w[i], sc);
      if (Float.floatToIntBits(wq.dequantized(w[i], sc)) != Float.floatToIntBits(w[i] + 0f)
          && !(w[i] == 0 && fixed[i] == 0)) {
        throw new NnException(
            source
                + ": node '"
                + site.nodeName()
                + "' ("
                + site.opType()
                + "): weight "
                + w[i]
                + " is not a value of "
                + s.weight().name()
                + " at scale "
                + sc);
      }
      rowAbs[ch] += Math.abs(fixed[i]);
    }
    double bound = 0;
    for (double r : rowAbs) {
      bound = Math.max(bound, r);
    }
    float sAct = s.activationScale();
    float[] combined = new float[channels];
    for (int c = 0; c < channels; c++) {
      combined[c] = ws[ws.length == 1 ? 0 : c] * sAct;
    }
    boolean actA = site.weightOperand() == LinearSite.Operand.B;
    float[] wsFull = new float[channels];
    for (int c = 0; c < channels; c++) {
      wsFull[c] = ws[ws.length == 1 ? 0 : c];
    }
    return new SitePlan(
        site,
        wq,
        aq,
        wsFull,
        actA ? sAct : 1f,
        actA ? 1f : sAct,
        fixed,
        combined,
        null,
        bound,
        acc,
        lanes);
  }

  @Override
  public LinearKernel kernelFor(LinearSite site) {
    SitePlan p = plans.get(site.index());
    return p == null ? Fp32Kernel.INSTANCE : new QuantKernel(p);
  }
}
