package org.exmy.mac;

import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Instance;
import org.exmy.hdl.Signal;
import org.exmy.mac.AccumulatorUnit.Input;
import org.exmy.mac.DecoderUnit.Operand;
import org.exmy.mac.ProductUnit.ProductClass;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;

/**
 * Generates multiply-accumulate and dot-product cores from a {@link CoreSpec}. The datapath mirrors
 * {@link org.exmy.simulator.MacModel} step for step, one unit per step:
 *
 * <ol>
 *   <li>{@link DecoderUnit}: each operand into sign, significand (hidden bit and mantissa), shift
 *       (effective exponent - 1) and NaN / inf / zero classes;
 *   <li>{@link ProductUnit}: the significands multiplied and shifted left by the sum of the shifts:
 *       the product as an integer in units of the accumulator LSB; for a MAC, a negative product
 *       enters as its ones' complement plus a carry-in (one carry chain, not a negation chain and
 *       an add chain);
 *   <li>for a dot core, an adder tree over the lanes;
 *   <li>{@link AccumulatorUnit}: the exact register and the sticky flags.
 * </ol>
 *
 * Integer x integer cores multiply directly as two's complement (signed) or unsigned numbers; in a
 * mixed integer x minifloat core the integer operand enters the float datapath as sign and
 * magnitude with shift 0. Pipeline registers ({@link Pipeline}) go between the steps; the control
 * (clear, valid, flag sets) travels with the data.
 *
 * <p>Cores with the narrowed fixed-point or the rounding floating-point accumulator come from
 * {@link RoundingCores}.
 */
public final class MacGenerator {
  /** Written into every core's header, so a file says which generator made it. */
  public static final String VERSION = "exmy mac-library 0.2";

  private MacGenerator() {}

  /**
   * The core of {@code spec}.
   *
   * @throws FormatException for a configuration the generator does not build (yet)
   */
  public static MacCore generate(CoreSpec spec) {
    return generate(spec, spec.moduleName());
  }

  /**
   * The core of {@code spec} under another module name (its submodules are named after it).
   *
   * @throws FormatException for a configuration the generator does not build (yet)
   */
  public static MacCore generate(CoreSpec spec, String moduleName) {
    if (!(spec.accumulator() instanceof AccumulatorKind.Exact)) {
      return new MacCore(spec, RoundingCores.build(spec, moduleName));
    }
    Component c = spec.lanes() == 1 ? mac(spec, moduleName) : dot(spec, moduleName);
    return new MacCore(spec, c);
  }

  private static Component header(CoreSpec spec, String moduleName) {
    Component c = new Component(moduleName);
    spec.describe().forEach(c::comment);
    c.comment("Made by " + VERSION + ".");
    return c;
  }

  // ---------------------------------------------------------------- one lane

  private static Component mac(CoreSpec spec, String moduleName) {
    NumberFormat a = spec.a();
    NumberFormat b = spec.b();
    AccumulatorSpec g = spec.geometry();
    Pipeline pipe = spec.pipeline();
    int w = g.width();
    Component c = header(spec, moduleName);
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    Signal ia = c.input("a", a.bits());
    Signal ib = c.input("b", b.bits());
    Expr clearD = clear;
    Expr validD = valid;
    Input in;
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      if (pipe.decode()) {
        clearD = Stages.reg(c, "d_clear", clear, "decode stage (integers need no decoding: the codes wait here)");
        validD = Stages.reg(c, "d_valid", valid, null);
        ia = Stages.reg(c, "d_a", ia, null);
        ib = Stages.reg(c, "d_b", ib, null);
      }
      Expr term = ProductUnit.intProduct(c, ia, ai, ib, bi, w);
      if (pipe.multiply()) {
        term = Stages.reg(c, "m_prod", term, "multiply stage: the product and the control wait here");
        clearD = Stages.reg(c, "m_clear", clearD, null);
        validD = Stages.reg(c, "m_valid", validD, null);
      }
      Signal addend = c.wire("addend", mux(validD, term, zero(w)));
      in = new Input(clearD, addend, null, null, null, null);
    } else {
      Operand da = DecoderUnit.decode(c, "a", ia, a, DecoderUnit.hasInf(b));
      Operand db = DecoderUnit.decode(c, "b", ib, b, DecoderUnit.hasInf(a));
      if (pipe.decode()) {
        clearD = Stages.reg(c, "d_clear", clear, "decode stage");
        validD = Stages.reg(c, "d_valid", valid, null);
        da = DecoderUnit.register(c, "a", da);
        db = DecoderUnit.register(c, "b", db);
      }
      Signal prodNeg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
      ProductClass cls = spec.hasNanFlag() ? ProductUnit.classify(c, da, db) : null;
      ProductUnit.Raw raw = ProductUnit.multiply(c, da, db);
      if (pipe.multiply()) {
        raw = raw.register(c);
        prodNeg = Stages.reg(c, "m_prod_neg", prodNeg, null);
        cls = cls == null ? null : cls.register(c);
        clearD = Stages.reg(c, "m_clear", clearD, null);
        validD = Stages.reg(c, "m_valid", validD, null);
      }
      Expr term = ProductUnit.place(c, raw, prodNeg, g, w, true);
      Expr use = validD;
      Expr nanSet = null;
      Expr posSet = null;
      Expr negSet = null;
      if (cls != null) {
        use = c.wire("add_term", validD.and(cls.special(c).not()), "specials contribute to the flags only");
        nanSet = validD.and(cls.nan());
        if (cls.inf() != null) {
          posSet = validD.and(cls.inf()).and(prodNeg.not());
          negSet = validD.and(cls.inf()).and(prodNeg);
        }
      }
      Signal addend = c.wire("addend", mux(use, term, zero(w)));
      Signal cin = c.wire("addend_cin", use.and(prodNeg), "+1 completing the two's complement");
      in = new Input(clearD, addend, cin, nanSet, posSet, negSet);
    }
    if (pipe.product()) {
      in = in.register(c, "p", "product stage: the addend and the control wait here");
    }
    AccumulatorUnit.build(c, in, w, pipe);
    return c;
  }

  // ---------------------------------------------------------------- several lanes

  private static Component dot(CoreSpec spec, String moduleName) {
    int lanes = spec.lanes();
    Pipeline pipe = spec.pipeline();
    AccumulatorSpec g = spec.geometry();
    int w = g.width();
    Component unit = ProductUnit.component(spec, moduleName + "_product", pipe.decode(), pipe.multiply());
    Component c = header(spec, moduleName);
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    List<Signal> as = new ArrayList<>();
    List<Signal> bs = new ArrayList<>();
    for (int i = 0; i < lanes; i++) as.add(c.input("a_" + i, spec.a().bits()));
    for (int i = 0; i < lanes; i++) bs.add(c.input("b_" + i, spec.b().bits()));
    boolean nanFlag = spec.hasNanFlag();
    boolean infFlags = spec.hasInfFlags();
    List<Expr> level = new ArrayList<>();
    List<Expr> nans = new ArrayList<>();
    List<Expr> poss = new ArrayList<>();
    List<Expr> negs = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      Instance u = c.instance("lane" + i, unit).in("a", as.get(i)).in("b", bs.get(i));
      level.add(u.out("prod"));
      if (nanFlag) nans.add(u.out("nan"));
      if (infFlags) {
        poss.add(u.out("posInf"));
        negs.add(u.out("negInf"));
      }
    }
    Control ctl = new Control(clear, valid, null, null, null, null);
    if (pipe.decode()) {
      ctl = ctl.register(c, "d");
    }
    if (pipe.multiply()) {
      ctl = ctl.register(c, "m");
    }
    Expr v = ctl.valid();
    ctl = new Control(ctl.clear(), v,
        nanFlag ? v.and(c.wire("any_nan", Hdl.any(nans.toArray(new Expr[0])))) : null,
        infFlags ? v.and(c.wire("any_posInf", Hdl.any(poss.toArray(new Expr[0])))) : null,
        infFlags ? v.and(c.wire("any_negInf", Hdl.any(negs.toArray(new Expr[0])))) : null, null);
    if (pipe.product()) {
      List<Expr> regs = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        regs.add(Stages.reg(c, "p_prod" + i, level.get(i), i == 0 ? "product stage: each lane's product waits here" : null));
      }
      level = regs;
      ctl = ctl.register(c, "p");
    }
    AdderTree.Sum tree = AdderTree.build(c, level, pipe, Integer.MAX_VALUE, ctl);
    ctl = tree.control();
    Signal addend = c.wire("addend", mux(ctl.valid(), tree.sum().sext(w), zero(w)));
    AccumulatorUnit.build(c, new Input(ctl.clear(), addend, null, ctl.nanSet(), ctl.posInfSet(), ctl.negInfSet()), w,
        pipe);
    return c;
  }
}
