package org.exmy.mac;

import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;
import org.exmy.simulator.Accumulator;
import org.exmy.simulator.Pipeline;

/**
 * The accumulate step: the exact (Kulisch) register and the sticky NaN / inf flags. Hardware twin
 * of {@link Accumulator} (which register: {@link KulischAccumulatorUnit}, {@link
 * FixedAccumulatorUnit}, {@link FloatAccumulatorUnit}) and of the flags of {@link
 * org.exmy.simulator.MacModel}.
 */
final class AccumulatorUnit {
  private AccumulatorUnit() {}

  /**
   * A register's input at its own width, as the chunked exact register and the fixed-point register
   * ({@link FixedAccumulatorUnit}) take it: restart the sum, the addend (already 0 when nothing is
   * to be added), a carry-in completing a ones' complement addend (or null), and the flag sets
   * (null when the formats have no such flag).
   */
  record Input(Expr clear, Expr addend, Expr carryIn, Expr nanSet, Expr posInfSet, Expr negInfSet) {
    /** The same input one cycle later, through registers named {@code <prefix>_<field>}. */
    Input register(Component c, String prefix, String comment) {
      return new Input(
          Stages.reg(c, prefix + "_clear", clear, comment),
          Stages.reg(c, prefix + "_addend", addend, null),
          Stages.regOrNull(c, prefix + "_cin", carryIn),
          Stages.regOrNull(c, prefix + "_nan_set", nanSet),
          Stages.regOrNull(c, prefix + "_posInf_set", posInfSet),
          Stages.regOrNull(c, prefix + "_negInf_set", negInfSet));
    }
  }

  /**
   * What reaches the exact accumulator in one cycle: restart the sum ({@code clear}), add this
   * cycle ({@code use}), the term, and the flag sets (null when the formats have no such flag). The
   * term is either a placed product in ones' complement ({@code onesComplement}: its bits above its
   * width are all {@code neg}, and {@code neg} is the +1 that completes it), or a two's complement
   * value narrower than the register, with {@code neg} a carry-in (or null).
   */
  record Term(
      Expr clear,
      Expr use,
      Expr term,
      Expr neg,
      boolean onesComplement,
      Expr nanSet,
      Expr posInfSet,
      Expr negInfSet) {
    /** The same one cycle later, through registers named {@code <prefix>_<field>}. */
    Term register(Component c, String prefix, String comment) {
      return new Term(
          Stages.reg(c, prefix + "_clear", clear, comment),
          Stages.reg(c, prefix + "_use", use, null),
          Stages.reg(c, prefix + "_term", term, null),
          Stages.regOrNull(c, prefix + "_neg", neg),
          onesComplement,
          Stages.regOrNull(c, prefix + "_nan_set", nanSet),
          Stages.regOrNull(c, prefix + "_posInf_set", posInfSet),
          Stages.regOrNull(c, prefix + "_negInf_set", negInfSet));
    }
  }

  /**
   * Builds the register (whole: {@link KulischAccumulatorUnit}; or in chunks of {@code chunkBits}
   * with registered carries and a resolve register) and the flags, and drives {@code io_acc} and
   * the flag outputs.
   */
  static void build(Component c, Term in, int width, Pipeline pipeline) {
    boolean resolveCycle = pipeline.chunks(width);
    Signal acc;
    if (resolveCycle) {
      acc = chunked(c, in, width, pipeline.chunkBits());
    } else if (in.onesComplement()) {
      acc =
          KulischAccumulatorUnit.addOnesComplement(
              c, in.clear(), in.use(), in.term(), in.neg(), width);
    } else {
      acc = KulischAccumulatorUnit.addSigned(c, in.clear(), in.use(), in.term(), in.neg(), width);
    }
    List<Signal> flags = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (in.nanSet() != null) {
      flags.add(stickyFlag(c, "nan", in.clear(), in.nanSet()));
      names.add("nan");
    }
    if (in.posInfSet() != null) {
      flags.add(stickyFlag(c, "posInf", in.clear(), in.posInfSet()));
      names.add("posInf");
      flags.add(stickyFlag(c, "negInf", in.clear(), in.negInfSet()));
      names.add("negInf");
    }
    c.output("acc", acc);
    for (int i = 0; i < flags.size(); i++) {
      Signal f = flags.get(i);
      c.output(
          names.get(i),
          resolveCycle
              ? Stages.reg(
                  c, "res_" + names.get(i), f, i == 0 ? "flags wait for the resolve cycle" : null)
              : f);
    }
  }

  /** The term at the register's width, 0 when not used, and its carry-in (or null). */
  private static Input widened(Component c, Term in, int w) {
    Expr t = in.term();
    Expr full;
    if (in.onesComplement()) {
      full = t.width() >= w ? t.resize(w) : Hdl.cat(in.neg().sext(w - t.width()), t);
    } else {
      full = AdderTree.fit(t, w);
    }
    Signal addend =
        c.wire(
            "acc_addend",
            mux(in.use(), full, zero(w)),
            "the term at the register's width, 0 when not added");
    Signal cin =
        in.neg() == null
            ? null
            : c.wire(
                "acc_addend_cin",
                in.use().and(in.neg()),
                in.onesComplement() ? "+1 completing the two's complement" : null);
    return new Input(in.clear(), addend, cin, null, null, null);
  }

  /**
   * The register as chunks of {@code b} bits: chunk i adds its slice of the addend and the carry
   * chunk i-1 produced in the previous cycle (chunk 0 takes the addend's carry-in); each chunk's
   * carry out is registered for the next cycle, the top chunk's is dropped (wrap). The sum is
   * {@code sum chunk_i 2^(i b) + sum carry_i 2^((i+1) b)}, which a resolve register adds up one
   * cycle later: the loop has a b-bit carry chain, the resolve a w-bit one outside the loop.
   */
  private static Signal chunked(Component c, Term term, int w, int b) {
    Input in = widened(c, term, w);
    int n = (w + b - 1) / b;
    List<Signal> chunks = new ArrayList<>();
    List<Signal> carries = new ArrayList<>();
    Signal prevCarry = null;
    for (int i = 0; i < n; i++) {
      int lo = i * b;
      int hi = Math.min(w, lo + b) - 1;
      int cw = hi - lo + 1;
      Reg chunk =
          c.reg("acc_c" + i, cw)
              .comment(
                  i == 0
                      ? "exact accumulator in "
                          + n
                          + " chunks of "
                          + b
                          + " bits; carries between chunks wait a cycle"
                      : null);
      Expr slice = in.addend().slice(hi, lo);
      Expr cin = i == 0 ? in.carryIn() : mux(in.clear(), zero(1), prevCarry);
      int sw = i < n - 1 ? cw + 1 : cw; // the top chunk drops its carry: the register wraps
      Expr sum = mux(in.clear(), zero(cw), chunk.q()).zext(sw).add(slice.zext(sw));
      if (cin != null) {
        sum = sum.add(cin.zext(sw));
      }
      Signal s = c.wire("acc_c" + i + "_sum", sum);
      chunk.next(s.slice(cw - 1, 0));
      chunks.add(chunk.q());
      if (i < n - 1) {
        prevCarry = Stages.reg(c, "acc_cy" + i, s.msb(), null);
        carries.add(prevCarry);
      }
    }
    // resolve: the chunks side by side plus the pending carries at their chunk boundaries
    List<Expr> chunkParts = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) chunkParts.add(chunks.get(i));
    List<Expr> carryParts = new ArrayList<>();
    int topWidth = w - (n - 1) * b;
    if (topWidth > 1) {
      carryParts.add(zero(topWidth - 1));
    }
    for (int i = n - 2; i >= 0; i--) {
      carryParts.add(carries.get(i));
      carryParts.add(zero(b - 1));
    }
    carryParts.add(zero(1));
    Signal pending =
        c.wire(
            "acc_pending",
            Hdl.cat(carryParts.toArray(new Expr[0])),
            "carries not yet added, at the chunk boundaries");
    Expr total = Hdl.cat(chunkParts.toArray(new Expr[0])).add(pending);
    return Stages.reg(c, "acc_resolved", total, "resolve cycle: chunks plus pending carries");
  }

  static Signal stickyFlag(Component c, String name, Expr clear, Expr set) {
    Reg r = c.reg("flag_" + name, 1).comment("sticky " + name + " flag since the last clear");
    r.next(mux(clear, zero(1), r.q()).or(set));
    return r.q();
  }
}
