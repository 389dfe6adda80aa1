package org.exmy.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked, packed float32 matrix product {@code C = A * B} with the JDK Vector API (incubator
 * module {@code jdk.incubator.vector}), the arithmetic of {@link Fp32Kernel}.
 *
 * <p>Blocking: the columns of B in blocks of {@value #NC} and its rows (the reduction) in blocks of
 * {@value #KC}; each block of B is packed into panels of {@code NR} columns ({@code NR} = two
 * vectors of the preferred species: 32 floats with AVX-512), zero-padded, so that the micro-kernel
 * reads it contiguously. The micro-kernel holds an {@code MR x NR} tile of C ({@code MR} = {@value
 * #MR} rows, eight vector registers) and adds, for each reduction step, a broadcast element of A
 * times the panel's two vectors by fused multiply-add. A is read in place (each of the four rows
 * contiguously). The tile is stored, or added to C for the second and later reduction blocks (at
 * the right edge through a small buffer: no vector is passed to a call, which would box it).
 * Products with fewer than 4 columns (a Gemm over a batch of 1 to 3) run as dot products over k
 * instead, B transposed once; from 4 columns on the tiles, even mostly padding, are several times
 * faster (a batch of 8 through the reference MLP: 6x).
 *
 * <p>Rounding: each element is the sum of its k products, each product fused with one addition (one
 * rounding), in one order for every shape: per reduction block of {@value #KC}, ascending from 0,
 * then each block added to the sum of those before it (the tiles and the dot-product form alike).
 * So an element depends only on its row of A, its column of B and k: not on threads, nor on how
 * many rows or columns the call has (a model's outputs do not depend on its batch), and
 * integer-valued operands whose partial sums all stay below 2^24 in magnitude give exact sums.
 * Thread-safe: scratch is per thread.
 */
final class FloatGemm {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int MR = 4;
  static final int MR6 = 6;
  static final int NR = 2 * L;
  static final int KC = 256;
  static final int NC = 256;

  /** Work (m*n*k) below which a product is never split across threads. */
  static final long SPLIT_WORK = 1L << 17;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[4][0]);

  private FloatGemm() {}

  /**
   * {@code C = A * B} with the {@link LinearKernel} layout (A {@code m x k}, B {@code k x n}, C
   * {@code m x n}, each row-major and dense from its offset), split over the threads {@link
   * IntraOp} lends: by column ranges (multiples of {@code NR}) or else by row ranges (multiples of
   * {@code MR}); every element is computed whole by one thread, so the split does not change it.
   */
  static void multiply(
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
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

  /**
   * {@code C = A * B} into doubles for integer-valued float operands whose every sum of at most
   * {@code kb} products is below 2^24 in magnitude: per block of {@code kb} reduction steps the
   * float product above (each fused multiply-add's exact result is such an integer, so
   * representable: no rounding), converted to double and added (the whole sum below 2^53, so exact
   * too). Split over threads by columns or rows, as {@link #multiply}.
   */
  static void exactBlocks(
      float[] a, int aOff, float[] b, int bOff, double[] c, int m, int k, int n, int kb) {
    int ways = IntraOp.ways();
    if (ways > 1 && (long) m * n * k >= SPLIT_WORK) {
      if (n >= 2 * NR * ways) {
        int per = ceilDiv(ceilDiv(n, ways), NR) * NR;
        IntraOp.forEach(
            ceilDiv(n, per),
            (p, ps) -> {
              int j0 = p * per;
              blocks(a, aOff, b, bOff + j0, n, c, j0, m, k, Math.min(per, n - j0), kb);
            });
        return;
      }
      if (m >= MR * ways) {
        int per = ceilDiv(ceilDiv(m, ways), MR) * MR;
        IntraOp.forEach(
            ceilDiv(m, per),
            (p, ps) -> {
              int i0 = p * per;
              blocks(a, aOff + i0 * k, b, bOff, n, c, i0 * n, Math.min(per, m - i0), k, n, kb);
            });
        return;
      }
    }
    blocks(a, aOff, b, bOff, n, c, 0, m, k, n, kb);
  }

  /** One part of {@link #exactBlocks}: w columns of B (row stride ldb) into C (row stride ldb). */
  private static void blocks(
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int m,
      int k,
      int w,
      int kb) {
    float[] tmp = scratch(3, m * w);
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(c, cOff + i * ldb, cOff + i * ldb + w, 0);
    }
    for (int p0 = 0; p0 < k; p0 += kb) {
      gemm(a, aOff + p0, k, b, bOff + p0 * ldb, ldb, tmp, 0, w, m, Math.min(kb, k - p0), w, false);
      for (int i = 0; i < m; i++) {
        int co = cOff + i * ldb;
        for (int j = 0; j < w; j++) {
          c[co + j] += tmp[i * w + j];
        }
      }
    }
  }

  private static boolean smallN(int n, int k) {
    return n < 4 && k >= 2 * L;
  }

  static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static float[] scratch(int which, int size) {
    float[][] s = SCRATCH.get();
    if (s[which].length < size) {
      s[which] = new float[size];
    }
    return s[which];
  }

  /**
   * Serial {@code C = A * B} with leading dimensions (row strides) lda, ldb, ldc; {@code dots}
   * chooses the dot-product form (decided from the whole product's shape, so that a split keeps
   * every element's order).
   */
  static void gemm(
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
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
    float[] pb = scratch(0, KC * NC);
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        pack(b, bOff + pc * ldb + jc, ldb, kc, nc, pb);
        boolean add = pc > 0;
        int i = 0;
        for (; i + MR6 <= m; i += MR6) {
          int ar = aOff + i * lda + pc;
          int cr = cOff + i * ldc + jc;
          for (int jr = 0; jr < nc; jr += NR) {
            micro6(a, ar, lda, pb, jr * kc, kc, c, cr + jr, ldc, Math.min(NR, nc - jr), add);
          }
        }
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
  private static void pack(float[] b, int off, int ldb, int kc, int nc, float[] pb) {
    for (int jr = 0; jr < nc; jr += NR) {
      int w = Math.min(NR, nc - jr);
      int dst = jr * kc;
      int src = off + jr;
      for (int t = 0; t < kc; t++, dst += NR, src += ldb) {
        System.arraycopy(b, src, pb, dst, w);
        for (int j = w; j < NR; j++) {
          pb[dst + j] = 0f;
        }
      }
    }
  }

  private static void micro4(
      float[] a,
      int ar,
      int lda,
      float[] pb,
      int p0,
      int kc,
      float[] c,
      int co,
      int ldc,
      int cols,
      boolean add) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    int a1 = ar + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    for (int t = 0, bp = p0; t < kc; t++, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[ar + t]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + t]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + t]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + t]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (cols == NR) {
      int o1 = co + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      if (add) {
        c00 = c00.add(FloatVector.fromArray(S, c, co));
        c01 = c01.add(FloatVector.fromArray(S, c, co + L));
        c10 = c10.add(FloatVector.fromArray(S, c, o1));
        c11 = c11.add(FloatVector.fromArray(S, c, o1 + L));
        c20 = c20.add(FloatVector.fromArray(S, c, o2));
        c21 = c21.add(FloatVector.fromArray(S, c, o2 + L));
        c30 = c30.add(FloatVector.fromArray(S, c, o3));
        c31 = c31.add(FloatVector.fromArray(S, c, o3 + L));
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
    float[] tile = scratch(2, MR * NR);
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

  /**
   * The main micro-kernel: a 6 x NR tile (twelve accumulators), as {@link #micro4} with two more
   * rows; each element's sum has the same order as there.
   */
  private static void micro6(
      float[] a,
      int ar,
      int lda,
      float[] pb,
      int p0,
      int kc,
      float[] c,
      int co,
      int ldc,
      int cols,
      boolean add) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    int a1 = ar + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    int a4 = a3 + lda;
    int a5 = a4 + lda;
    for (int t = 0, bp = p0; t < kc; t++, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[ar + t]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + t]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + t]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + t]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + t]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + t]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    if (cols == NR) {
      int o1 = co + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      int o4 = o3 + ldc;
      int o5 = o4 + ldc;
      if (add) {
        c00 = c00.add(FloatVector.fromArray(S, c, co));
        c01 = c01.add(FloatVector.fromArray(S, c, co + L));
        c10 = c10.add(FloatVector.fromArray(S, c, o1));
        c11 = c11.add(FloatVector.fromArray(S, c, o1 + L));
        c20 = c20.add(FloatVector.fromArray(S, c, o2));
        c21 = c21.add(FloatVector.fromArray(S, c, o2 + L));
        c30 = c30.add(FloatVector.fromArray(S, c, o3));
        c31 = c31.add(FloatVector.fromArray(S, c, o3 + L));
        c40 = c40.add(FloatVector.fromArray(S, c, o4));
        c41 = c41.add(FloatVector.fromArray(S, c, o4 + L));
        c50 = c50.add(FloatVector.fromArray(S, c, o5));
        c51 = c51.add(FloatVector.fromArray(S, c, o5 + L));
      }
      c00.intoArray(c, co);
      c01.intoArray(c, co + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
      c40.intoArray(c, o4);
      c41.intoArray(c, o4 + L);
      c50.intoArray(c, o5);
      c51.intoArray(c, o5 + L);
      return;
    }
    float[] tile = scratch(2, MR6 * NR);
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    edge(tile, MR6, c, co, ldc, cols, add);
  }

  /** Stores (or adds) the first {@code cols} columns of {@code rows} rows of a tile into C. */
  private static void edge(
      float[] tile, int rows, float[] c, int co, int ldc, int cols, boolean add) {
    for (int r = 0; r < rows; r++) {
      int o = co + r * ldc;
      for (int j = 0; j < cols; j++) {
        c[o + j] = add ? c[o + j] + tile[r * NR + j] : tile[r * NR + j];
      }
    }
  }

  private static void micro1(
      float[] a, int ar, float[] pb, int p0, int kc, float[] c, int co, int cols, boolean add) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    for (int t = 0, bp = p0; t < kc; t++, bp += NR) {
      FloatVector x = FloatVector.broadcast(S, a[ar + t]);
      c00 = x.fma(FloatVector.fromArray(S, pb, bp), c00);
      c01 = x.fma(FloatVector.fromArray(S, pb, bp + L), c01);
    }
    if (cols == NR) {
      if (add) {
        c00 = c00.add(FloatVector.fromArray(S, c, co));
        c01 = c01.add(FloatVector.fromArray(S, c, co + L));
      }
      c00.intoArray(c, co);
      c01.intoArray(c, co + L);
      return;
    }
    float[] tile = scratch(2, MR * NR);
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    edge(tile, 1, c, co, 0, cols, add);
  }

  /**
   * Few columns: each element as a dot product over k, B's columns copied into rows first, in the
   * tiles' order (per reduction block of {@value #KC}, one fused multiply-add chain from 0, then
   * {@code block + sum so far}), so that an element's bits do not depend on the column count and a
   * model gives the same bits whatever its batch. Scalar, four rows of A at once for four
   * independent chains: a short loop that is called rarely would run the Vector API's uncompiled
   * fallback, many times slower.
   */
  private static void dots(
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      int m,
      int k,
      int n) {
    float[] bt = scratch(1, n * k);
    for (int t = 0; t < k; t++) {
      for (int j = 0; j < n; j++) {
        bt[j * k + t] = b[bOff + t * ldb + j];
      }
    }
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int a0 = aOff + i * lda;
      int a1 = a0 + lda;
      int a2 = a1 + lda;
      int a3 = a2 + lda;
      for (int j = 0; j < n; j++) {
        int br = j * k;
        float c0 = 0;
        float c1 = 0;
        float c2 = 0;
        float c3 = 0;
        for (int pc = 0; pc < k; pc += KC) {
          int end = Math.min(k, pc + KC);
          float s0 = 0;
          float s1 = 0;
          float s2 = 0;
          float s3 = 0;
          for (int t = pc; t < end; t++) {
            float bv = bt[br + t];
            s0 = Math.fma(a[a0 + t], bv, s0);
            s1 = Math.fma(a[a1 + t], bv, s1);
            s2 = Math.fma(a[a2 + t], bv, s2);
            s3 = Math.fma(a[a3 + t], bv, s3);
          }
          boolean first = pc == 0;
          c0 = first ? s0 : s0 + c0;
          c1 = first ? s1 : s1 + c1;
          c2 = first ? s2 : s2 + c2;
          c3 = first ? s3 : s3 + c3;
        }
        int o = cOff + i * ldc + j;
        c[o] = c0;
        c[o + ldc] = c1;
        c[o + 2 * ldc] = c2;
        c[o + 3 * ldc] = c3;
      }
    }
    for (; i < m; i++) {
      int ar = aOff + i * lda;
      for (int j = 0; j < n; j++) {
        int br = j * k;
        float sum = 0;
        for (int pc = 0; pc < k; pc += KC) {
          int end = Math.min(k, pc + KC);
          float s = 0;
          for (int t = pc; t < end; t++) {
            s = Math.fma(a[ar + t], bt[br + t], s);
          }
          sum = pc == 0 ? s : s + sum;
        }
        c[cOff + i * ldc + j] = sum;
      }
    }
  }
}
