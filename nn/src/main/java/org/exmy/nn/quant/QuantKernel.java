package org.exmy.nn.quant;

import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.simulator.Accumulator;
import org.exmy.simulator.CoreSpec;

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
 *   <li>the sum, times 2^lsb, rounded to float32 (ties to even), times the channel's combined scale
 *       fl32(weight scale * activation scale) in float32, plus the bias correction if on.
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
  private double[] actDoubleB = new double[0];

  /** Elements of the FILTERED mode that had to be summed exactly (for tests and curiosity). */
  long exactFallbacks;

  private Accumulator acc;
  private int accTerms;
  private int[] laneSig = new int[0];
  private int[] laneShift = new int[0];

  QuantKernel(SitePlan plan) {
    this.plan = plan;
    this.exact = plan.accumulator.exact();
    this.dynamic = plan.dynamicRows;
  }

  /** Dynamic per-row activation scales ({@link SitePlan#dynamicRows}). */
  private final boolean dynamic;

  /** The dynamic scales of this call: per row of A, per column of B (activation operands only). */
  private float[] dynA = new float[0];

  private float[] dynB = new float[0];

  @Override
  public float[] activations(LinearSite.Operand operand, float[] x) {
    if (plan.smooth != null || dynamic) {
      return x; // quantized per reduction index or per row in multiply
    }
    float s = plan.activationScale(operand);
    FormatQuantizer q = plan.aq;
    float[] out = new float[x.length];
    if (plan.zeroCorrection != null) {
      // asymmetric UINTn: the code clamp(rint(fl32(x / s)) + z, 0, max) enters as code - z (so that
      // padding zeros are the value 0): the exact sum is sum w (q - z) = sum w q - z sum w
      double z = operand == LinearSite.Operand.A ? plan.zeroA : plan.zeroB;
      double max = q.maxValue();
      for (int i = 0; i < x.length; i++) {
        out[i] = (float) (Math.max(0, Math.min(max, Math.rint(x[i] / s) + z)) - z);
      }
      return out;
    }
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) q.fixed(x[i], s);
    }
    return out;
  }

  @Override
  public void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    LinearSite.Operand w = plan.weightOperand();
    int firstRow = w == LinearSite.Operand.A ? aOff / k : 0;
    if (plan.smooth != null || dynamic) {
      if (w != LinearSite.Operand.B) {
        if (w == LinearSite.Operand.NONE) {
          a = java.util.Arrays.copyOfRange(a, aOff, aOff + m * k);
          a = quantized(a, 0, m, k, false, a);
          aOff = 0;
        }
        b = quantized(b, bOff, k, n, true, null);
        bOff = 0;
      } else {
        a = quantized(a, aOff, m, k, false, null);
        aOff = 0;
      }
    }
    if (!exact) {
      sequential(a, aOff, b, bOff, c, cOff, m, k, n, firstRow);
      return;
    }
    ExactSums.Mode mode =
        w == LinearSite.Operand.NONE
            ? ExactSums.mode((double) k * plan.wq.maxFixed() * plan.aq.maxFixed())
            : plan.mode();
    switch (mode) {
      case FLOAT:
        {
          float[] s = floats(m * n);
          float[] aa = w == LinearSite.Operand.A ? plan.weightFixedFloat : a;
          float[] bb = w == LinearSite.Operand.B ? plan.weightFixedFloat : b;
          ExactSums.floatProduct(aa, aOff, bb, bOff, s, m, k, n);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              c[cOff + i * n + j] =
                  scaled((float) Math.scalb((double) s[i * n + j], plan.lsb), firstRow + i, j);
            }
          }
          return;
        }
      case DOUBLE:
        {
          double[] s = doubles(m * n);
          double[] aa =
              w == LinearSite.Operand.A || plan.blockK > 0
                  ? plan.weightFixed
                  : toDouble(a, aOff, m * k);
          int ao = w == LinearSite.Operand.A ? aOff : 0;
          if (plan.blockK > 0) {
            // float32 products over blocks of blockK steps (each exact below 2^24), summed in
            // double
            float[] fa = w == LinearSite.Operand.A ? plan.weightFixedFloat : a;
            float[] fb = w == LinearSite.Operand.B ? plan.weightFixedFloat : b;
            Fp32Kernel.exactBlocks(fa, aOff, fb, bOff, s, m, k, n, plan.blockK);
          } else if (Fp32Kernel.VECTOR) {
            // the vectorized kernel: the same exact sums (every partial sum below 2^53)
            double[] bb = w == LinearSite.Operand.B ? plan.weightFixed : toDoubleB(b, bOff, k * n);
            DoubleGemm.multiply(aa, ao, bb, w == LinearSite.Operand.B ? bOff : 0, s, 0, m, k, n);
          } else {
            DoubleKernel.Rows bb =
                w == LinearSite.Operand.B
                    ? DoubleKernel.rows(plan.weightFixed, bOff, n)
                    : DoubleKernel.rows(b, bOff, n);
            DoubleKernel.multiply(aa, ao, bb, s, 0, m, k, n);
          }
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              c[cOff + i * n + j] =
                  scaled((float) Math.scalb(s[i * n + j], plan.lsb), firstRow + i, j);
            }
          }
          return;
        }
      default:
        filtered(a, aOff, b, bOff, c, cOff, m, k, n, firstRow);
    }
  }

  /**
   * FILTERED mode: the double kernel's sums, each accepted when its error interval rounds to one
   * float32, else summed exactly ({@link ExactSums#filtered}).
   */
  private void filtered(
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      float[] c,
      int cOff,
      int m,
      int k,
      int n,
      int firstRow) {
    LinearSite.Operand w = plan.weightOperand();
    double[] s = doubles(m * n);
    double[] aa = w == LinearSite.Operand.A ? plan.weightFixed : toDouble(a, aOff, m * k);
    int ao = w == LinearSite.Operand.A ? aOff : 0;
    double[] bb = w == LinearSite.Operand.B ? plan.weightFixed : toDoubleB(b, bOff, k * n);
    int bo = w == LinearSite.Operand.B ? bOff : 0;
    DoubleKernel.multiply(aa, ao, DoubleKernel.rows(bb, bo, n), s, 0, m, k, n);
    // sum_k |a_ik b_kj| <= (sum_k |a_ik|) * max_k |b_kj|: per row of A, per column of B
    double[] maxB = columnMax(bb, bo, k, n);
    // the exact fallback sums in 128 bits when the operands fit a long and k products fit 127 bits
    int bits = ExactSums.bits(plan.wq.maxFixed()) + ExactSums.bits(plan.aq.maxFixed());
    boolean fitsLong =
        plan.wq.maxFixed() < 0x1p62
            && plan.aq.maxFixed() < 0x1p62
            && bits + 33 - Integer.numberOfLeadingZeros(k) <= 126;
    for (int i = 0; i < m; i++) {
      double rowAbs = 0;
      for (int t = 0; t < k; t++) {
        rowAbs += Math.abs(aa[ao + i * k + t]);
      }
      for (int j = 0; j < n; j++) {
        float v = ExactSums.filtered(s[i * n + j], k, rowAbs * maxB[j], plan.lsb);
        if (Float.isNaN(v)) {
          exactFallbacks++;
          v = ExactSums.exactDotFloat(aa, ao + i * k, 1, bb, bo + j, n, k, plan.lsb, fitsLong);
        }
        c[cOff + i * n + j] = scaled(v, firstRow + i, j);
      }
    }
  }

  /**
   * A rounding accumulator: the simulator's model, cycle by cycle, k ascending, lanes per cycle.
   */
  private void sequential(
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      float[] c,
      int cOff,
      int m,
      int k,
      int n,
      int firstRow) {
    LinearSite.Operand w = plan.weightOperand();
    if (acc == null || accTerms != k) {
      // the accumulator a core with k terms would have
      CoreSpec core =
          plan.accumulator.apply(CoreSpec.mac(plan.wq.format(), plan.aq.format()).withTerms(k));
      acc = Accumulator.of(core.accumulator(), core.geometry());
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
            double x =
                w == LinearSite.Operand.A
                    ? plan.weightFixed[aOff + i * k + kk]
                    : a[aOff + i * k + kk];
            double y =
                w == LinearSite.Operand.B
                    ? plan.weightFixed[bOff + kk * n + j]
                    : b[bOff + kk * n + j];
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
        // fl32 of the register's exact value (+0 for a zero), without BigDecimal.floatValue's
        // decimal string
        float v =
            !val.isFinite()
                ? (val.kind() == org.exmy.simulator.Value.Kind.POS_INF
                    ? Float.POSITIVE_INFINITY
                    : Float.NEGATIVE_INFINITY)
                : val.isZero() ? 0f : ExactSums.scaledFloat(val.significand(), val.exponent());
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
    int ch =
        switch (plan.weightOperand()) {
          case A -> row;
          case B -> col;
          default -> 0;
        };
    float y;
    if (dynamic) {
      float[] ws = plan.weightScale;
      y =
          v
              * switch (plan.weightOperand()) {
                case A -> ws[ws.length == 1 ? 0 : ch] * dynB[col];
                case B -> ws[ws.length == 1 ? 0 : ch] * dynA[row];
                default -> dynA[row] * dynB[col];
              };
    } else {
      y = v * plan.combined[ch];
    }
    return plan.correction == null ? y : y + plan.correction[ch];
  }

  private float[] smoothScratch = new float[0];

  /**
   * An activation operand quantized in the product's layout: {@code x' = fl32(x / sigma_j)} (j the
   * reduction index; {@code x' = x} without SmoothQuant), then its fixed operands at the static
   * scale, or with dynamic scales at {@code fl32(max|x'| / max(F))} per row of A [m][k] / per
   * column of B [k][n] (the positions; {@code rowsAreK}: x is B). Into {@code into} when given (in
   * place), else a scratch array.
   */
  private float[] quantized(
      float[] x, int off, int rows, int cols, boolean rowsAreK, float[] into) {
    int len = rows * cols;
    float[] out = into;
    if (out == null) {
      if (smoothScratch.length < len) {
        smoothScratch = new float[len];
      }
      out = smoothScratch;
    }
    float[] sigma = plan.smooth;
    for (int i = 0; i < len; i++) {
      float v = x[off + i];
      out[i] = sigma == null ? v : v / sigma[rowsAreK ? i / cols : i % cols];
    }
    float[] ps = null;
    if (dynamic) {
      int positions = rowsAreK ? cols : rows;
      ps = new float[positions];
      for (int i = 0; i < len; i++) {
        int p = rowsAreK ? i % cols : i / cols;
        ps[p] = Math.max(ps[p], Math.abs(out[i]));
      }
      for (int p = 0; p < positions; p++) {
        ps[p] = plan.aq.scale(ps[p], plan.pow2);
      }
      if (rowsAreK) {
        dynB = ps;
      } else {
        dynA = ps;
      }
    }
    float s = plan.activationScale(rowsAreK ? LinearSite.Operand.B : LinearSite.Operand.A);
    for (int i = 0; i < len; i++) {
      float sc = ps == null ? s : ps[rowsAreK ? i % cols : i / cols];
      out[i] = (float) plan.aq.fixed(out[i], sc);
    }
    return out;
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

  private double[] colMax = new double[0];

  /** max over k of |b[k][j]|, for each column j. */
  private double[] columnMax(double[] b, int off, int k, int n) {
    if (colMax.length < n) {
      colMax = new double[n];
    }
    java.util.Arrays.fill(colMax, 0, n, 0);
    for (int t = 0; t < k; t++) {
      for (int j = 0; j < n; j++) {
        colMax[j] = Math.max(colMax[j], Math.abs(b[off + t * n + j]));
      }
    }
    return colMax;
  }

  private double[] toDoubleB(float[] x, int off, int len) {
    if (actDoubleB.length < len) {
      actDoubleB = new double[len];
    }
    for (int i = 0; i < len; i++) {
      actDoubleB[i] = x[off + i];
    }
    return actDoubleB;
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
