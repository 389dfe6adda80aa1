package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.ones;
import static org.exmy.hdl.Hdl.zero;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;
import org.exmy.mac.AccumulatorUnit.Input;
import org.exmy.simulator.AccumulatorKind;

/**
 * The narrowed fixed-point accumulator ({@link AccumulatorKind.Fixed}): each product rounded to a
 * multiple of {@code 2^lsbExponent} (nearest even, or floor), then added to a {@code width}-bit
 * two's complement register that saturates or wraps. Hardware twin of {@link FixedAccumulator}.
 *
 * <p>The register computes {@code clamp(acc + sum of the rounded products)} (or the sum modulo
 * {@code 2^width}) on the exact sum, however wide the products are: a saturating register first
 * clamps the addend to {@code width + 1} bits, which cannot change the outcome because {@code |acc|
 * <= 2^(width-1)}. Proof: {@code FixedAccumulatorUnitTest} (testbenches).
 */
final class FixedAccumulatorUnit {
  private FixedAccumulatorUnit() {}

  /**
   * A rounded product as {@code addend + carryIn} (the addend in ones' complement when negative).
   */
  record Rounded(Expr addend, Expr carryIn) {}

  /**
   * Rounds {@code neg ? -mag : mag} by {@code drop} bits, where {@code mag = psig << pshift} (the
   * product magnitude in units of {@code 2^productLsb}, {@code magWidth} bits). The sign is applied
   * as a ones' complement plus a carry-in, and the rounding increment folds into that carry-in:
   * {@code +(q + inc) = q + inc} and {@code -(q + inc) = ~q + (1 - inc)}, so no incrementer is
   * needed. Nearest even: {@code inc = guard & (sticky | lsb)} for either sign (it is symmetric).
   * Floor: {@code inc = 0} for a positive product and {@code inc = (remainder != 0)} for a negative
   * one ({@code floor(-x) = -ceil(x)}). The addend is at most {@code maxWidth} bits: a wrapping
   * register keeps only its low {@code width} bits.
   */
  static Rounded roundMagnitude(
      Component c,
      Expr psig,
      Expr pshift,
      int magWidth,
      int productLsb,
      Expr neg,
      int drop,
      boolean nearestEven,
      int maxWidth) {
    if (drop <= 0) {
      Signal mag =
          c.wire("prod_mag", psig.shl(pshift, magWidth), "|a*b| in units of 2^" + productLsb);
      Expr shifted = mag.shl(-drop);
      Signal m =
          c.wire(
              "rnd_q",
              shifted.width() >= maxWidth ? shifted.resize(maxWidth) : shifted,
              "product in units of the register LSB (exact: "
                  + (drop == 0 ? "same quantum" : "shifted left by " + -drop)
                  + (shifted.width() >= maxWidth ? ", modulo 2^" + maxWidth : "")
                  + ")");
      Expr q = m.width() >= maxWidth ? m : m.zext(m.width() + 1);
      return new Rounded(
          c.wire("rnd_addend", mux(neg, q.not(), q), "ones' complement when negative"),
          c.wire("rnd_cin", neg, "+1 completing the two's complement"));
    }
    // only the bits from the guard up are shifted into place; the sticky comes from the
    // significands
    int w = Math.max(magWidth, drop + 1);
    int top = (int) Math.min(w - 1, drop + (long) maxWidth - 1);
    Signal hi =
        c.wire(
            "prod_mag_hi",
            psig.shl(pshift, w).slice(top, drop - 1),
            "|a*b| in units of 2^" + (productLsb + drop - 1) + ": the kept bits and the guard");
    Signal q =
        c.wire("rnd_q", hi.slice(hi.width() - 1, 1), "|product| >> " + drop + " (truncated)");
    Signal guard = c.wire("rnd_guard", hi.bit(0), "first dropped bit (worth half an LSB)");
    Expr sticky = lit(0, 1);
    if (drop >= 2) {
      // bit i of prod_sig lands below the guard when prod_shift < drop - 1 - i
      int sigBits = Math.min(psig.width(), drop - 1);
      Expr[] below = new Expr[sigBits];
      for (int i = 0; i < sigBits; i++) {
        long limit = drop - 1L - i;
        below[sigBits - 1 - i] =
            limit >= (1L << pshift.width()) ? lit(1, 1) : pshift.lt(lit(limit, pshift.width()));
      }
      Signal lost =
          c.wire("rnd_lost", Hdl.cat(below), "significand bits that land below the guard");
      sticky =
          c.wire(
              "rnd_sticky",
              psig.slice(sigBits - 1, 0).and(lost).orReduce(),
              "any dropped bit below the guard");
    }
    Expr qs = q.width() >= maxWidth ? q : q.zext(q.width() + 1);
    Signal addend = c.wire("rnd_addend", mux(neg, qs.not(), qs), "ones' complement when negative");
    Signal cin;
    if (nearestEven) {
      Signal inc =
          c.wire(
              "rnd_up",
              guard.and(sticky.or(q.bit(0))),
              "round to nearest, ties to even: more than half, or exactly half and q odd");
      cin = c.wire("rnd_cin", neg.xor(inc), "+(q + up) = q + up; -(q + up) = ~q + (1 - up)");
    } else {
      Signal inexact = c.wire("rnd_inexact", guard.or(sticky), "dropped bits not all zero");
      cin =
          c.wire(
              "rnd_cin",
              neg.and(inexact.not()),
              "floor: +q = q + 0; -(q + inexact) = ~q + (1 - inexact)");
    }
    return new Rounded(addend, cin);
  }

  /**
   * Rounds the two's complement {@code prod} by {@code drop} bits into a two's complement value of
   * at most {@code maxWidth} bits (modulo 2^maxWidth), wires {@code <p>_...}. Floor is an
   * arithmetic shift (the dropped bits are just not wired); nearest even adds {@code guard &
   * (sticky | lsb)} to it.
   */
  static Signal roundSigned(
      Component c,
      String p,
      Expr prod,
      int drop,
      boolean nearestEven,
      int maxWidth,
      String comment) {
    if (drop <= 0) {
      Expr shifted = prod.shl(-drop);
      return c.wire(
          p + "_rounded",
          shifted.width() > maxWidth ? shifted.resize(maxWidth) : shifted,
          comment == null ? null : comment + " (exact in units of the register LSB)");
    }
    // one more sign bit (at least two above the dropped bits); floor leaves the dropped bits unused
    Expr x = prod.sext(Math.max(prod.width() + 1, drop + 2));
    Expr q = x.slice((int) Math.min(x.width() - 1, drop + (long) maxWidth - 1), drop);
    if (!nearestEven) {
      return c.wire(
          p + "_rounded",
          q,
          comment == null ? null : comment + ": floor = arithmetic shift right by " + drop);
    }
    Expr guard = x.bit(drop - 1);
    Expr sticky = drop >= 2 ? x.slice(drop - 2, 0).orReduce() : lit(0, 1);
    Signal up =
        c.wire(
            p + "_up",
            guard.and(sticky.or(q.bit(0))),
            comment == null
                ? null
                : comment
                    + ": round to nearest even: guard & (sticky | lsb) after a shift right by "
                    + drop);
    return c.wire(p + "_rounded", (q.width() >= maxWidth ? q : q.sext(q.width() + 1)).add(up));
  }

  /**
   * The register and the sticky flags; drives {@code io_acc} and the flag outputs. {@code
   * in.addend()} is a two's complement value of any width ({@code + in.carryIn()} when not null),
   * already 0 when nothing is to be added.
   */
  static void build(Component c, Input in, AccumulatorKind.Fixed kind) {
    int w = kind.width();
    Reg acc =
        c.reg("acc", w)
            .comment(
                "fixed-point accumulator: LSB 2^"
                    + kind.lsbExponent()
                    + ", "
                    + w
                    + " bits, "
                    + (kind.saturate() ? "saturating" : "wrapping"));
    Signal base =
        c.wire("acc_base", mux(in.clear(), zero(w), acc.q()), "io_clear restarts the sum");
    Expr addend = in.addend();
    Expr cin = in.carryIn();
    if (kind.saturate()) {
      Expr a = addend;
      if (a.width() > w + 1) {
        // |acc| <= 2^(w-1): an addend beyond w+1 bits saturates the sum whatever its size
        Signal top =
            c.wire("add_top", a.slice(a.width() - 1, w), "addend bits above the clamp range");
        Signal inRange =
            c.wire(
                "add_in_range",
                top.andReduce().or(top.orReduce().not()),
                "the addend fits " + (w + 1) + " bits (its top bits are all equal)");
        Expr clampValue = mux(a.msb(), cat(lit(1, 1), zero(w)), cat(lit(0, 1), ones(w)));
        a =
            c.wire(
                "add_clamped",
                mux(inRange, a.slice(w, 0), clampValue),
                "addend clamped to " + (w + 1) + " bits; the register saturates the same way");
      }
      Expr sum = base.sext(w + 2).add(a.sext(w + 2));
      if (cin != null) {
        sum = sum.add(cin);
      }
      Signal s = c.wire("acc_sum", sum, "exact sum, " + (w + 2) + " bits");
      Signal fits =
          c.wire(
              "acc_fits",
              s.slice(w + 1, w - 1).andReduce().or(s.slice(w + 1, w - 1).orReduce().not()),
              "the sum fits " + w + " bits");
      Expr max = cat(lit(0, 1), ones(w - 1));
      Expr min = cat(lit(1, 1), zero(w - 1));
      acc.next(
          c.wire(
              "acc_next",
              mux(fits, s.slice(w - 1, 0), mux(s.msb(), min, max)),
              "saturate to the register's range"));
    } else {
      Expr a = addend.width() >= w ? addend.resize(w) : addend.sext(w);
      Expr sum = base.add(a);
      if (cin != null) {
        sum = sum.add(cin);
      }
      acc.next(c.wire("acc_next", sum, "sum modulo 2^" + w + " (wraps)"));
    }
    c.output("acc", acc.q());
    Flags.outputs(c, in.clear(), in.nanSet(), in.posInfSet(), in.negInfSet());
  }
}
