package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * MatMul with numpy semantics (1-D operands promoted, batch dimensions broadcast). A left operand
 * times a constant 2-D right operand is one product of {@code [batch*M][K] * [K][N]}; otherwise one
 * product per broadcast batch pair.
 */
final class MatMul implements Op {
  private final int siteIndex;
  private final LinearSite.Operand weight;

  private MatMul(int siteIndex, LinearSite.Operand weight) {
    this.siteIndex = siteIndex;
    this.weight = weight;
  }

  static Built build(NodeSpec n) {
    n.attrs().allow();
    n.arity(2, 2, 1, 1);
    n.requireFloat(0);
    n.requireFloat(1);
    int idx = n.linearIndex();
    LinearSite site;
    if (n.isConst(1)) {
      Tensor b = n.consts()[1];
      Tensor w = b.rank() == 1 ? b.reshape(b.dim(0), 1) : b;
      site = new LinearSite(n.name(), "MatMul", idx, w.dim(-2), LinearSite.Operand.B, 1, w);
    } else if (n.isConst(0)) {
      Tensor a = n.consts()[0];
      Tensor w = a.rank() == 1 ? a.reshape(1, a.dim(0)) : a;
      site = new LinearSite(n.name(), "MatMul", idx, w.dim(-1), LinearSite.Operand.A, 0, w);
    } else {
      site = new LinearSite(n.name(), "MatMul", idx, -1, LinearSite.Operand.NONE, -1, null);
    }
    return new Built(new MatMul(idx, site.weightOperand()), new DType[] {DType.FLOAT}, site);
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor a = in[0];
    Tensor b = in[1];
    if (a.rank() == 0 || b.rank() == 0) {
      throw new OpError("MatMul operands must have rank >= 1");
    }
    int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
    int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
    int m = as[as.length - 2];
    int k = as[as.length - 1];
    int n = bs[bs.length - 1];
    if (bs[bs.length - 2] != k) {
      throw new OpError("inner dimensions differ: " + a + " x " + b);
    }
    int[] aBatch = Arrays.copyOf(as, as.length - 2);
    int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
    int[] batch = Shapes.broadcast(aBatch, bBatch);
    int[] outShape = Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    float[] out = new float[Tensor.size(outShape)];
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] aa =
        weight == LinearSite.Operand.A
            ? a.floats()
            : kernel.activations(LinearSite.Operand.A, a.floats());
    float[] ba =
        weight == LinearSite.Operand.B
            ? b.floats()
            : kernel.activations(LinearSite.Operand.B, b.floats());
    if (out.length > 0 && k > 0) {
      if (bBatch.length == 0) {
        // [..., M, K] x [K, N]: one product over all rows
        int rows = Tensor.size(aBatch) * m;
        if (Arrays.equals(batch, aBatch)) {
          kernel.multiply(aa, 0, ba, 0, out, 0, rows, k, n);
        } else {
          pairs(kernel, aa, ba, out, batch, aBatch, bBatch, m, k, n);
        }
      } else {
        pairs(kernel, aa, ba, out, batch, aBatch, bBatch, m, k, n);
      }
    }
    int[] finalShape = outShape;
    if (a.rank() == 1 || b.rank() == 1) {
      int[] s = new int[batch.length + (a.rank() == 1 ? 0 : 1) + (b.rank() == 1 ? 0 : 1)];
      System.arraycopy(batch, 0, s, 0, batch.length);
      int p = batch.length;
      if (a.rank() != 1) {
        s[p++] = m;
      }
      if (b.rank() != 1) {
        s[p] = n;
      }
      finalShape = s;
    }
    return new Tensor[] {Tensor.of(out, finalShape)};
  }

  private static void pairs(
      LinearKernel kernel,
      float[] aa,
      float[] ba,
      float[] out,
      int[] batch,
      int[] aBatch,
      int[] bBatch,
      int m,
      int k,
      int n) {
    int count = Tensor.size(batch);
    int[] sa = Shapes.broadcastStrides(aBatch, batch);
    int[] sb = Shapes.broadcastStrides(bBatch, batch);
    int[] idx = new int[batch.length];
    for (int t = 0; t < count; t++) {
      int ai = 0;
      int bi = 0;
      for (int d = 0; d < batch.length; d++) {
        ai += idx[d] * sa[d];
        bi += idx[d] * sb[d];
      }
      kernel.multiply(aa, ai * m * k, ba, bi * k * n, out, t * m * n, m, k, n);
      for (int d = batch.length - 1; d >= 0; d--) {
        if (++idx[d] < batch[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
  }
}
