package org.exmy.mac;

import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Signal;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.OperandDecoder;
import org.exmy.simulator.Specials;

/**
 * The decode step: an operand code becomes sign, significand, shift and its NaN / inf / zero
 * classes ({@link Operand}). Hardware twin of {@link OperandDecoder}, whose shift is the effective
 * exponent - 1: here it is {@code max(exponent field, 1)}, one more, so no subtractor is needed
 * ({@link Operand#offset()}). Proof: {@code OperandDecoderUnitTest} (mac-library).
 */
final class OperandDecoderUnit {
  private OperandDecoderUnit() {}

  static boolean hasInf(NumberFormat f) {
    return f instanceof FloatFormat ff && ff.hasInf();
  }

  /** Decodes operand {@code p} ("a" or "b") from {@code x}, with wires named {@code <p>_...}. */
  static Operand decode(Component c, String p, Signal x, NumberFormat f, boolean otherHasInf) {
    if (f instanceof IntFormat fi) {
      return decodeInt(c, p, x, fi, otherHasInf);
    }
    FloatFormat ff = (FloatFormat) f;
    int e = ff.exponentBits();
    int m = ff.mantissaBits();
    Signal sign = c.wire(p + "_sign", x.msb(), "operand " + p + ": " + ff.name());
    Signal exp = c.wire(p + "_exp", x.slice(m + e - 1, m));
    Expr man = m > 0 ? c.wire(p + "_man", x.slice(m - 1, 0)) : null;
    Signal expNz = c.wire(p + "_exp_nz", exp.orReduce(), "hidden bit: 0 for zero/subnormal codes");
    Expr manNz = man == null ? lit(0, 1) : man.orReduce();

    Expr nan = null;
    Expr inf = null;
    Specials sp = ff.specials();
    if (sp == Specials.IEEE) {
      Expr expMax = exp.andReduce();
      nan = c.wire(p + "_nan", expMax.and(manNz), "IEEE: all-ones exponent, non-zero mantissa");
      inf = c.wire(p + "_inf", expMax.and(manNz.not()), "IEEE: all-ones exponent, zero mantissa");
    } else if (sp == Specials.FN) {
      nan =
          c.wire(
              p + "_nan",
              man == null ? exp.andReduce() : exp.andReduce().and(man.andReduce()),
              "FN: the all-ones code is NaN, there is no inf");
    } else if (sp == Specials.FNUZ) {
      nan =
          c.wire(
              p + "_nan", sign.and(expNz.not()).and(manNz.not()), "FNUZ: 1000...0 is the only NaN");
    }

    Expr sig;
    Expr zero;
    if (ff.subnormals()) {
      sig = man == null ? expNz : Hdl.cat(expNz, man);
      zero = expNz.not().and(manNz.not());
    } else {
      // Without subnormals an all-zero exponent field encodes zero whatever the mantissa.
      sig = man == null ? expNz : Hdl.cat(expNz, mux(expNz, man, zero(m)));
      zero = expNz.not();
    }
    Signal sigS = c.wire(p + "_sig", sig, "significand, " + (m + 1) + " bits");
    // max(exponent field, 1): the effective exponent - 1, plus one, with no subtractor; a 1-bit
    // field
    // has the same effective exponent for every code, so no shift at all.
    Signal shift =
        e == 1
            ? null
            : c.wire(
                p + "_shift",
                Hdl.cat(exp.slice(e - 1, 1), exp.bit(0).or(expNz.not())),
                "max(exponent, 1)");
    Expr zeroS = otherHasInf ? c.wire(p + "_zero", nan == null ? zero : zero.and(nan.not())) : null;
    return new Operand(sign, sigS, shift, nan, inf, zeroS);
  }

  /**
   * An integer operand of a mixed integer x minifloat MAC, in the same sign-magnitude form as a
   * float operand: significand = |x| (n bits hold |-2^(n-1)|), no shift, quantum 2^0.
   */
  private static Operand decodeInt(
      Component c, String p, Signal x, IntFormat f, boolean otherHasInf) {
    Expr sign;
    Expr mag;
    if (f.signed()) {
      Signal s =
          c.wire(p + "_sign", x.msb(), "operand " + p + ": " + f.name() + ", two's complement");
      sign = s;
      mag = mux(s, x.neg(), x);
    } else {
      sign = c.wire(p + "_sign", lit(0, 1), "operand " + p + ": " + f.name() + ", unsigned");
      mag = x;
    }
    Signal sig =
        c.wire(p + "_sig", mag, "magnitude, " + f.bits() + " bits (integers have no exponent)");
    Expr zero = otherHasInf ? c.wire(p + "_zero", x.orReduce().not(), "inf x 0 is NaN") : null;
    return new Operand(sign, sig, null, null, null, zero);
  }

  /** The operand's fields through a pipeline register named {@code d_<p>_<field>}. */
  static Operand register(Component c, String p, Operand o) {
    return new Operand(
        Stages.reg(c, "d_" + p + "_sign", o.sign(), "decode stage: operand " + p),
        Stages.reg(c, "d_" + p + "_sig", o.sig(), null),
        Stages.regOrNull(c, "d_" + p + "_shift", o.shift()),
        Stages.regOrNull(c, "d_" + p + "_nan", o.nan()),
        Stages.regOrNull(c, "d_" + p + "_inf", o.inf()),
        Stages.regOrNull(c, "d_" + p + "_zero", o.zero()));
  }
}
