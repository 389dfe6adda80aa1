package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.ones;
import static org.exmy.hdl.Hdl.zero;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;
import org.exmy.simulator.AccumulatorKind;

/**
 * The rounding floating-point accumulator ({@link AccumulatorKind.Floating}): every cycle {@code
 * acc := RNE(acc + Y)}, where Y is the cycle's exact addend (one product, or the exact sum of the
 * lanes' products), rounded once. Hardware twin of {@link FloatAccumulator}.
 *
 * <p>Datapath, one step per group of named wires:
 *
 * <ol>
 *   <li>unpack the register (base = +0 on io_clear): sign, exponent, hidden bit, the significand
 *       left-aligned in a window of {@code W = max(M + 1, addend bits)} bits; its position {@code
 *       max(exp, 1) + K} (the exponent of its window's top bit, biased by {@code bias + K});
 *   <li>normalize the addend (leading-zero count, shift left) and compute its position likewise;
 *   <li>the operand with the higher position is "big" (ties: the register);
 *   <li>align the small one: shift it right by the position difference into W + 2 bits (guard,
 *       round) plus a sticky bit, the OR of everything shifted further;
 *   <li>add or subtract in W + 5 bits; a negative result (possible only when the positions tie or
 *       the register is subnormal) is negated and flips the sign;
 *   <li>normalize: shift left by the leading zeros, but never below the smallest normal exponent
 *       (that leaves a subnormal result with its hidden bit 0);
 *   <li>round to nearest even at M + 1 bits (guard, sticky = the OR of the rest), the carry of the
 *       rounding running into the exponent; an exponent of all ones or more is &plusmn;inf; an
 *       exact zero is +0.
 * </ol>
 *
 * <p>Why W + 3 bits and a sticky suffice: both operands fit the window exactly. If the shift is at
 * most 2, no bit is lost. Otherwise the big operand is normalized (or it is a subnormal register,
 * whose result rounds at the fixed position {@code emin - M} anyway) and the small one is below a
 * quarter of it, so the result's top bit is at most one below the window's top: the rounding
 * position is at least two bits above the sticky bit. Replacing the bits below the round bit by one
 * sticky bit keeps every bit above it and whether anything below is non-zero, for a sum or a
 * difference (the true and the computed value lie strictly between the same two multiples of the
 * sticky bit's weight times two), and that is all rounding to nearest even needs. Proof: {@code
 * FloatAccumulatorUnitTest} (testbenches).
 */
final class FloatAccumulatorUnit {
  private FloatAccumulatorUnit() {}

  /**
   * One cycle's input: restart the sum, whether to add (some product of the cycle is finite and
   * non-zero), the addend {@code (-1)^sign * mag * 2^(exp + productLsb)} ({@code exp} null for 0),
   * and the flag sets (null when the formats have no such flag).
   */
  record Input(
      Expr clear,
      Expr use,
      Expr sign,
      Expr mag,
      Expr exp,
      Expr nanSet,
      Expr posInfSet,
      Expr negInfSet) {
    /** The same input one cycle later, through registers named {@code <prefix>_<field>}. */
    Input register(Component c, String prefix, String comment) {
      return new Input(
          Stages.reg(c, prefix + "_clear", clear, comment),
          Stages.reg(c, prefix + "_use", use, null),
          Stages.reg(c, prefix + "_sign", sign, null),
          Stages.reg(c, prefix + "_mag", mag, null),
          Stages.regOrNull(c, prefix + "_exp", exp),
          Stages.regOrNull(c, prefix + "_nan_set", nanSet),
          Stages.regOrNull(c, prefix + "_posInf_set", posInfSet),
          Stages.regOrNull(c, prefix + "_negInf_set", negInfSet));
    }
  }

  /** Builds the register, its adder and the flags; drives {@code io_acc} and the flag outputs. */
  static void build(Component c, Input in, AccumulatorKind.Floating kind, int productLsb) {
    int e = kind.exponentBits();
    int m = kind.mantissaBits();
    int bias = kind.bias();
    int rw = kind.width();
    int mw = in.mag().width();
    int win = Math.max(m + 1, mw);
    // positions are exponents + bias + k, k >= 0 chosen so that the addend's are never negative
    int k = Math.max(0, 1 - productLsb - bias);
    long cy =
        (long) productLsb
            + mw
            - 1
            + bias
            + k; // position of the addend's top bit when exp = 0, lz = 0
    long expMax = in.exp() == null ? 0 : (1L << in.exp().width()) - 1;
    long maxPos = Math.max((1L << e) - 1 + k, expMax + cy);
    int xw = Math.max(bits(maxPos + 2), Math.max(bits(win + 2), Lzc.countWidth(win + 4)));
    int lzw = Lzc.countWidth(win + 4);
    int shw = bits(win + 2);

    Reg acc =
        c.reg("acc", rw)
            .comment(
                "floating-point accumulator E"
                    + e
                    + "M"
                    + m
                    + " (bias "
                    + bias
                    + "): sign, exponent, mantissa; rounded to nearest even every cycle");
    Signal base =
        c.wire("acc_base", mux(in.clear(), zero(rw), acc.q()), "io_clear restarts the sum from +0");

    // 1. the register
    Signal accSign =
        c.wire("acc_sign", base.bit(e + m), "step 1, the register: sign, exponent, hidden bit");
    Signal accExp = c.wire("acc_exp", base.slice(e + m - 1, m));
    Signal accHidden = c.wire("acc_hidden", accExp.orReduce());
    Signal accInf =
        c.wire("acc_inf", accExp.andReduce(), "all-ones exponent: +-inf, kept until io_clear");
    Expr accEff = mux(accHidden, accExp, lit(1, e)).zext(xw);
    Signal accPos =
        c.wire(
            "acc_pos",
            k > 0 ? accEff.add(lit(k, xw)) : accEff,
            "position of its hidden bit: max(exp, 1)" + (k > 0 ? " + " + k : ""));
    Expr accSig = cat(accHidden, base.slice(m - 1, 0));
    Signal accWin =
        c.wire(
            "acc_win",
            win > m + 1 ? cat(accSig, zero(win - m - 1)) : accSig,
            "its significand at the top of the " + win + "-bit window");

    // 2. the addend
    Signal yLz = Lzc.count(c, "y_lz", in.mag(), "step 2, the addend");
    Signal yNorm =
        c.wire("y_norm", in.mag().shl(yLz, mw), "addend normalized: top bit set unless it is zero");
    Signal yZero = c.wire("y_zero", yNorm.msb().not());
    Expr yTop = in.exp() == null ? lit(cy, xw) : in.exp().zext(xw).add(lit(cy, xw));
    Signal yPos =
        c.wire(
            "y_pos",
            yTop.sub(yLz.zext(xw)),
            "position of its top bit: exp + "
                + cy
                + " - lz (2^"
                + productLsb
                + " units, same bias as acc_pos)");
    Signal yWin = c.wire("y_win", win > mw ? cat(yNorm, zero(win - mw)) : yNorm);

    // 3. which operand is big
    Signal yBig =
        c.wire(
            "y_big",
            yZero.not().and(accPos.lt(yPos)),
            "step 3: the addend's top bit is higher than the register's hidden bit");
    Signal bigPos = c.wire("big_pos", mux(yBig, yPos, accPos));
    Signal smallPos = c.wire("small_pos", mux(yBig, accPos, yPos));
    Signal bigSig = c.wire("big_sig", mux(yBig, yWin, accWin));
    Signal smallSig = c.wire("small_sig", mux(yBig, accWin, yWin));
    Signal bigSign = c.wire("big_sign", mux(yBig, in.sign(), accSign));
    Signal effSub = c.wire("eff_sub", in.sign().xor(accSign), "signs differ: subtract magnitudes");

    // 4. align the small operand
    Signal diff =
        c.wire(
            "align_diff",
            bigPos.sub(smallPos),
            "step 4: shift the small operand right by the difference");
    Signal shamt =
        c.wire(
            "align_shamt",
            mux(diff.ge(lit(win + 2, xw)), lit(win + 2, shw), diff.resize(shw)),
            "at most " + (win + 2) + ": then every bit is below the round bit");
    Signal smallAl =
        c.wire("small_al", cat(smallSig, zero(2)).shr(shamt), "window, guard and round bits");
    Expr[] below = new Expr[win];
    for (int i = 0; i < win; i++) {
      below[win - 1 - i] =
          lit(i + 2, shw).lt(shamt); // bit i of the small operand lands below the round bit
    }
    Signal lost =
        c.wire(
            "align_lost",
            cat(below),
            "its bits that fall below the round bit: bit i when shift > i + 2");
    Signal sticky = c.wire("align_sticky", smallSig.and(lost).orReduce(), "OR of those bits");

    // 5. add
    Expr bigExt = cat(zero(2), bigSig, zero(3));
    Expr smallExt = cat(zero(2), smallAl, sticky);
    Signal sumRaw =
        c.wire(
            "sum_raw",
            bigExt.add(mux(effSub, smallExt.not(), smallExt)).add(effSub),
            "step 5: big +- small in "
                + (win + 5)
                + " bits (window, guard, round, sticky, carry, sign)");
    Signal sumNeg =
        c.wire(
            "sum_neg",
            sumRaw.msb(),
            "negative only when the positions tie or the register is subnormal");
    Signal sumMag = c.wire("sum_mag", mux(sumNeg, sumRaw.neg(), sumRaw).slice(win + 3, 0));
    Signal sumZero = c.wire("sum_zero", sumMag.orReduce().not(), "an exact zero is +0");
    Signal resSign = c.wire("res_sign", bigSign.xor(sumNeg));

    // 6. normalize
    Signal sumLz = Lzc.count(c, "sum_lz", sumMag, "step 6, normalize");
    Signal room =
        c.wire(
            "norm_room",
            k > 0 ? bigPos.sub(lit(k, xw)) : bigPos,
            "left shifts that keep the exponent at least 1 (subnormal results stop there)");
    Signal normSh = c.wire("norm_sh", mux(room.lt(sumLz), room.resize(lzw), sumLz));
    Signal norm =
        c.wire("norm", sumMag.shl(normSh, win + 4), "hidden bit on top (0 for a subnormal result)");
    Expr top = bigPos.add(lit(1, xw));
    Signal normExp =
        c.wire(
            "norm_exp",
            (k > 0 ? top.sub(lit(k, xw)) : top).sub(normSh.zext(xw)),
            "biased exponent of the top bit");
    Signal expField =
        c.wire("exp_field", mux(norm.msb(), normExp, zero(xw)), "0 for a subnormal result");

    // 7. round to nearest even
    Signal rMan =
        c.wire(
            "r_man",
            norm.slice(win + 2, win + 3 - m),
            "step 7: the M mantissa bits below the hidden bit");
    Signal rGuard = c.wire("r_guard", norm.bit(win + 2 - m));
    Signal rSticky = c.wire("r_sticky", norm.slice(win + 1 - m, 0).orReduce());
    Signal rUp =
        c.wire(
            "r_up",
            rGuard.and(rSticky.or(rMan.bit(0))),
            "more than half an ulp, or exactly half and the significand odd");
    Signal packed =
        c.wire(
            "r_packed",
            cat(expField, rMan).add(rUp),
            "exponent and mantissa + up: a mantissa carry increments the exponent");
    Signal overflow =
        c.wire(
            "r_overflow",
            packed.slice(xw + m - 1, m).ge(lit((1L << e) - 1, xw)),
            "exponent all ones or more: +-inf");
    Signal rounded =
        c.wire(
            "acc_rounded",
            mux(
                sumZero,
                zero(rw),
                mux(
                    overflow,
                    cat(resSign, ones(e), zero(m)),
                    cat(resSign, packed.slice(e + m - 1, 0)))));
    Signal update =
        c.wire(
            "acc_update",
            in.use().and(accInf.not()),
            "a finite non-zero product arrived and the register is finite");
    acc.next(c.wire("acc_next", mux(update, rounded, base)));
    c.output("acc", acc.q());
    Flags.outputs(c, in.clear(), in.nanSet(), in.posInfSet(), in.negInfSet());
  }

  private static int bits(long v) {
    return 64 - Long.numberOfLeadingZeros(v);
  }
}
