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
import org.exmy.mac.ExactProductUnit.ProductClass;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;

/**
 * MAC and dot-product cores with a narrowed fixed-point ({@link FixedAccumulatorUnit}) or a
 * rounding floating-point ({@link FloatAccumulatorUnit}) accumulator. The steps before the
 * accumulator are those of the exact cores ({@link OperandDecoderUnit}, {@link ExactProductUnit}):
 *
 * <ul>
 *   <li>a MAC decodes both operands and multiplies the significands; for the fixed accumulator the
 *       product is shifted into fixed point and rounded as a magnitude (the sign and the rounding
 *       increment become a ones' complement and a carry-in); for the floating accumulator the
 *       product goes on as sign, significand product and exponent (no shifter);
 *   <li>a dot core has one exact product unit per lane; for the fixed accumulator each lane's
 *       product is rounded (floor: an arithmetic shift), then an adder tree sums the rounded
 *       products exactly; for the floating accumulator the tree sums the exact products, and the
 *       sum's magnitude and sign are the addend.
 * </ul>
 *
 * The pipeline stages decode, product and tree are those of the exact cores; chunked accumulators
 * exist only for the exact accumulator ({@link CoreSpec} refuses the combination).
 */
final class RoundingCores {
  private RoundingCores() {}

  static Component build(CoreSpec spec, String moduleName) {
    return spec.lanes() == 1 ? mac(spec, moduleName) : dot(spec, moduleName);
  }

  private static Component header(CoreSpec spec, String moduleName) {
    Component c = new Component(moduleName);
    spec.describe().forEach(c::comment);
    c.comment("Made by " + MacGenerator.VERSION + ".");
    return c;
  }

  // ---------------------------------------------------------------- one lane

  private static Component mac(CoreSpec spec, String moduleName) {
    NumberFormat a = spec.a();
    NumberFormat b = spec.b();
    Pipeline pipe = spec.pipeline();
    int plsb = spec.geometry().lsbExponent();
    Component c = header(spec, moduleName);
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    Signal ia = c.input("a", a.bits());
    Signal ib = c.input("b", b.bits());
    Operand da = OperandDecoderUnit.decode(c, "a", ia, a, OperandDecoderUnit.hasInf(b));
    Operand db = OperandDecoderUnit.decode(c, "b", ib, b, OperandDecoderUnit.hasInf(a));
    Expr clearD = clear;
    Expr validD = valid;
    if (pipe.decode()) {
      clearD = Stages.reg(c, "d_clear", clear, "decode stage");
      validD = Stages.reg(c, "d_valid", valid, null);
      da = OperandDecoderUnit.register(c, "a", da);
      db = OperandDecoderUnit.register(c, "b", db);
    }
    Signal neg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
    Expr use = validD;
    Expr nanSet = null;
    Expr posSet = null;
    Expr negSet = null;
    if (spec.hasNanFlag()) {
      ProductClass cls = ExactProductUnit.classify(c, da, db);
      use =
          c.wire(
              "add_term",
              validD.and(cls.special(c).not()),
              "specials contribute to the flags only");
      nanSet = validD.and(cls.nan());
      if (cls.inf() != null) {
        posSet = validD.and(cls.inf()).and(neg.not());
        negSet = validD.and(cls.inf()).and(neg);
      }
    }
    ExactProductUnit.Effective eff = ExactProductUnit.effective(c, da, db);
    Signal psig = eff.sig();
    Signal pshift = eff.shift();
    if (pipe.multiply()) {
      psig =
          Stages.reg(
              c, "m_prod_sig", psig, "multiply stage: the product and the control wait here");
      pshift = Stages.reg(c, "m_prod_shift", pshift, null);
      neg = Stages.reg(c, "m_prod_neg", neg, null);
      Control m = new Control(clearD, use, nanSet, posSet, negSet, null).register(c, "m");
      clearD = m.clear();
      use = m.valid();
      nanSet = m.nanSet();
      posSet = m.posInfSet();
      negSet = m.negInfSet();
    }
    if (spec.accumulator() instanceof AccumulatorKind.Fixed f) {
      int drop = f.lsbExponent() - plsb;
      // a wrapping register keeps the low `width` bits of each rounded product: those need drop +
      // width bits
      int keep = f.saturate() ? Integer.MAX_VALUE : f.width();
      int magWidth = Math.max(spec.geometry().productBits(), psig.width());
      if (!f.saturate() && drop + keep >= 1) magWidth = Math.min(magWidth, drop + keep);
      FixedAccumulatorUnit.Rounded r =
          FixedAccumulatorUnit.roundMagnitude(
              c, psig, pshift, magWidth, plsb, neg, drop, f.nearestEven(), keep);
      Signal addend =
          c.wire(
              "addend",
              mux(use, r.addend(), zero(r.addend().width())),
              "the product rounded to units of 2^"
                  + f.lsbExponent()
                  + " (0 when nothing is added)");
      Signal cin = c.wire("addend_cin", use.and(r.carryIn()));
      AccumulatorUnit.Input in =
          new AccumulatorUnit.Input(clearD, addend, cin, nanSet, posSet, negSet);
      if (pipe.product()) {
        in = in.register(c, "p", "product stage: the rounded addend and the control wait here");
      }
      FixedAccumulatorUnit.build(c, in, f);
    } else {
      Signal add =
          c.wire("prod_use", use.and(psig.orReduce()), "a finite non-zero product is added");
      FloatAccumulatorUnit.Input in =
          new FloatAccumulatorUnit.Input(clearD, add, neg, psig, pshift, nanSet, posSet, negSet);
      if (pipe.product()) {
        in =
            in.register(
                c, "p", "product stage: the product's sign, significand and exponent wait here");
      }
      FloatAccumulatorUnit.build(c, in, (AccumulatorKind.Floating) spec.accumulator(), plsb);
    }
    return c;
  }

  // ---------------------------------------------------------------- several lanes

  private static Component dot(CoreSpec spec, String moduleName) {
    int lanes = spec.lanes();
    Pipeline pipe = spec.pipeline();
    int plsb = spec.geometry().lsbExponent();
    Component unit =
        ExactProductUnit.component(
            spec,
            moduleName + "_product",
            pipe.decode(),
            pipe.multiply(),
            spec.geometry().productBits() + 1);
    Component c = header(spec, moduleName);
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    List<Instance> units = ExactProductUnit.lanes(c, unit, spec);
    List<Expr> prods = new ArrayList<>();
    boolean ones = !(spec.a() instanceof IntFormat && spec.b() instanceof IntFormat);
    int pw = spec.geometry().productBits() + 1;
    for (int i = 0; i < lanes; i++) {
      // the lane's product in two's complement, productBits + 1 bits (ones' complement + its +1)
      Expr p = units.get(i).out("prod");
      prods.add(
          ones
              ? c.wire(
                  "lane" + i + "_prod",
                  p.add(units.get(i).out("neg").zext(pw)).resize(pw),
                  i == 0 ? "each lane's product in two's complement" : null)
              : AdderTree.fit(p, pw));
    }
    Control ctl = Control.ofLanes(c, clear, valid, spec, units);

    AccumulatorKind kind = spec.accumulator();
    AccumulatorKind.Fixed fixed = kind instanceof AccumulatorKind.Fixed f ? f : null;
    // the fixed accumulator sums rounded products; a wrapping one needs only their low `width` bits
    int cap = fixed != null && !fixed.saturate() ? fixed.width() : Integer.MAX_VALUE;
    List<Expr> level = new ArrayList<>();
    if (fixed != null) {
      int drop = fixed.lsbExponent() - plsb;
      for (int i = 0; i < lanes; i++) {
        level.add(
            FixedAccumulatorUnit.roundSigned(
                c,
                "lane" + i,
                prods.get(i),
                drop,
                fixed.nearestEven(),
                cap,
                i == 0 ? "each lane's product in units of 2^" + fixed.lsbExponent() : null));
      }
    } else {
      level.addAll(prods);
      List<Expr> nz = new ArrayList<>();
      for (Expr p : prods) nz.add(p.orReduce());
      ctl =
          new Control(
              ctl.clear(),
              ctl.valid(),
              ctl.nanSet(),
              ctl.posInfSet(),
              ctl.negInfSet(),
              c.wire(
                  "any_nonzero",
                  Hdl.any(nz.toArray(new Expr[0])),
                  "some lane's product is finite and non-zero: the register is rounded this cycle"));
    }
    if (pipe.product()) {
      List<Expr> regs = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        regs.add(
            Stages.reg(
                c,
                "p_prod" + i,
                level.get(i),
                i == 0 ? "product stage: each lane's addend waits here" : null));
      }
      level = regs;
      ctl = ctl.register(c, "p");
    }
    AdderTree.Sum tree = AdderTree.build(c, level, pipe, cap, ctl);
    ctl = tree.control();
    Expr sum = tree.sum();
    if (fixed != null) {
      Signal addend =
          c.wire(
              "addend",
              mux(ctl.valid(), sum, zero(sum.width())),
              "the lanes' rounded products, summed exactly (0 when nothing is added)");
      FixedAccumulatorUnit.build(
          c,
          new AccumulatorUnit.Input(
              ctl.clear(), addend, null, ctl.nanSet(), ctl.posInfSet(), ctl.negInfSet()),
          fixed);
    } else {
      Signal s = c.wire("sum", sum, "the lanes' exact products, summed exactly");
      Signal sign = c.wire("sum_sign", s.msb());
      // |sum| < lanes * 2^productBits <= 2^(width - 1): the magnitude needs one bit less
      Signal mag =
          c.wire("sum_abs", mux(sign, s.neg(), s).slice(s.width() - 2, 0), "its magnitude");
      Signal use = c.wire("sum_use", ctl.valid().and(ctl.anyNonZero()));
      FloatAccumulatorUnit.build(
          c,
          new FloatAccumulatorUnit.Input(
              ctl.clear(), use, sign, mag, null, ctl.nanSet(), ctl.posInfSet(), ctl.negInfSet()),
          (AccumulatorKind.Floating) kind,
          plsb);
    }
    return c;
  }
}
