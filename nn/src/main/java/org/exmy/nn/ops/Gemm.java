package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * Gemm {@code Y = alpha * op(A) * op(B) + beta * C}. With a constant B (a fully connected layer)
 * the product runs as {@code Y^T[N][M] = W[N][K] * op(A)^T[K][M]} with the weight {@code W} as
 * operand A (see {@link LinearSite}); otherwise as {@code op(A) * op(B)}. alpha and the bias are
 * applied after the kernel, in float32.
 */
final class Gemm implements Op {
  private final float alpha;
  private final float beta;
  private final boolean transA;
  private final boolean transB;
  private final int siteIndex;

  /** Non-null when B is the constant weight: W as [N][K]. */
  private final Tensor weightNK;

  /** Non-null when A is a constant weight: op(A) as [M][K]. */
  private final Tensor weightMK;

  private Gemm(float alpha, float beta, boolean ta, boolean tb, int site, Tensor wNK, Tensor wMK) {
    this.alpha = alpha;
    this.beta = beta;
    this.transA = ta;
    this.transB = tb;
    this.siteIndex = site;
    this.weightNK = wNK;
    this.weightMK = wMK;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    if (n.opset() < 7) {
      // opset 6's broadcast=1 lets C broadcast to [M, N], as numpy broadcasting does from 7 on
      at.allow("alpha", "beta", "transA", "transB", "broadcast");
    } else {
      at.allow("alpha", "beta", "transA", "transB");
    }
    n.arity(2, 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      n.requireFloat(i);
    }
    float alpha = at.f("alpha", 1f);
    float beta = at.f("beta", 1f);
    boolean ta = at.i("transA", 0) != 0;
    boolean tb = at.i("transB", 0) != 0;
    Tensor wNK = null;
    Tensor wMK = null;
    LinearSite site;
    int idx = n.linearIndex();
    if (n.isConst(1) && !n.isConst(0)) {
      Tensor b = rank2(n.consts()[1], "B");
      wNK = tb ? b : Mats.transpose(b);
      site = new LinearSite(n.name(), "Gemm", idx, wNK.dim(1), LinearSite.Operand.A, 0, wNK);
    } else if (n.isConst(0)) {
      Tensor a = rank2(n.consts()[0], "A");
      wMK = ta ? Mats.transpose(a) : a;
      site = new LinearSite(n.name(), "Gemm", idx, wMK.dim(1), LinearSite.Operand.A, 0, wMK);
    } else {
      site = new LinearSite(n.name(), "Gemm", idx, -1, LinearSite.Operand.NONE, -1, null);
    }
    return new Built(new Gemm(alpha, beta, ta, tb, idx, wNK, wMK), new DType[] {DType.FLOAT}, site);
  }

  private static Tensor rank2(Tensor t, String what) {
    if (t.rank() != 2) {
      throw new OpError(what + " must be 2-D, is " + t);
    }
    return t;
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor a = rank2(in[0], "A");
    Tensor b = rank2(in[1], "B");
    int m = transA ? a.dim(1) : a.dim(0);
    int k = transA ? a.dim(0) : a.dim(1);
    int kb = transB ? b.dim(1) : b.dim(0);
    int n = transB ? b.dim(0) : b.dim(1);
    if (k != kb) {
      throw new OpError("inner dimensions differ: A " + a + ", B " + b);
    }
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] y = new float[Tensor.size(new int[] {m, n})];
    if (weightNK != null) {
      // Y^T = W[N][K] * op(A)^T, op(A)^T is [K][M]: A itself when transA
      Tensor act = Tensor.of(kernel.activations(LinearSite.Operand.B, a.floats()), a.shape());
      float[] actT = transA ? act.floats() : Mats.transpose(act).floats();
      float[] yt = new float[y.length];
      kernel.multiply(weightNK.floats(), 0, actT, 0, yt, 0, n, k, m);
      Mats.transpose(yt, n, m, y);
    } else {
      Tensor actA =
          weightMK != null
              ? null
              : Tensor.of(kernel.activations(LinearSite.Operand.A, a.floats()), a.shape());
      Tensor actB = Tensor.of(kernel.activations(LinearSite.Operand.B, b.floats()), b.shape());
      float[] aa =
          weightMK != null ? weightMK.floats() : (transA ? Mats.transpose(actA) : actA).floats();
      float[] bb = (transB ? Mats.transpose(actB) : actB).floats();
      kernel.multiply(aa, 0, bb, 0, y, 0, m, k, n);
    }
    if (alpha != 1f) {
      for (int i = 0; i < y.length; i++) {
        y[i] *= alpha;
      }
    }
    if (in.length > 2 && in[2] != null && beta != 0f) {
      Tensor c = in[2];
      int[] target = {m, n};
      if (!java.util.Arrays.equals(Shapes.broadcast(c.shape(), target), target)) {
        throw new OpError("C " + c + " does not broadcast to [" + m + ", " + n + "]");
      }
      int[] st = Shapes.broadcastStrides(c.shape(), target);
      float[] ca = c.floats();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          y[i * n + j] += beta * ca[i * st[0] + j * st[1]];
        }
      }
    }
    return new Tensor[] {Tensor.of(y, m, n)};
  }
}
