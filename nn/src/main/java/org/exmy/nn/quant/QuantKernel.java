package org.exmy.nn.quant;

import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.simulator.Accumulator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.AccumulatorSpec;

/**
 * The product of one quantized linear node, computed as the generated MAC core computes it.
 *
 * <ol>
 *   <li>{@link #activations}: each activation becomes its fixed-point MAC operand, {@code
 *       fixed(encode_saturating(fl32(x / s)))}, once per element (before im2col);
 *   <li>{@link #multiply}: the sum over k of weight operand times activation operand, exactly as
 *       the core's accumulator sums it: for the exact (Kulisch) accumulator the exact integer sum
 *       (by {@link ExactSums}; the order does not matter), for a rounding accumulator the
 *       simulator's {@link Accumulator} model cycle by cycle, k ascending, {@code lanes} products a
 *       cycle;
 *   <li>the sum, times 2^lsb, rounded to float32 (ties to even), times the channel's combined
 *       scale fl32(weight scale * activation scale) in float32, plus the bias correction if on.
 * </ol>
 *
 * One instance per engine thread (it keeps scratch arrays).
 */
final class QuantKernel implements LinearKernel {
  private final SitePlan plan;
  private final boolean exact;
  private float[] floatScratch = new float[0];
  private double[] doubleScratch = new double[0];
  private double[] actDouble = new double[0];
  private Accumulator acc;
  private int accTerms;
  private int[] laneSig = new int[0];
  private int[] laneShift = new int[0];

  QuantKernel(SitePlan plan) {
    this.plan = plan;
    this.exact = plan.accumulator instanceof AccumulatorKind.Exact;
  }

  @Override
  public float[] activations(LinearSite.Operand operand, float[] x) {
    float s = plan.activationScale(operand);
    FormatQuantizer q = plan.aq;
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) q.fixed(x[i], s);
    }
    return out;
  }

  @Override
  public void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    LinearSite.Operand w = plan.weightOperand();
    int firstRow = w == LinearSite.Operand.A ? aOff / k : 0;
    if (!exact) {
      sequential(a, aOff, b, bOff, c, cOff, m, k, n, firstRow);
      return;
    }
    ExactSums.Mode mode = w == LinearSite.Operand.NONE
        ? ExactSums.mode((double) k * plan.wq.maxFixed() * plan.aq.maxFixed())
        : plan.mode();
    switch (mode) {
      case FLOAT: {
        float[] s = floats(m * n);
        float[] aa = w == LinearSite.Operand.A ? plan.weightFixedFloat : a;
        float[] bb = w == LinearSite.Operand.B ? plan.weightFixedFloat : b;
        ExactSums.floatProduct(aa, aOff, bb, bOff, s, m, k, n);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            c[cOff + i * n + j] = scaled((float) Math.scalb((double) s[i * n + j], plan.lsb), firstRow + i, j);
          }
        }
        return;
      }
      case DOUBLE: {
        double[] s = doubles(m * n);
        double[] aa = w == LinearSite.Operand.A ? plan.weightFixed : toDouble(a, aOff, m * k);
        int ao = w == LinearSite.Operand.A ? aOff : 0;
        DoubleKernel.Rows bb = w == LinearSite.Operand.B ? DoubleKernel.rows(plan.weightFixed, bOff, n)
            : DoubleKernel.rows(b, bOff, n);
        DoubleKernel.multiply(aa, ao, bb, s, 0, m, k, n);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            c[cOff + i * n + j] = scaled((float) Math.scalb(s[i * n + j], plan.lsb), firstRow + i, j);
          }
        }
        return;
      }
      default:
        limbs(a, aOff, b, bOff, c, cOff, m, k, n, firstRow);
    }
  }

  /** LIMBS mode: every pair of operand limbs multiplied exactly, combined in wide integers. */
  private void limbs(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
      int firstRow) {
    LinearSite.Operand w = plan.weightOperand();
    int t = ExactSums.limbBits(k);
    int pa = ExactSums.limbs(ExactSums.bits(w == LinearSite.Operand.A ? plan.wq.maxFixed() : plan.aq.maxFixed()), t);
    int pb = ExactSums.limbs(ExactSums.bits(w == LinearSite.Operand.B ? plan.wq.maxFixed() : plan.aq.maxFixed()), t);
    if (w == LinearSite.Operand.A && plan.weightLimbs.length != pa) {
      throw new IllegalStateException("weight limbs planned for another fan-in");
    }
    double[][] aLimbs = new double[pa][];
    for (int i = 0; i < pa; i++) {
      if (w == LinearSite.Operand.A) {
        aLimbs[i] = plan.weightLimbs[i];
      } else {
        double[] x = new double[m * k];
        for (int e = 0; e < m * k; e++) {
          x[e] = ExactSums.limb(a[aOff + e], i, pa, t);
        }
        aLimbs[i] = x;
      }
    }
    int ao = w == LinearSite.Operand.A ? aOff : 0;
    ExactSums.WideSums sums = new ExactSums.WideSums(m * n, (pa + pb - 2) * t, pa * pb);
    double[] g = doubles(m * n);
    // the B operand's limbs, once per call (the weight's were made when planning)
    DoubleKernel.Rows[] bRows = new DoubleKernel.Rows[pb];
    for (int j = 0; j < pb; j++) {
      if (w == LinearSite.Operand.B) {
        bRows[j] = DoubleKernel.rows(plan.weightLimbs[j], bOff, n);
      } else {
        double[] x = new double[k * n];
        for (int e = 0; e < k * n; e++) {
          x[e] = ExactSums.limb(b[bOff + e], j, pb, t);
        }
        bRows[j] = DoubleKernel.rows(x, 0, n);
      }
    }
    for (int i = 0; i < pa; i++) {
      for (int j = 0; j < pb; j++) {
        DoubleKernel.multiply(aLimbs[i], ao, bRows[j], g, 0, m, k, n);
        sums.add(g, (i + j) * t);
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * n + j] = scaled(sums.toFloat(i * n + j, plan.lsb), firstRow + i, j);
      }
    }
  }

  /** A rounding accumulator: the simulator's model, cycle by cycle, k ascending, lanes per cycle. */
  private void sequential(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
      int firstRow) {
    LinearSite.Operand w = plan.weightOperand();
    if (acc == null || accTerms != k) {
      acc = Accumulator.of(plan.accumulator, AccumulatorSpec.of(plan.wq.format(), plan.aq.format(), k));
      accTerms = k;
    }
    int lanes = plan.lanes;
    if (laneSig.length < lanes) {
      laneSig = new int[lanes];
      laneShift = new int[lanes];
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        acc.clear();
        for (int k0 = 0; k0 < k; k0 += lanes) {
          int used = Math.min(lanes, k - k0);
          for (int l = 0; l < used; l++) {
            int kk = k0 + l;
            double x = w == LinearSite.Operand.A ? plan.weightFixed[aOff + i * k + kk] : a[aOff + i * k + kk];
            double y = w == LinearSite.Operand.B ? plan.weightFixed[bOff + kk * n + j] : b[bOff + kk * n + j];
            double p = x * y; // exact: |significands| < 2^17
            decompose(p, l);
          }
          if (lanes == 1) {
            acc.add(laneSig[0], laneShift[0]);
          } else {
            acc.addLanes(laneSig, laneShift, used);
          }
        }
        org.exmy.simulator.Value val = acc.value();
        float v = val.isFinite() ? val.toBigDecimal().floatValue()
            : val.kind() == org.exmy.simulator.Value.Kind.POS_INF ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        c[cOff + i * n + j] = scaled(v, firstRow + i, j);
      }
    }
  }

  /** The integer p as odd significand and shift, into lane {@code l}. */
  private void decompose(double p, int l) {
    if (p == 0) {
      laneSig[l] = 0;
      laneShift[l] = 0;
      return;
    }
    long bits = Double.doubleToRawLongBits(p);
    int e = (int) ((bits >>> 52) & 0x7ff) - 1075;
    long mant = (bits & ((1L << 52) - 1)) | (1L << 52);
    int tz = Long.numberOfTrailingZeros(mant);
    long sig = mant >> tz;
    laneSig[l] = (int) (p < 0 ? -sig : sig);
    laneShift[l] = e + tz;
  }

  /**
   * The output of one element: {@code v} (the sum times 2^lsb, already rounded to float32) times
   * the channel's combined scale, plus the correction.
   */
  private float scaled(float v, int row, int col) {
    int ch = switch (plan.weightOperand()) {
      case A -> row;
      case B -> col;
      default -> 0;
    };
    float y = v * plan.combined[ch];
    return plan.correction == null ? y : y + plan.correction[ch];
  }

  private float[] floats(int n) {
    if (floatScratch.length < n) {
      floatScratch = new float[n];
    }
    return floatScratch;
  }

  private double[] doubles(int n) {
    if (doubleScratch.length < n) {
      doubleScratch = new double[n];
    }
    return doubleScratch;
  }

  private double[] toDouble(float[] x, int off, int len) {
    if (actDouble.length < len) {
      actDouble = new double[len];
    }
    for (int i = 0; i < len; i++) {
      actDouble[i] = x[off + i];
    }
    return actDouble;
  }
}
