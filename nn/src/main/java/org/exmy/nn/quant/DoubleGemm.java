package org.exmy.nn.quant;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.exmy.nn.IntraOp;

/**
 * The double-precision twin of {@code org.exmy.nn.FloatGemm} (same blocking, packing and register
 * tile, with doubles: 8 per AVX-512 vector), for the exact quantized products of {@link
 * ExactSums.Mode#DOUBLE}: integer-valued operands whose every partial sum stays below 2^53 in
 * magnitude. Then every product is exact (a fused multiply-add rounds once, the exact value of an
 * integer below 2^53: no rounding) and so is every addition, so each element is the exact integer
 * sum whatever the order, the blocking or the thread split: bit-identical to {@link DoubleKernel}.
 * Thread-safe: scratch is per thread.
 */
final class DoubleGemm {
  static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int MR = 4;
  static final int NR = 2 * L;
  static final int KC = 256;
  static final int NC = 256;

  /** Work (m*n*k) below which a product is never split across threads. */
  static final long SPLIT_WORK = 1L << 17;

  private static final ThreadLocal<double[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new double[3][0]);

  private DoubleGemm() {}

  /**
   * {@code C = A * B} with the linear-kernel layout (A {@code m x k}, B {@code k x n}, C {@code m x
   * n}, each row-major and dense from its offset), split over the threads {@link IntraOp} lends: by
   * column ranges (multiples of {@code NR}) or else by row ranges (multiples of {@code MR}); every
   * element is computed whole by one thread, so the split does not change it.
   */
  static void multiply(
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int k, int n) {
    int ways = IntraOp.ways();
    boolean dots = smallN(n, k);
    if (ways > 1 && (long) m * n * k >= SPLIT_WORK && !dots) {
      if (n >= 2 * NR * ways) {
        int per = ceilDiv(ceilDiv(n, ways), NR) * NR;
        int parts = ceilDiv(n, per);
        IntraOp.forEach(
            parts,
            (p, ps) -> {
              int j0 = p * per;
              gemm(
                  a, aOff, k, b, bOff + j0, n, c, cOff + j0, n, m, k, Math.min(per, n - j0), false);
            });
        return;
      }
      if (m >= MR * ways) {
        int per = ceilDiv(ceilDiv(m, ways), MR) * MR;
        int parts = ceilDiv(m, per);
        IntraOp.forEach(
            parts,
            (p, ps) -> {
              int i0 = p * per;
              gemm(
                  a,
                  aOff + i0 * k,
                  k,
                  b,
                  bOff,
                  n,
                  c,
                  cOff + i0 * n,
                  n,
                  Math.min(per, m - i0),
                  k,
                  n,
                  false);
            });
        return;
      }
    }
    gemm(a, aOff, k, b, bOff, n, c, cOff, n, m, k, n, dots);
  }

  private static boolean smallN(int n, int k) {
    return n < NR / 2 && k >= 2 * L;
  }

  static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static double[] scratch(int which, int size) {
    double[][] s = SCRATCH.get();
    if (s[which].length < size) {
      s[which] = new double[size];
    }
    return s[which];
  }

  /**
   * Serial {@code C = A * B} with leading dimensions (row strides) lda, ldb, ldc; {@code dots}
   * chooses the dot-product form (decided from the whole product's shape, so that a split keeps
   * every element's order).
   */
  static void gemm(
      double[] a,
      int aOff,
      int lda,
      double[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int ldc,
      int m,
      int k,
      int n,
      boolean dots) {
    if (dots) {
      dots(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, k, n);
      return;
    }
    double[] pb = scratch(0, KC * NC);
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        pack(b, bOff + pc * ldb + jc, ldb, kc, nc, pb);
        boolean add = pc > 0;
        int i = 0;
        for (; i + MR <= m; i += MR) {
          int ar = aOff + i * lda + pc;
          int cr = cOff + i * ldc + jc;
          for (int jr = 0; jr < nc; jr += NR) {
            micro4(a, ar, lda, pb, jr * kc, kc, c, cr + jr, ldc, Math.min(NR, nc - jr), add);
          }
        }
        for (; i < m; i++) {
          int ar = aOff + i * lda + pc;
          int cr = cOff + i * ldc + jc;
          for (int jr = 0; jr < nc; jr += NR) {
            micro1(a, ar, pb, jr * kc, kc, c, cr + jr, Math.min(NR, nc - jr), add);
          }
        }
      }
    }
  }

  /**
   * Packs B's block (kc rows, nc columns from {@code off}) into zero-padded panels of NR columns.
   */
  private static void pack(double[] b, int off, int ldb, int kc, int nc, double[] pb) {
    for (int jr = 0; jr < nc; jr += NR) {
      int w = Math.min(NR, nc - jr);
      int dst = jr * kc;
      int src = off + jr;
      for (int t = 0; t < kc; t++, dst += NR, src += ldb) {
        System.arraycopy(b, src, pb, dst, w);
        for (int j = w; j < NR; j++) {
          pb[dst + j] = 0;
        }
      }
    }
  }

  private static void micro4(
      double[] a,
      int ar,
      int lda,
      double[] pb,
      int p0,
      int kc,
      double[] c,
      int co,
      int ldc,
      int cols,
      boolean add) {
    DoubleVector c00 = DoubleVector.zero(S);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    int a1 = ar + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    for (int t = 0, bp = p0; t < kc; t++, bp += NR) {
      DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
      DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ar + t]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(S, a[a1 + t]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(S, a[a2 + t]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(S, a[a3 + t]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (cols == NR) {
      int o1 = co + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      if (add) {
        c00 = c00.add(DoubleVector.fromArray(S, c, co));
        c01 = c01.add(DoubleVector.fromArray(S, c, co + L));
        c10 = c10.add(DoubleVector.fromArray(S, c, o1));
        c11 = c11.add(DoubleVector.fromArray(S, c, o1 + L));
        c20 = c20.add(DoubleVector.fromArray(S, c, o2));
        c21 = c21.add(DoubleVector.fromArray(S, c, o2 + L));
        c30 = c30.add(DoubleVector.fromArray(S, c, o3));
        c31 = c31.add(DoubleVector.fromArray(S, c, o3 + L));
      }
      c00.intoArray(c, co);
      c01.intoArray(c, co + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
      return;
    }
    // right edge: through a small buffer (no vector crosses a call)
    double[] tile = scratch(2, MR * NR);
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    edge(tile, MR, c, co, ldc, cols, add);
  }

  /** Stores (or adds) the first {@code cols} columns of {@code rows} rows of a tile into C. */
  private static void edge(
      double[] tile, int rows, double[] c, int co, int ldc, int cols, boolean add) {
    for (int r = 0; r < rows; r++) {
      int o = co + r * ldc;
      for (int j = 0; j < cols; j++) {
        c[o + j] = add ? c[o + j] + tile[r * NR + j] : tile[r * NR + j];
      }
    }
  }

  private static void micro1(
      double[] a, int ar, double[] pb, int p0, int kc, double[] c, int co, int cols, boolean add) {
    DoubleVector c00 = DoubleVector.zero(S);
    DoubleVector c01 = c00;
    for (int t = 0, bp = p0; t < kc; t++, bp += NR) {
      DoubleVector x = DoubleVector.broadcast(S, a[ar + t]);
      c00 = x.fma(DoubleVector.fromArray(S, pb, bp), c00);
      c01 = x.fma(DoubleVector.fromArray(S, pb, bp + L), c01);
    }
    if (cols == NR) {
      if (add) {
        c00 = c00.add(DoubleVector.fromArray(S, c, co));
        c01 = c01.add(DoubleVector.fromArray(S, c, co + L));
      }
      c00.intoArray(c, co);
      c01.intoArray(c, co + L);
      return;
    }
    double[] tile = scratch(2, MR * NR);
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    edge(tile, 1, c, co, 0, cols, add);
  }

  /** Few columns: each element as a dot product over k, B's columns copied into rows first. */
  private static void dots(
      double[] a,
      int aOff,
      int lda,
      double[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int ldc,
      int m,
      int k,
      int n) {
    double[] bt = scratch(1, n * k);
    for (int t = 0; t < k; t++) {
      for (int j = 0; j < n; j++) {
        bt[j * k + t] = b[bOff + t * ldb + j];
      }
    }
    // scalar, four interleaved sums (t mod 4) added at the end: a short loop that is called rarely
    // would run the vector API's uncompiled fallback, many times slower
    int k4 = k - k % 4;
    for (int i = 0; i < m; i++) {
      int ar = aOff + i * lda;
      for (int j = 0; j < n; j++) {
        int br = j * k;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int t = 0;
        for (; t < k4; t += 4) {
          s0 = Math.fma(a[ar + t], bt[br + t], s0);
          s1 = Math.fma(a[ar + t + 1], bt[br + t + 1], s1);
          s2 = Math.fma(a[ar + t + 2], bt[br + t + 2], s2);
          s3 = Math.fma(a[ar + t + 3], bt[br + t + 3], s3);
        }
        for (; t < k; t++) {
          s0 = Math.fma(a[ar + t], bt[br + t], s0);
        }
        c[cOff + i * ldc + j] = (s0 + s1) + (s2 + s3);
      }
    }
  }
}
