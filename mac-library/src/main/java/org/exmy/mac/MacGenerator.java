package org.exmy.mac;

import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.Locale;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Specials;

/**
 * Generates multiply-accumulate cores with an exact fixed-point (Kulisch) accumulator. The datapath
 * mirrors {@link org.exmy.simulator.MacModel} step for step:
 *
 * <ol>
 *   <li>decode each operand into sign, significand (hidden bit and mantissa), shift (effective
 *       exponent - 1) and NaN/inf/zero classes;</li>
 *   <li>multiply the significands, shift the product left by the sum of the shifts: this is the
 *       product as an integer in units of the accumulator LSB;</li>
 *   <li>when the signs differ, add its ones' complement plus a carry-in of 1 (= its negation) to
 *       the accumulator register: one carry chain, not a negation chain and an add chain.</li>
 * </ol>
 * Integer x integer cores multiply directly as two's complement (signed) or unsigned numbers; in a
 * mixed integer x minifloat core the integer operand enters the float datapath as sign and
 * magnitude with shift 0.
 */
public final class MacGenerator {
  /** Number of products a catalogue core sums exactly (sets the guard bits: log2 = 10). */
  public static final int DEFAULT_TERMS = 1024;

  private MacGenerator() {}

  /** A MAC for {@code a * b} summing up to {@code terms} products exactly. */
  public static MacCore generate(NumberFormat a, NumberFormat b, int terms) {
    return generate(a, b, terms, moduleName(a, b, terms));
  }

  public static MacCore generate(NumberFormat a, NumberFormat b, int terms, String moduleName) {
    AccumulatorSpec spec = AccumulatorSpec.of(a, b, terms);
    Component c = new Component(moduleName);
    c.comment("Exact multiply-accumulate core: " + a.name() + " x " + b.name() + ", up to " + terms
        + " products summed without rounding.");
    c.comment("io_acc is a " + spec.width() + "-bit two's complement integer; value = io_acc * 2^"
        + spec.lsbExponent() + ".");
    c.comment("Latency 1 cycle. io_clear restarts the sum, io_valid adds io_a * io_b.");
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    Signal ia = c.input("a", a.bits());
    Signal ib = c.input("b", b.bits());

    int w = spec.width();
    Expr term;
    Operand da = null;
    Operand db = null;
    Signal prodNeg = null;
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      term = intProduct(c, ia, ai, ib, bi, w);
    } else {
      da = decode(c, "a", ia, a, hasInf(b));
      db = decode(c, "b", ib, b, hasInf(a));
      prodNeg = c.wire("prod_neg", da.sign.xor(db.sign), "sign of the product");
      term = floatProduct(c, da, db, prodNeg, spec);
    }

    boolean flags = spec.hasSpecials();
    Expr use = valid;
    java.util.Map<String, Signal> flagQ = new java.util.LinkedHashMap<>();
    if (flags) {
      java.util.List<Expr> nanTerms = new java.util.ArrayList<>();
      if (da.nan != null) nanTerms.add(da.nan);
      if (db.nan != null) nanTerms.add(db.nan);
      if (da.inf != null) nanTerms.add(da.inf.and(db.zero));
      if (db.inf != null) nanTerms.add(db.inf.and(da.zero));
      boolean anyInfOperand = da.inf != null || db.inf != null;
      Signal prodNan = c.wire("prod_nan", Hdl.any(nanTerms.toArray(new Expr[0])),
          anyInfOperand ? "NaN x anything and inf x 0 give NaN" : "NaN x anything gives NaN");
      Expr anyInf = da.inf == null ? db.inf : db.inf == null ? da.inf : da.inf.or(db.inf);
      Signal prodInf = anyInf == null ? null : c.wire("prod_inf", anyInf.and(prodNan.not()));
      Expr special = prodInf == null ? prodNan : c.wire("prod_special", prodNan.or(prodInf));
      use = c.wire("add_term", valid.and(special.not()), "specials contribute to the flags only");
      flagQ.put("nan", stickyFlag(c, "nan", clear, valid.and(prodNan)));
      if (prodInf != null) {
        flagQ.put("posInf", stickyFlag(c, "posInf", clear, valid.and(prodInf).and(prodNeg.not())));
        flagQ.put("negInf", stickyFlag(c, "negInf", clear, valid.and(prodInf).and(prodNeg)));
      }
    }

    Signal addend = c.wire("addend", mux(use, term, zero(w)));
    Reg acc = c.reg("acc", w).comment("exact accumulator (Kulisch), wraps modulo 2^" + w);
    Expr sum = mux(clear, zero(w), acc.q()).add(addend);
    if (prodNeg != null) {
      // A negative float product enters as its ones' complement plus this carry-in: one adder
      // instead of a negation adder followed by the accumulator adder.
      sum = sum.add(c.wire("addend_cin", use.and(prodNeg), "+1 completing the two's complement"));
    }
    acc.next(sum);
    Signal accQ = acc.q();
    c.output("acc", accQ);
    flagQ.forEach(c::output);
    return new MacCore(c, a, b, spec);
  }

  private static Signal stickyFlag(Component c, String name, Expr clear, Expr set) {
    Reg r = c.reg("flag_" + name, 1).comment("sticky " + name + " flag since the last clear");
    r.next(mux(clear, zero(1), r.q()).or(set));
    return r.q();
  }

  /** Default module name, e.g. {@code exmy_mac_e4m3} or {@code exmy_mac_e4m3_x_e5m2_t4096}. */
  public static String moduleName(NumberFormat a, NumberFormat b, int terms) {
    String n = "exmy_mac_" + ident(a.name());
    if (!a.equals(b)) n += "_x_" + ident(b.name());
    if (terms != DEFAULT_TERMS) n += "_t" + terms;
    return n;
  }

  private static String ident(String formatName) {
    return formatName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", "");
  }

  // ---------------------------------------------------------------- integer datapath

  private static Expr intProduct(Component c, Signal a, IntFormat af, Signal b, IntFormat bf, int w) {
    Expr p;
    if (af.signed() && bf.signed()) {
      p = c.wire("prod", a.smul(b), "two's complement product");
      return p.sext(w);
    }
    // At least one unsigned operand: widen each by a zero/sign bit, multiply as signed.
    Expr ax = af.signed() ? a.sext(a.width() + 1) : a.zext(a.width() + 1);
    Expr bx = bf.signed() ? b.sext(b.width() + 1) : b.zext(b.width() + 1);
    Expr ap = c.wire("a_ext", ax);
    Expr bp = c.wire("b_ext", bx);
    p = c.wire("prod", ap.smul(bp), "product of the sign-widened operands");
    return p.width() >= w ? p.resize(w) : p.sext(w);
  }

  // ---------------------------------------------------------------- minifloat datapath

  private static boolean hasInf(NumberFormat f) {
    return f instanceof FloatFormat ff && ff.hasInf();
  }

  /** Decoded operand fields; nan, inf and zero are null where the format cannot produce them. */
  private record Operand(Expr sign, Expr sig, Expr shift, Expr nan, Expr inf, Expr zero) {}

  private static Operand decode(Component c, String p, Signal x, NumberFormat f, boolean otherHasInf) {
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
      nan = c.wire(p + "_nan", man == null ? exp.andReduce() : exp.andReduce().and(man.andReduce()),
          "FN: the all-ones code is NaN, there is no inf");
    } else if (sp == Specials.FNUZ) {
      nan = c.wire(p + "_nan", sign.and(expNz.not()).and(manNz.not()), "FNUZ: 1000...0 is the only NaN");
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
    Signal shift = c.wire(p + "_shift", exp.sub(expNz.zext(e)), "effective exponent - 1");
    // Zero only matters for inf x 0 = NaN, i.e. when the other operand can be infinite.
    Expr zeroS = otherHasInf ? c.wire(p + "_zero", nan == null ? zero : zero.and(nan.not())) : null;
    return new Operand(sign, sigS, shift, nan, inf, zeroS);
  }

  /**
   * An integer operand of a mixed integer x minifloat MAC, in the same sign-magnitude form as a
   * float operand: significand = |x| (n bits hold |-2^(n-1)|), shift 0, quantum 2^0.
   */
  private static Operand decodeInt(Component c, String p, Signal x, IntFormat f, boolean otherHasInf) {
    Expr sign;
    Expr mag;
    if (f.signed()) {
      Signal s = c.wire(p + "_sign", x.msb(), "operand " + p + ": " + f.name() + ", two's complement");
      sign = s;
      mag = mux(s, x.neg(), x);
    } else {
      sign = c.wire(p + "_sign", lit(0, 1), "operand " + p + ": " + f.name() + ", unsigned");
      mag = x;
    }
    Signal sig = c.wire(p + "_sig", mag, "magnitude, " + f.bits() + " bits");
    Signal shift = c.wire(p + "_shift", lit(0, 1), "integers have no exponent");
    Expr zero = otherHasInf ? c.wire(p + "_zero", x.orReduce().not(), "inf x 0 is NaN") : null;
    return new Operand(sign, sig, shift, null, null, zero);
  }

  private static Expr floatProduct(Component c, Operand a, Operand b, Signal neg, AccumulatorSpec spec) {
    int w = spec.width();
    int pb = spec.productBits();
    Signal psig = c.wire("prod_sig", a.sig.mul(b.sig), "significand product");
    int sw = Math.max(a.shift.width(), b.shift.width()) + 1;
    Signal pshift = c.wire("prod_shift", a.shift.zext(sw).add(b.shift.zext(sw)));
    Signal mag = c.wire("prod_mag", psig.shl(pshift, Math.max(pb, psig.width())),
        "|a*b| in units of 2^" + spec.lsbExponent());
    Expr magW = mag.width() >= w ? mag.resize(w) : mag.zext(w);
    return c.wire("prod_fixed", mux(neg, magW.not(), magW),
        "ones' complement when negative (the +1 is addend_cin), accumulator width");
  }
}
