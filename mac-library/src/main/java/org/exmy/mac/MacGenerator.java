package org.exmy.mac;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Instance;
import org.exmy.hdl.Signal;
import org.exmy.mac.AccumulatorUnit.Term;
import org.exmy.mac.ExactProductUnit.ProductClass;
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
 *   <li>{@link OperandDecoderUnit}: each operand into sign, significand (hidden bit and mantissa),
 *       shift ({@code max(exponent field, 1)}) and NaN / inf / zero classes;
 *   <li>{@link ProductPlacement}: the significands multiplied and the product placed at its
 *       position in units of the accumulator LSB, chunked (fine shift, then a one-hot coarse
 *       position), in ones' complement when negative; integer x integer products from radix-4 Booth
 *       rows ({@link BoothProduct});
 *   <li>for a dot core, the lanes summed by chains of adders ({@link AdderChain}), or by a balanced
 *       tree when the tree is pipelined ({@link AdderTree});
 *   <li>{@link AccumulatorUnit}: the exact register ({@link KulischAccumulatorUnit}: the +1 of a
 *       ones' complement product as the carry-in of the one adder, valid and clear on the
 *       register's enable and synchronous clear) and the sticky flags.
 * </ol>
 *
 * In a mixed integer x minifloat core the integer operand enters the float datapath as sign and
 * magnitude without a shift. Pipeline registers ({@link Pipeline}) go between the steps; the
 * control (clear, valid, flag sets) travels with the data. mac-library/QOR.md explains the datapath
 * choices and what they cost.
 *
 * <p>Cores with the narrowed fixed-point or the rounding floating-point accumulator come from
 * {@link RoundingCores}.
 */
public final class MacGenerator {
  /** Written into every core's header, so a file says which generator made it. */
  public static final String VERSION = "exmy mac-library 0.5";

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
    Term in;
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      if (pipe.decode()) {
        clearD =
            Stages.reg(
                c,
                "d_clear",
                clear,
                "decode stage (integers need no decoding: the codes wait here)");
        validD = Stages.reg(c, "d_valid", valid, null);
        ia = Stages.reg(c, "d_a", ia, null);
        ib = Stages.reg(c, "d_b", ib, null);
      }
      // two's complement out of the Booth rows' carry chain (the narrower signed operand of the
      // adder), or out of a DSP block
      Expr term =
          ExactProductUnit.intProduct(c, ia, ai, ib, bi, g.productBits() + 1, w, spec.dsp());
      if (pipe.multiply()) {
        term =
            Stages.reg(c, "m_prod", term, "multiply stage: the product and the control wait here");
        clearD = Stages.reg(c, "m_clear", clearD, null);
        validD = Stages.reg(c, "m_valid", validD, null);
      }
      in = new Term(clearD, validD, term, null, false, null, null, null);
    } else {
      Operand da = OperandDecoderUnit.decode(c, "a", ia, a, OperandDecoderUnit.hasInf(b));
      Operand db = OperandDecoderUnit.decode(c, "b", ib, b, OperandDecoderUnit.hasInf(a));
      if (pipe.decode()) {
        clearD = Stages.reg(c, "d_clear", clear, "decode stage");
        validD = Stages.reg(c, "d_valid", valid, null);
        da = OperandDecoderUnit.register(c, "a", da);
        db = OperandDecoderUnit.register(c, "b", db);
      }
      Signal prodNeg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
      ProductClass cls = spec.hasNanFlag() ? ExactProductUnit.classify(c, da, db) : null;
      ProductPlacement.Raw raw =
          ProductPlacement.multiply(c, "", da, db, null, g.productBits(), spec.dsp());
      if (pipe.multiply()) {
        raw = raw.register(c);
        prodNeg = Stages.reg(c, "m_prod_neg", prodNeg, null);
        cls = cls == null ? null : cls.register(c);
        clearD = Stages.reg(c, "m_clear", clearD, null);
        validD = Stages.reg(c, "m_valid", validD, null);
      }
      // A negative product enters as its ones' complement plus a carry-in: one adder, not a
      // negation
      // adder followed by the accumulator adder.
      Signal term = ProductPlacement.place(c, "", raw, prodNeg, g.productBits());
      Expr use = validD;
      Expr nanSet = null;
      Expr posSet = null;
      Expr negSet = null;
      if (cls != null) {
        use =
            c.wire(
                "add_term",
                validD.and(cls.special(c).not()),
                "specials contribute to the flags only");
        nanSet = validD.and(cls.nan());
        if (cls.inf() != null) {
          posSet = validD.and(cls.inf()).and(prodNeg.not());
          negSet = validD.and(cls.inf()).and(prodNeg);
        }
      }
      in = new Term(clearD, use, term, prodNeg, true, nanSet, posSet, negSet);
    }
    if (pipe.product()) {
      in = in.register(c, "p", "product stage: the placed product and the control wait here");
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
    Component unit =
        ExactProductUnit.component(
            spec, moduleName + "_product", pipe.decode(), pipe.multiply(), w);
    Component c = header(spec, moduleName);
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    List<Instance> units = ExactProductUnit.lanes(c, unit, spec);
    boolean ones = !(spec.a() instanceof IntFormat && spec.b() instanceof IntFormat);
    List<Expr> prods = new ArrayList<>();
    List<Expr> cins = new ArrayList<>();
    for (Instance u : units) {
      prods.add(u.out("prod"));
      if (ones) cins.add(u.out("neg"));
    }
    Control ctl = Control.ofLanes(c, clear, valid, spec, units);
    if (pipe.product()) {
      List<Expr> regs = new ArrayList<>();
      List<Expr> cinRegs = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        regs.add(
            Stages.reg(
                c,
                "p_prod" + i,
                prods.get(i),
                i == 0 ? "product stage: each lane's product waits here" : null));
        if (ones) cinRegs.add(Stages.reg(c, "p_neg" + i, cins.get(i), null));
      }
      prods = regs;
      cins = cinRegs;
      ctl = ctl.register(c, "p");
    }
    Expr sum;
    Expr cin = null;
    if (pipe.treeEvery() > 0) {
      // A pipelined tree adds two's complement lanes (each + its carry-in) level by level.
      List<Expr> level = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        Expr p = prods.get(i);
        level.add(
            !ones
                ? p
                : c.wire(
                    "lane" + i + "_sum",
                    p.add(cins.get(i).zext(p.width())).resize(p.width()),
                    i == 0 ? "each lane's product in two's complement" : null));
      }
      AdderTree.Sum tree = AdderTree.build(c, level, pipe, w, ctl);
      ctl = tree.control();
      sum = tree.sum();
    } else {
      AdderChain.Sum chain = AdderChain.build(c, prods, ones ? cins : null, w);
      sum = chain.sum();
      cin = chain.carryIn();
    }
    AccumulatorUnit.build(
        c,
        new Term(
            ctl.clear(),
            ctl.valid(),
            sum,
            cin,
            false,
            ctl.nanSet(),
            ctl.posInfSet(),
            ctl.negInfSet()),
        w,
        pipe);
    return c;
  }
}
