package org.exmy.nn.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * Einsum of two operands in matrix-product form: every index appears once per operand; an index in
 * both operands and the output is a batch index (and the ellipsis, broadcast as MatMul broadcasts),
 * in both operands only a contracted index, in one operand and the output a free index. Each
 * operand is permuted to {@code [batch][free][contracted]} (A) and {@code
 * [batch][contracted][free]} (B), the products go through the node's {@link LinearKernel} as
 * MatMul's do ({@code M} = A's free size, {@code K} = contracted size, {@code N} = B's free size),
 * and the result is permuted to the output's order. Any other equation (one or three operands,
 * diagonals, sums within an operand, implicit output) runs on {@link GeneralEinsum}, in float32.
 */
final class Einsum implements Op {
  /** Index letter standing for the ellipsis dimensions. */
  private static final char ELL = '.';

  private final String eq;
  private final String ta;
  private final String tb;
  private final String to;
  private final int siteIndex;
  private final Tensor weight;
  private final LinearSite.Operand weightOperand;

  private Einsum(String eq, String[] terms, int siteIndex, Tensor weight, LinearSite.Operand w) {
    this.eq = eq;
    this.ta = terms[0];
    this.tb = terms[1];
    this.to = terms[2];
    this.siteIndex = siteIndex;
    this.weight = weight;
    this.weightOperand = w;
  }

  static Built build(NodeSpec n) {
    n.attrs().allow("equation");
    String eq = n.attrs().s("equation", null);
    if (eq == null) {
      throw new OpError("attribute 'equation' is required");
    }
    n.arity(1, Integer.MAX_VALUE, 1, 1);
    for (int i = 0; i < n.inTypes().length; i++) {
      n.requireFloat(i);
    }
    int idx = n.linearIndex();
    String[] t;
    try {
      t = n.inTypes().length == 2 ? parse(eq) : null;
    } catch (OpError notMatMul) {
      t = null;
    }
    if (t == null) {
      // not a matrix product: the general path, in float32 (its site is never called)
      GeneralEinsum g = GeneralEinsum.parse(eq, n.inTypes().length);
      return new Built(
          g,
          new DType[] {DType.FLOAT},
          new LinearSite(n.name(), "Einsum", idx, -1, LinearSite.Operand.NONE, -1, null));
    }
    Einsum probe = new Einsum(eq, t, idx, null, LinearSite.Operand.NONE);
    LinearSite site;
    Tensor w = null;
    LinearSite.Operand wo = LinearSite.Operand.NONE;
    if (n.isConst(1) && !t[1].contains(".")) {
      Tensor b = n.consts()[1];
      w = probe.operand(b, false, null);
      wo = LinearSite.Operand.B;
      site = new LinearSite(n.name(), "Einsum", idx, w.dim(-2), wo, 1, w);
    } else if (n.isConst(0) && !t[0].contains(".")) {
      Tensor a = n.consts()[0];
      w = probe.operand(a, true, null);
      wo = LinearSite.Operand.A;
      site = new LinearSite(n.name(), "Einsum", idx, w.dim(-1), wo, 0, w);
    } else {
      site = new LinearSite(n.name(), "Einsum", idx, -1, LinearSite.Operand.NONE, -1, null);
    }
    return new Built(new Einsum(eq, t, idx, w, wo), new DType[] {DType.FLOAT}, site);
  }

  /** The two input terms and the output term, with "..." as one {@link #ELL} letter. */
  private static String[] parse(String eq) {
    String e = eq.replace(" ", "");
    String bad = "equation '" + eq + "' not supported (not a two-operand matrix product)";
    int arrow = e.indexOf("->");
    if (arrow < 0) {
      throw new OpError(bad + " (no explicit output)");
    }
    String[] ins = e.substring(0, arrow).split(",", -1);
    if (ins.length != 2) {
      throw new OpError(bad);
    }
    String[] t = {ins[0], ins[1], e.substring(arrow + 2)};
    for (int i = 0; i < 3; i++) {
      t[i] = t[i].replace("...", String.valueOf(ELL));
      for (int j = 0; j < t[i].length(); j++) {
        char ch = t[i].charAt(j);
        if (ch != ELL && !Character.isLetter(ch)) {
          throw new OpError(bad);
        }
        if (t[i].indexOf(ch) != j) {
          throw new OpError(bad + " (repeated index '" + ch + "')");
        }
      }
    }
    for (char ch : t[2].toCharArray()) {
      if (t[0].indexOf(ch) < 0 && t[1].indexOf(ch) < 0) {
        throw new OpError(bad + " (output index '" + ch + "' not in an input)");
      }
    }
    for (int i = 0; i < 2; i++) {
      for (char ch : t[i].toCharArray()) {
        if (t[2].indexOf(ch) < 0 && t[1 - i].indexOf(ch) < 0) {
          throw new OpError(bad + " (index '" + ch + "' is summed within one operand)");
        }
        if (ch == ELL && (t[2].indexOf(ch) < 0 || t[1 - i].indexOf(ch) < 0)) {
          throw new OpError(bad + " (the ellipsis must be in both operands and the output)");
        }
      }
    }
    return t;
  }

  private String batch() {
    StringBuilder s = new StringBuilder();
    for (char ch : to.toCharArray()) {
      if (ta.indexOf(ch) >= 0 && tb.indexOf(ch) >= 0) {
        s.append(ch);
      }
    }
    return s.toString();
  }

  private String contracted() {
    StringBuilder s = new StringBuilder();
    for (char ch : ta.toCharArray()) {
      if (tb.indexOf(ch) >= 0 && to.indexOf(ch) < 0) {
        s.append(ch);
      }
    }
    return s.toString();
  }

  private String free(String term) {
    StringBuilder s = new StringBuilder();
    for (char ch : to.toCharArray()) {
      if (term.indexOf(ch) >= 0 && (term == ta ? tb : ta).indexOf(ch) < 0) {
        s.append(ch);
      }
    }
    return s.toString();
  }

  /**
   * Operand {@code x} permuted to {@code [batch][free][contr]} (A) or {@code [batch][contr][free]}
   * (B) and reshaped to rank 2 (no batch) or 3. {@code ell} gives the ellipsis dims, or null.
   */
  private Tensor operand(Tensor x, boolean isA, int[] ell) {
    String term = isA ? ta : tb;
    int[] xs = x.shape();
    int ellRank = xs.length - (term.length() - (term.indexOf(ELL) >= 0 ? 1 : 0));
    if (ellRank < 0 || (term.indexOf(ELL) < 0 && ellRank != 0)) {
      throw new OpError("operand " + x + " does not match '" + term + "' in '" + eq + "'");
    }
    // axis list of each letter
    List<int[]> axesOf = new ArrayList<>();
    int pos = 0;
    for (char ch : term.toCharArray()) {
      int len = ch == ELL ? ellRank : 1;
      int[] ax = new int[len];
      for (int i = 0; i < len; i++) {
        ax[i] = pos++;
      }
      axesOf.add(ax);
    }
    String bt = batch();
    String ct = contracted();
    String ft = free(term);
    String order = isA ? bt + ft + ct : bt + ct + ft;
    int[] perm = new int[xs.length];
    int p = 0;
    int bSize = 1;
    int fSize = 1;
    int cSize = 1;
    for (char ch : order.toCharArray()) {
      for (int a : axesOf.get(term.indexOf(ch))) {
        perm[p++] = a;
        if (bt.indexOf(ch) >= 0) {
          bSize *= xs[a];
        } else if (ct.indexOf(ch) >= 0) {
          cSize *= xs[a];
        } else {
          fSize *= xs[a];
        }
      }
    }
    Tensor t = permute(x, perm);
    if (bt.isEmpty()) {
      return isA ? t.reshape(fSize, cSize) : t.reshape(cSize, fSize);
    }
    return isA ? t.reshape(bSize, fSize, cSize) : t.reshape(bSize, cSize, fSize);
  }

  /**
   * {@code x} with its axes permuted: output axis i is input axis {@code perm[i]} (float tensors).
   */
  static Tensor permute(Tensor x, int[] perm) {
    int r = perm.length;
    boolean id = true;
    for (int i = 0; i < r; i++) {
      id &= perm[i] == i;
    }
    if (id) {
      return x;
    }
    int[] xs = x.shape();
    int[] st = Shapes.strides(xs);
    int[] os = new int[r];
    int[] ps = new int[r];
    for (int i = 0; i < r; i++) {
      os[i] = xs[perm[i]];
      ps[i] = st[perm[i]];
    }
    float[] xa = x.floats();
    float[] out = new float[xa.length];
    int[] idx = new int[r];
    int src = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = xa[src];
      for (int d = r - 1; d >= 0; d--) {
        src += ps[d];
        if (++idx[d] < os[d]) {
          break;
        }
        src -= ps[d] * os[d];
        idx[d] = 0;
      }
    }
    return Tensor.of(out, os);
  }

  /** Size of each output letter (the ellipsis as its broadcast dims). */
  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor a = in[0];
    Tensor b = in[1];
    LinearKernel kernel = cx.kernel(siteIndex);
    float[] av =
        weightOperand == LinearSite.Operand.A
            ? a.floats()
            : kernel.activations(LinearSite.Operand.A, a.floats());
    float[] bv =
        weightOperand == LinearSite.Operand.B
            ? b.floats()
            : kernel.activations(LinearSite.Operand.B, b.floats());
    Tensor a0 = Tensor.of(av, a.shape());
    Tensor b0 = Tensor.of(bv, b.shape());
    // letter sizes, checking agreement
    int[] sizes = new int[128];
    Arrays.fill(sizes, -1);
    int[][] ell = new int[2][];
    Tensor[] ops = {a0, b0};
    String[] terms = {ta, tb};
    for (int o = 0; o < 2; o++) {
      int[] s = ops[o].shape();
      String term = terms[o];
      int ellRank = s.length - (term.length() - (term.indexOf(ELL) >= 0 ? 1 : 0));
      if (ellRank < 0 || (term.indexOf(ELL) < 0 && ellRank != 0)) {
        throw new OpError("operand " + ops[o] + " does not match '" + term + "' in '" + eq + "'");
      }
      int pos = 0;
      for (char ch : term.toCharArray()) {
        if (ch == ELL) {
          ell[o] = Arrays.copyOfRange(s, pos, pos + ellRank);
          pos += ellRank;
          continue;
        }
        int d = s[pos++];
        if (sizes[ch] >= 0 && sizes[ch] != d) {
          throw new OpError(
              "index '" + ch + "' has sizes " + sizes[ch] + " and " + d + " in '" + eq + "'");
        }
        sizes[ch] = d;
      }
    }
    String bt = batch();
    String ct = contracted();
    String fa = free(ta);
    String fb = free(tb);
    int[] ellOut = ell[0] != null ? Shapes.broadcast(ell[0], ell[1]) : new int[0];
    int m = 1;
    int k = 1;
    int n = 1;
    for (char ch : fa.toCharArray()) {
      m *= sizes[ch];
    }
    for (char ch : ct.toCharArray()) {
      k *= sizes[ch];
    }
    for (char ch : fb.toCharArray()) {
      n *= sizes[ch];
    }
    Tensor pa = weightOperand == LinearSite.Operand.A ? weight : operand(a0, true, null);
    Tensor pb = weightOperand == LinearSite.Operand.B ? weight : operand(b0, false, null);
    // batch shapes of each operand: named batch letters then the ellipsis, in output order
    List<Integer> outBatch = new ArrayList<>();
    List<Integer> aBatch = new ArrayList<>();
    List<Integer> bBatch = new ArrayList<>();
    for (char ch : bt.toCharArray()) {
      if (ch == ELL) {
        int off = ellOut.length;
        for (int i = 0; i < off; i++) {
          outBatch.add(ellOut[i]);
          int ia = i - (off - ell[0].length);
          int ib = i - (off - ell[1].length);
          aBatch.add(ia < 0 ? 1 : ell[0][ia]);
          bBatch.add(ib < 0 ? 1 : ell[1][ib]);
        }
      } else {
        outBatch.add(sizes[ch]);
        aBatch.add(sizes[ch]);
        bBatch.add(sizes[ch]);
      }
    }
    int[] ob = outBatch.stream().mapToInt(Integer::intValue).toArray();
    int[] ab = aBatch.stream().mapToInt(Integer::intValue).toArray();
    int[] bb = bBatch.stream().mapToInt(Integer::intValue).toArray();
    int count = Tensor.size(ob);
    float[] c = new float[Tensor.size(new int[] {count, m, n})];
    if (c.length > 0 && k > 0) {
      int[] sa = Shapes.broadcastStrides(ab, ob);
      int[] sb = Shapes.broadcastStrides(bb, ob);
      int[] idx = new int[ob.length];
      for (int t = 0; t < count; t++) {
        int ai = 0;
        int bi = 0;
        for (int d = 0; d < ob.length; d++) {
          ai += idx[d] * sa[d];
          bi += idx[d] * sb[d];
        }
        kernel.multiply(pa.floats(), ai * m * k, pb.floats(), bi * k * n, c, t * m * n, m, k, n);
        for (int d = ob.length - 1; d >= 0; d--) {
          if (++idx[d] < ob[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
    }
    // c is [batch letters..][fa letters..][fb letters..]; permute to the output order
    String have = bt + fa + fb;
    List<Integer> dims = new ArrayList<>();
    List<int[]> axesOf = new ArrayList<>();
    for (char ch : have.toCharArray()) {
      int len = ch == ELL ? ellOut.length : 1;
      int[] ax = new int[len];
      for (int i = 0; i < len; i++) {
        ax[i] = dims.size();
        dims.add(ch == ELL ? ellOut[i] : sizes[ch]);
      }
      axesOf.add(ax);
    }
    int[] cs = dims.stream().mapToInt(Integer::intValue).toArray();
    int[] perm = new int[cs.length];
    int p = 0;
    for (char ch : to.toCharArray()) {
      for (int ax : axesOf.get(have.indexOf(ch))) {
        perm[p++] = ax;
      }
    }
    return new Tensor[] {permute(Tensor.of(c, cs), perm)};
  }
}
