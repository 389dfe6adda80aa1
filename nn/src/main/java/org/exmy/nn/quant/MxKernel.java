package org.exmy.nn.quant;

import java.math.BigInteger;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.simulator.MxFormat;

/**
 * The product of one linear node with MX weights and activations (docs/quantization.md "MX
 * quantization"): each operand in blocks of its format's block size along the reduction axis k (a
 * row of A, a column of B; the last block of a row or column may be shorter), each block quantized
 * by {@link MxFormat#quantize} (weights once, from the weights; activations at every call, from the
 * data); then {@code C[i][j]} = fl32 of the exact sum over k of the dequantized products {@code
 * (2^Xa va) * (2^Xb vb)}: the sum of each block pair's element products times {@code 2^(Xa+Xb)},
 * accumulated exactly and rounded once to float32 (ties to even).
 *
 * <p>Every product is exact in a double (at most 16 significant bits, exponents within +-300). The
 * sum is computed in double with the bound {@code (k+1) u sum|products|} on its error (the computed
 * {@code sum|products|} enlarged by {@code (k+1) 2^-52} for its own roundings) (as {@link
 * ExactSums}' FILTERED mode); when the bound's interval does not round to one float32, the element
 * is summed exactly in BigInteger. A NaN or infinite input in a block makes its scale NaN, and the
 * outputs it reaches NaN.
 */
final class MxKernel implements LinearKernel {
  private final LinearSite site;
  private final MxFormat af;

  /** The dequantized weights in the canonical layout (null for a NONE site). */
  private final double[] weight;

  private final double[] absWeight;
  private final double[] actValue;
  private double[] qa = new double[0];
  private double[] qb = new double[0];
  private double[] absA = new double[0];
  private double[] absB = new double[0];
  private double[] s = new double[0];
  private double[] t = new double[0];

  /** Elements summed exactly because the double sum's interval straddled a float32 boundary. */
  long exactFallbacks;

  MxKernel(LinearSite site, double[] weight, MxFormat af) {
    this.site = site;
    this.af = af;
    this.weight = weight;
    if (weight != null) {
      absWeight = new double[weight.length];
      for (int i = 0; i < weight.length; i++) {
        absWeight[i] = Math.abs(weight[i]);
      }
    } else {
      absWeight = null;
    }
    this.actValue = table(af);
  }

  /** The element value (with its implicit scale) of every code of {@code f}. */
  static double[] table(MxFormat f) {
    double[] v = new double[f.element().codeCount()];
    for (int c = 0; c < v.length; c++) {
      v[c] = f.elementValue(c);
    }
    return v;
  }

  /**
   * The MX weights of a site, dequantized, in the canonical layout: operand A in blocks along each
   * row (k = the last dimension), operand B in blocks down each column of each {@code [K][N]}
   * matrix.
   */
  static double[] weights(LinearSite site, MxFormat wf) {
    float[] w = site.weight().floats();
    double[] out = new double[w.length];
    double[] vals = table(wf);
    int cols = site.weight().dim(-1);
    if (site.weightOperand() == LinearSite.Operand.A) {
      quantizeRows(w, 0, w.length / cols, cols, wf, vals, out);
    } else {
      int rows = site.weight().dim(-2);
      for (int off = 0; off < w.length; off += rows * cols) {
        quantizeColumns(w, off, rows, cols, wf, vals, out, off);
      }
    }
    return out;
  }

  /**
   * Rows of {@code x[off..]} ({@code m} rows of {@code k}) in blocks along each row, into {@code
   * out[0..]}.
   */
  static void quantizeRows(
      float[] x, int off, int m, int k, MxFormat f, double[] vals, double[] out) {
    int bs = f.blockSize();
    double[] blk = new double[bs];
    for (int i = 0; i < m; i++) {
      for (int k0 = 0; k0 < k; k0 += bs) {
        int len = Math.min(bs, k - k0);
        for (int l = 0; l < len; l++) {
          blk[l] = x[off + i * k + k0 + l];
        }
        store(f.quantize(blk, 0, len), vals, out, i * k + k0, 1);
      }
    }
  }

  /**
   * Columns of {@code x[off..]} ({@code k} rows of {@code n}) in blocks down each column, into
   * {@code out[o..]}.
   */
  static void quantizeColumns(
      float[] x, int off, int k, int n, MxFormat f, double[] vals, double[] out, int o) {
    int bs = f.blockSize();
    double[] blk = new double[bs];
    for (int j = 0; j < n; j++) {
      for (int k0 = 0; k0 < k; k0 += bs) {
        int len = Math.min(bs, k - k0);
        for (int l = 0; l < len; l++) {
          blk[l] = x[off + (k0 + l) * n + j];
        }
        store(f.quantize(blk, 0, len), vals, out, o + k0 * n + j, n);
      }
    }
  }

  private static void store(MxFormat.Block b, double[] vals, double[] out, int at, int stride) {
    int[] codes = b.codes();
    if (b.scaleCode() == org.exmy.simulator.E8M0.NAN) {
      for (int l = 0; l < codes.length; l++) {
        out[at + l * stride] = Double.NaN;
      }
      return;
    }
    int e = b.scaleCode() - org.exmy.simulator.E8M0.BIAS;
    for (int l = 0; l < codes.length; l++) {
      out[at + l * stride] = Math.scalb(vals[codes[l]], e);
    }
  }

  @Override
  public void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
    LinearSite.Operand w = site.weightOperand();
    double[] aa;
    double[] ab;
    int ao;
    if (w == LinearSite.Operand.A) {
      aa = weight;
      ab = absWeight;
      ao = aOff;
    } else {
      qa = grow(qa, m * k);
      absA = grow(absA, m * k);
      quantizeRows(a, aOff, m, k, af, actValue, qa);
      abs(qa, absA, m * k);
      aa = qa;
      ab = absA;
      ao = 0;
    }
    double[] ba;
    double[] bb;
    int bo;
    if (w == LinearSite.Operand.B) {
      ba = weight;
      bb = absWeight;
      bo = bOff;
    } else {
      qb = grow(qb, k * n);
      absB = grow(absB, k * n);
      quantizeColumns(b, bOff, k, n, af, actValue, qb, 0);
      abs(qb, absB, k * n);
      ba = qb;
      bb = absB;
      bo = 0;
    }
    s = grow(s, m * n);
    t = grow(t, m * n);
    DoubleKernel.multiply(aa, ao, DoubleKernel.rows(ba, bo, n), s, 0, m, k, n);
    DoubleKernel.multiply(ab, ao, DoubleKernel.rows(bb, bo, n), t, 0, m, k, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = s[i * n + j];
        float v;
        if (Double.isNaN(sum) || Double.isNaN(t[i * n + j])) {
          v = Float.NaN;
        } else {
          v = ExactSums.filtered(sum, k, t[i * n + j] * (1 + (k + 1) * 0x1p-52), 0);
          if (Float.isNaN(v)) {
            exactFallbacks++;
            v = exactDot(aa, ao + i * k, 1, ba, bo + j, n, k);
          }
        }
        c[cOff + i * n + j] = v;
      }
    }
  }

  /** fl32 of the exact sum of {@code k} products of doubles (each product exact in a double). */
  static float exactDot(
      double[] a, int aOff, int aStride, double[] b, int bOff, int bStride, int k) {
    int minQ = Integer.MAX_VALUE;
    for (int l = 0; l < k; l++) {
      double p = a[aOff + l * aStride] * b[bOff + l * bStride];
      if (p != 0) {
        minQ = Math.min(minQ, Math.getExponent(p) - 52);
      }
    }
    if (minQ == Integer.MAX_VALUE) {
      return 0f;
    }
    BigInteger sum = BigInteger.ZERO;
    for (int l = 0; l < k; l++) {
      double p = a[aOff + l * aStride] * b[bOff + l * bStride];
      if (p != 0) {
        int q = Math.getExponent(p) - 52;
        long sig = (long) Math.scalb(p, -q); // exact: |p| / 2^q < 2^53 and an integer
        sum = sum.add(BigInteger.valueOf(sig).shiftLeft(q - minQ));
      }
    }
    return ExactSums.scaledFloat(sum, minQ);
  }

  private static void abs(double[] x, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.abs(x[i]);
    }
  }

  private static double[] grow(double[] x, int n) {
    return x.length >= n ? x : new double[n];
  }
}
