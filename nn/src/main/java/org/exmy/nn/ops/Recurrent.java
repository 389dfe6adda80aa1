package org.exmy.nn.ops;

import java.util.Arrays;
import org.exmy.nn.DType;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Tensor;

/**
 * LSTM and GRU (layout 0, and layout 1 from opset 14: batch first): forward, reverse and
 * bidirectional; bias, sequence_lens, initial_h, initial_c, LSTM peepholes, clip, GRU
 * linear_before_reset; outputs Y, Y_h and (LSTM) Y_c. The activations (f, g and for LSTM h, per
 * direction) may be Sigmoid, Tanh or Relu, without activation_alpha / beta; clip bounds every
 * gate's input, not the LSTM cell output that h() is applied to (as ONNX Runtime 1.20 computes it).
 *
 * <p>Two linear sites per node, both with the weight as operand A: the input product (site {@code
 * linearIndex}: A = W as {@code [dirs*gates*H][I]}, B = X transposed {@code [I][seq*batch]}, one
 * call per direction) and the recurrent product (site {@code linearIndex + 1}: A = R as {@code
 * [dirs*gates*H][H]}, B = the hidden state transposed {@code [H][batch]}, one call per direction
 * and time step; for GRU with linear_before_reset 0, the z and r rows with the state and the h rows
 * with {@code r * state}). The recurrent site's {@link LinearKernel#activations} sees each step's
 * state (or {@code r * state}) as {@code [batch][H]}.
 */
final class Recurrent implements Op {
  private final boolean lstm;
  private final int hidden;
  private final int dirs;
  private final boolean reverseOnly;
  private final float clip;
  private final boolean lbr;
  private final String[] acts;
  private final int site;
  private final boolean constW;
  private final boolean constR;
  private final int numOutputs;
  private final boolean batchFirst;

  private Recurrent(
      boolean lstm,
      int hidden,
      int dirs,
      boolean reverseOnly,
      float clip,
      boolean lbr,
      String[] acts,
      int site,
      boolean constW,
      boolean constR,
      int numOutputs,
      boolean batchFirst) {
    this.batchFirst = batchFirst;
    this.lstm = lstm;
    this.hidden = hidden;
    this.dirs = dirs;
    this.reverseOnly = reverseOnly;
    this.clip = clip;
    this.lbr = lbr;
    this.acts = acts;
    this.site = site;
    this.constW = constW;
    this.constR = constR;
    this.numOutputs = numOutputs;
  }

  static Built build(NodeSpec n) {
    boolean lstm = n.opType().equals("LSTM");
    Attrs at = n.attrs();
    if (lstm) {
      at.allow(
          "activation_alpha",
          "activation_beta",
          "activations",
          "clip",
          "direction",
          "hidden_size",
          "input_forget",
          "layout");
      n.arity(3, 8, 0, 3);
      if (at.i("input_forget", 0) != 0) {
        throw new OpError("unsupported input_forget " + at.i("input_forget", 0));
      }
    } else {
      at.allow(
          "activation_alpha",
          "activation_beta",
          "activations",
          "clip",
          "direction",
          "hidden_size",
          "layout",
          "linear_before_reset");
      n.arity(3, 6, 0, 2);
    }
    long layout = at.i("layout", 0);
    if (layout != 0 && (layout != 1 || n.opset() < 14)) {
      throw new OpError("unsupported layout " + layout);
    }
    if (at.has("activation_alpha") || at.has("activation_beta")) {
      throw new OpError("unsupported attribute activation_alpha / activation_beta");
    }
    String dir = at.s("direction", "forward");
    int dirs;
    switch (dir) {
      case "forward", "reverse" -> dirs = 1;
      case "bidirectional" -> dirs = 2;
      default -> throw new OpError("unsupported direction '" + dir + "'");
    }
    if (!at.has("hidden_size")) {
      throw new OpError("attribute 'hidden_size' is required");
    }
    long hs = at.i("hidden_size", 0);
    if (hs < 1 || hs > 1 << 20) {
      throw new OpError("hidden_size " + hs + " out of range");
    }
    int h = (int) hs;
    int per = lstm ? 3 : 2;
    String[] acts = new String[per * dirs];
    String[] def =
        lstm ? new String[] {"Sigmoid", "Tanh", "Tanh"} : new String[] {"Sigmoid", "Tanh"};
    String[] given = at.strings("activations");
    if (given != null && given.length != acts.length) {
      throw new OpError("activations has " + given.length + " values, needs " + acts.length);
    }
    for (int i = 0; i < acts.length; i++) {
      acts[i] = given != null ? given[i] : def[i % per];
      if (!acts[i].equals("Sigmoid") && !acts[i].equals("Tanh") && !acts[i].equals("Relu")) {
        throw new OpError("unsupported activation '" + acts[i] + "'");
      }
    }
    float clip = at.has("clip") ? at.f("clip", 0) : Float.POSITIVE_INFINITY;
    if (!(clip > 0)) {
      throw new OpError("clip must be positive, is " + clip);
    }
    boolean lbr = !lstm && at.i("linear_before_reset", 0) != 0;
    for (int i = 0; i < n.inTypes().length; i++) {
      if (i == 4) {
        n.requireInt(4);
      } else {
        n.requireFloat(i);
      }
    }
    int gates = lstm ? 4 : 3;
    int idx = n.linearIndex();
    LinearSite sw;
    LinearSite sr;
    String op = n.opType();
    if (n.isConst(1)) {
      Tensor w = n.consts()[1];
      check(w, dirs, gates * h, -1, "W");
      sw =
          new LinearSite(
              n.name(),
              op,
              idx,
              w.dim(2),
              LinearSite.Operand.A,
              0,
              w.reshape(dirs * gates * h, w.dim(2)));
    } else {
      sw = new LinearSite(n.name(), op, idx, -1, LinearSite.Operand.NONE, -1, null);
    }
    if (n.isConst(2)) {
      Tensor r = n.consts()[2];
      check(r, dirs, gates * h, h, "R");
      sr =
          new LinearSite(
              n.name(), op, idx + 1, h, LinearSite.Operand.A, 0, r.reshape(dirs * gates * h, h));
    } else {
      sr = new LinearSite(n.name(), op, idx + 1, -1, LinearSite.Operand.NONE, -1, null);
    }
    DType[] outs = new DType[n.numOutputs()];
    Arrays.fill(outs, DType.FLOAT);
    Recurrent rec =
        new Recurrent(
            lstm,
            h,
            dirs,
            dir.equals("reverse"),
            clip,
            lbr,
            acts,
            idx,
            n.isConst(1),
            n.isConst(2),
            n.numOutputs(),
            layout == 1);
    return new Built(rec, outs, java.util.List.of(sw, sr));
  }

  private static void check(Tensor t, int d0, int d1, int d2, String what) {
    if (t.rank() != 3 || t.dim(0) != d0 || t.dim(1) != d1 || (d2 >= 0 && t.dim(2) != d2)) {
      throw new OpError(
          what
              + " "
              + t
              + " does not match ["
              + d0
              + ", "
              + d1
              + ", "
              + (d2 >= 0 ? String.valueOf(d2) : "input_size")
              + "]");
    }
  }

  /** Activation {@code name} of a gate's input, clipped to {@code [-clip, clip]} first. */
  private double act(String name, double v) {
    return fn(name, Math.max(-clip, Math.min(clip, v)));
  }

  private static double fn(String name, double v) {
    return switch (name) {
      case "Sigmoid" -> 1 / (1 + Math.exp(-v));
      case "Tanh" -> MathFns.tanh(v);
      default -> Math.max(0, v);
    };
  }

  private static Tensor opt(Tensor[] in, int i) {
    return i < in.length ? in[i] : null;
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    if (!batchFirst) {
      return runSeqFirst(in, cx);
    }
    // layout 1: X [batch, seq, input], initial states [batch, dirs, hidden]; Y [batch, seq, dirs,
    // hidden], Y_h / Y_c [batch, dirs, hidden]: the layout-0 computation between transpositions
    Tensor[] t = in.clone();
    int[] swap = {1, 0, 2};
    if (t[0].rank() != 3) {
      throw new OpError("X must be [batch_size, seq_length, input_size] (layout 1), is " + t[0]);
    }
    t[0] = Einsum.permute(t[0], swap);
    for (int i : new int[] {5, 6}) {
      if (i < t.length && t[i] != null && (i == 5 || lstm) && t[i].rank() == 3) {
        t[i] = Einsum.permute(t[i], swap);
      }
    }
    Tensor[] out = runSeqFirst(t, cx);
    for (int i = 0; i < out.length; i++) {
      if (out[i] != null) {
        out[i] = Einsum.permute(out[i], i == 0 ? new int[] {2, 0, 1, 3} : swap);
      }
    }
    return out;
  }

  private Tensor[] runSeqFirst(Tensor[] in, ExecContext cx) {
    Tensor x = in[0];
    if (x.rank() != 3) {
      throw new OpError("X must be [seq_length, batch_size, input_size], is " + x);
    }
    int seq = x.dim(0);
    int batch = x.dim(1);
    int isz = x.dim(2);
    int h = hidden;
    int gates = lstm ? 4 : 3;
    int gh = gates * h;
    check(in[1], dirs, gh, isz, "W");
    check(in[2], dirs, gh, h, "R");
    Tensor bias = opt(in, 3);
    if (bias != null && (bias.rank() != 2 || bias.dim(0) != dirs || bias.dim(1) != 2 * gh)) {
      throw new OpError("B " + bias + " does not match [" + dirs + ", " + 2 * gh + "]");
    }
    Tensor lens = opt(in, 4);
    int[] len = new int[batch];
    Arrays.fill(len, seq);
    if (lens != null) {
      if (lens.size() != batch) {
        throw new OpError("sequence_lens " + lens + " does not have " + batch + " values");
      }
      for (int b = 0; b < batch; b++) {
        long v = lens.longs()[b];
        if (v < 0 || v > seq) {
          throw new OpError("sequence_lens value " + v + " out of range 0.." + seq);
        }
        len[b] = (int) v;
      }
    }
    Tensor h0 = opt(in, 5);
    Tensor c0 = lstm ? opt(in, 6) : null;
    Tensor peep = lstm ? opt(in, 7) : null;
    for (Tensor s : new Tensor[] {h0, c0}) {
      if (s != null && (s.rank() != 3 || s.dim(0) != dirs || s.dim(1) != batch || s.dim(2) != h)) {
        throw new OpError(
            "initial state " + s + " does not match [" + dirs + ", " + batch + ", " + h + "]");
      }
    }
    if (peep != null && (peep.rank() != 2 || peep.dim(0) != dirs || peep.dim(1) != 3 * h)) {
      throw new OpError("P " + peep + " does not match [" + dirs + ", " + 3 * h + "]");
    }
    LinearKernel kw = cx.kernel(site);
    LinearKernel kr = cx.kernel(site + 1);
    float[] xa = kw.activations(LinearSite.Operand.B, x.floats());
    float[] wa = constW ? in[1].floats() : kw.activations(LinearSite.Operand.A, in[1].floats());
    float[] ra = constR ? in[2].floats() : kr.activations(LinearSite.Operand.A, in[2].floats());
    int cols = seq * batch;
    float[] xt = new float[isz * cols];
    Mats.transpose(xa, cols, isz, xt);
    float[] y = new float[seq * dirs * batch * h];
    float[] yh = new float[dirs * batch * h];
    float[] yc = new float[dirs * batch * h];
    float[] xp = new float[gh * cols];
    float[] hp = new float[gh * batch];
    float[] ht = new float[h * batch];
    for (int d = 0; d < dirs; d++) {
      boolean rev = reverseOnly || d == 1;
      if (cols > 0 && isz > 0) {
        kw.multiply(wa, d * gh * isz, xt, 0, xp, 0, gh, isz, cols);
      } else {
        Arrays.fill(xp, 0f);
      }
      float[] hs = new float[batch * h];
      float[] cs = new float[batch * h];
      if (h0 != null) {
        System.arraycopy(h0.floats(), d * batch * h, hs, 0, batch * h);
      }
      if (c0 != null) {
        System.arraycopy(c0.floats(), d * batch * h, cs, 0, batch * h);
      }
      float[] wb = new float[gh];
      float[] rb = new float[gh];
      if (bias != null) {
        System.arraycopy(bias.floats(), d * 2 * gh, wb, 0, gh);
        System.arraycopy(bias.floats(), d * 2 * gh + gh, rb, 0, gh);
      }
      float[] p = new float[3 * h];
      if (peep != null) {
        System.arraycopy(peep.floats(), d * 3 * h, p, 0, 3 * h);
      }
      String fAct = acts[d * (lstm ? 3 : 2)];
      String gAct = acts[d * (lstm ? 3 : 2) + 1];
      String hAct = lstm ? acts[d * 3 + 2] : null;
      for (int step = 0; step < seq; step++) {
        int t = rev ? seq - 1 - step : step;
        recurrent(kr, ra, d * gh * h, hs, 0, lstm || lbr ? gh : 2 * h, batch, ht, hp, 0);
        float[] newH = hs.clone();
        if (!lstm && !lbr) {
          // h gate: R_h * (r .* H), r from the z/r rows just computed
          float[] rh = new float[batch * h];
          for (int b = 0; b < batch; b++) {
            for (int j = 0; j < h; j++) {
              double r =
                  act(
                      fAct,
                      xp[(h + j) * cols + t * batch + b]
                          + wb[h + j]
                          + rb[h + j]
                          + hp[(h + j) * batch + b]);
              rh[b * h + j] = (float) (r * hs[b * h + j]);
            }
          }
          recurrent(kr, ra, d * gh * h + 2 * h * h, rh, 0, h, batch, ht, hp, 2 * h * batch);
        }
        for (int b = 0; b < batch; b++) {
          if (t >= len[b]) {
            continue;
          }
          int col = t * batch + b;
          for (int j = 0; j < h; j++) {
            int s = b * h + j;
            if (lstm) {
              double gi = xp[j * cols + col] + wb[j] + rb[j] + hp[j * batch + b];
              double go =
                  xp[(h + j) * cols + col] + wb[h + j] + rb[h + j] + hp[(h + j) * batch + b];
              double gf =
                  xp[(2 * h + j) * cols + col]
                      + wb[2 * h + j]
                      + rb[2 * h + j]
                      + hp[(2 * h + j) * batch + b];
              double gc =
                  xp[(3 * h + j) * cols + col]
                      + wb[3 * h + j]
                      + rb[3 * h + j]
                      + hp[(3 * h + j) * batch + b];
              double cPrev = cs[s];
              double i = act(fAct, gi + p[j] * cPrev);
              double f = act(fAct, gf + p[2 * h + j] * cPrev);
              double c = act(gAct, gc);
              double cNew = (float) (f * cPrev + i * c);
              double o = act(fAct, go + p[h + j] * cNew);
              cs[s] = (float) cNew;
              newH[s] = (float) (o * fn(hAct, cNew)); // the cell output is not clipped
            } else {
              double z = act(fAct, xp[j * cols + col] + wb[j] + rb[j] + hp[j * batch + b]);
              double r =
                  act(
                      fAct,
                      xp[(h + j) * cols + col] + wb[h + j] + rb[h + j] + hp[(h + j) * batch + b]);
              double hh;
              if (lbr) {
                hh =
                    act(
                        gAct,
                        xp[(2 * h + j) * cols + col]
                            + wb[2 * h + j]
                            + r * (hp[(2 * h + j) * batch + b] + rb[2 * h + j]));
              } else {
                hh =
                    act(
                        gAct,
                        xp[(2 * h + j) * cols + col]
                            + wb[2 * h + j]
                            + rb[2 * h + j]
                            + hp[(2 * h + j) * batch + b]);
              }
              newH[s] = (float) ((1 - z) * hh + z * hs[s]);
            }
          }
          System.arraycopy(newH, b * h, y, ((t * dirs + d) * batch + b) * h, h);
        }
        for (int b = 0; b < batch; b++) {
          if (t < len[b]) {
            System.arraycopy(newH, b * h, hs, b * h, h);
          }
        }
      }
      System.arraycopy(hs, 0, yh, d * batch * h, batch * h);
      System.arraycopy(cs, 0, yc, d * batch * h, batch * h);
    }
    Tensor[] all = {
      Tensor.of(y, seq, dirs, batch, h),
      Tensor.of(yh, dirs, batch, h),
      Tensor.of(yc, dirs, batch, h)
    };
    return Arrays.copyOf(all, numOutputs);
  }

  /**
   * {@code hp[hpOff..] = R[rows of this call] * state^T} through the recurrent site's kernel
   * ({@code m} rows from {@code aOff}; the state {@code [batch][H]} is first seen by the kernel's
   * activation hook, then transposed into {@code ht}).
   */
  private void recurrent(
      LinearKernel kr,
      float[] ra,
      int aOff,
      float[] state,
      int unused,
      int m,
      int batch,
      float[] ht,
      float[] hp,
      int hpOff) {
    int h = hidden;
    if (batch == 0) {
      return;
    }
    float[] s = kr.activations(LinearSite.Operand.B, state);
    Mats.transpose(s, batch, h, ht);
    kr.multiply(ra, aOff, ht, 0, hp, hpOff, m, h, batch);
  }
}
