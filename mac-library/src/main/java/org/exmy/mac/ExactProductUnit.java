package org.exmy.mac;

import static org.exmy.hdl.Hdl.lit;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Instance;
import org.exmy.hdl.Signal;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.ExactProduct;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;

/**
 * The product step: the product's NaN / inf class, integer products, the operands of the rounding
 * accumulators, and a dot core's lane unit. The exact cores place float products with {@link
 * ProductPlacement}. Hardware twin of {@link ExactProduct}. Proof: {@code ExactProductUnitTest}
 * (mac-library).
 */
final class ExactProductUnit {
  private ExactProductUnit() {}

  /** NaN and inf classes of a product; {@code inf} is null when neither operand has inf. */
  record ProductClass(Signal nan, Signal inf) {
    Expr special(Component c) {
      return inf == null ? nan : c.wire("prod_special", nan.or(inf));
    }

    /** The classes one cycle later ({@code m_prod_nan}, {@code m_prod_inf}). */
    ProductClass register(Component c) {
      return new ProductClass(
          Stages.reg(c, "m_prod_nan", nan, null), Stages.regOrNull(c, "m_prod_inf", inf));
    }
  }

  static ProductClass classify(Component c, Operand da, Operand db) {
    List<Expr> nanTerms = new ArrayList<>();
    if (da.nan() != null) nanTerms.add(da.nan());
    if (db.nan() != null) nanTerms.add(db.nan());
    if (da.inf() != null) nanTerms.add(da.inf().and(db.zero()));
    if (db.inf() != null) nanTerms.add(db.inf().and(da.zero()));
    boolean anyInfOperand = da.inf() != null || db.inf() != null;
    Signal prodNan =
        c.wire(
            "prod_nan",
            Hdl.any(nanTerms.toArray(new Expr[0])),
            anyInfOperand ? "NaN x anything and inf x 0 give NaN" : "NaN x anything gives NaN");
    Expr anyInf = da.inf() == null ? db.inf() : db.inf() == null ? da.inf() : da.inf().or(db.inf());
    Signal prodInf = anyInf == null ? null : c.wire("prod_inf", anyInf.and(prodNan.not()));
    return new ProductClass(prodNan, prodInf);
  }

  /**
   * Two's complement product of two integer operands, at least {@code minWidth} bits and at most
   * {@code maxWidth} (modulo 2^maxWidth when capped): radix-4 Booth rows ({@link BoothProduct}), or
   * with {@code dsp} one Verilog {@code *} of the sign-widened operands, which synthesis maps to a
   * DSP block.
   */
  static Signal intProduct(
      Component c,
      Signal a,
      IntFormat af,
      Signal b,
      IntFormat bf,
      int minWidth,
      int maxWidth,
      boolean dsp) {
    if (!dsp) {
      return BoothProduct.product(c, "", a, af, b, bf, minWidth, maxWidth);
    }
    Signal ax = c.wire("a_ext", af.signed() ? a.sext(a.width() + 1) : a.zext(a.width() + 1));
    Signal bx = c.wire("b_ext", bf.signed() ? b.sext(b.width() + 1) : b.zext(b.width() + 1));
    int w = Math.min(maxWidth, Math.max(minWidth, a.width() + b.width()));
    return c.wire(
        "prod",
        ax.smul(bx, w),
        "product of the sign-widened operands (for a DSP block), " + w + " bits");
  }

  /**
   * The significand product and the product's exponent as the rounding accumulators take them:
   * {@code |a*b| = prod_sig * 2^(prod_shift + lsb)} with {@code lsb} the exact product quantum (the
   * decoders' shifts are one too high per float operand: subtracted here).
   */
  record Effective(Signal sig, Signal shift) {}

  static Effective effective(Component c, Operand a, Operand b) {
    Signal psig = c.wire("prod_sig", a.sig().mul(b.sig()), "significand product");
    Expr sa = a.shift() == null ? lit(0, 1) : a.shift();
    Expr sb = b.shift() == null ? lit(0, 1) : b.shift();
    int sw = Math.max(sa.width(), sb.width()) + 1;
    Expr sum = sa.zext(sw).add(sb.zext(sw));
    int offset = a.offset() + b.offset();
    Signal pshift =
        c.wire(
            "prod_shift",
            offset == 0 ? sum : sum.sub(lit(offset, sw)),
            "the product's exponent: the shifts' sum" + (offset == 0 ? "" : " - " + offset));
    return new Effective(psig, pshift);
  }

  /**
   * The combinational product of one lane of a dot-product core, as its own module. Integer x
   * integer: {@code io_prod} = a * b, two's complement, at least productBits + 1 bits. Otherwise a
   * (productBits + 1)-bit ones' complement {@code io_prod} and {@code io_neg}, {@code io_prod +
   * io_neg} being the two's complement product (the core adds io_neg as a carry-in); NaN and
   * infinite products give {@code io_prod = io_neg = 0} and instead raise {@code io_nan} / {@code
   * io_posInf} / {@code io_negInf} (when the formats have them). With {@code decodeStage} the
   * decoded fields pass a register first, with {@code multiplyStage} the significand product (the
   * module is then clocked). An integer product is at most {@code maxIntWidth} bits wide (modulo
   * 2^that).
   */
  static Component component(
      CoreSpec spec, String name, boolean decodeStage, boolean multiplyStage, int maxIntWidth) {
    NumberFormat a = spec.a();
    NumberFormat b = spec.b();
    AccumulatorSpec g = spec.geometry();
    int pw = g.productBits() + 1;
    Component c = new Component(name);
    boolean ints = a instanceof IntFormat && b instanceof IntFormat;
    if (ints) {
      c.comment(
          "Exact product "
              + a.name()
              + " x "
              + b.name()
              + ": io_prod = a * b as a two's complement integer"
              + ", value = io_prod * 2^"
              + g.lsbExponent()
              + ".");
    } else {
      c.comment(
          "Exact product "
              + a.name()
              + " x "
              + b.name()
              + ": io_prod + io_neg = a * b, io_prod a "
              + pw
              + "-bit ones' complement integer, value = (io_prod + io_neg) * 2^"
              + g.lsbExponent()
              + ".");
      if (spec.hasNanFlag())
        c.comment("NaN and infinite products give io_prod = io_neg = 0 and raise their flag.");
    }
    int lat = (decodeStage ? 1 : 0) + (multiplyStage ? 1 : 0);
    if (lat > 0)
      c.comment(
          "Latency "
              + lat
              + (lat == 1 ? " cycle" : " cycles")
              + ": "
              + (decodeStage ? "the decoded operands" + (multiplyStage ? " and " : "") : "")
              + (multiplyStage ? "the significand product" : "")
              + " are registered.");
    Signal ia = c.input("a", a.bits());
    Signal ib = c.input("b", b.bits());
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      Signal ra = decodeStage ? Stages.reg(c, "d_a", ia, "decode stage") : ia;
      Signal rb = decodeStage ? Stages.reg(c, "d_b", ib, null) : ib;
      Signal p = intProduct(c, ra, ai, rb, bi, pw, maxIntWidth, spec.dsp());
      c.output("prod", multiplyStage ? Stages.reg(c, "m_prod", p, "multiply stage") : p);
      return c;
    }
    Operand da = OperandDecoderUnit.decode(c, "a", ia, a, OperandDecoderUnit.hasInf(b));
    Operand db = OperandDecoderUnit.decode(c, "b", ib, b, OperandDecoderUnit.hasInf(a));
    if (decodeStage) {
      da = OperandDecoderUnit.register(c, "a", da);
      db = OperandDecoderUnit.register(c, "b", db);
    }
    Signal neg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
    ProductClass cls = spec.hasNanFlag() ? classify(c, da, db) : null;
    Expr special = cls == null ? null : cls.special(c);
    Signal addNeg =
        special == null
            ? neg
            : c.wire("add_neg", neg.and(special.not()), "NaN and infinite products add 0");
    ProductPlacement.Raw raw =
        ProductPlacement.multiply(c, "", da, db, special, g.productBits(), spec.dsp());
    if (multiplyStage) {
      raw = raw.register(c);
      // the product's sign is needed for the ones' complement, and with inf for the flags' sign
      boolean signUsed = special == null || cls.inf() != null;
      neg = signUsed ? Stages.reg(c, "m_prod_neg", neg, null) : null;
      addNeg = special == null ? neg : Stages.reg(c, "m_add_neg", addNeg, null);
      cls = cls == null ? null : cls.register(c);
    }
    Signal addend = ProductPlacement.place(c, "", raw, addNeg, g.productBits());
    c.output("prod", Hdl.cat(addNeg, addend));
    c.output("neg", addNeg);
    if (cls != null) {
      c.output("nan", cls.nan());
      if (cls.inf() != null) {
        c.output("posInf", cls.inf().and(neg.not()));
        c.output("negInf", cls.inf().and(neg));
      }
    }
    return c;
  }

  /**
   * A dot core's lanes: inputs {@code io_a_<i>} (all of them), then {@code io_b_<i>}, and one
   * instance {@code lane<i>} of {@code unit} per lane, fed from them.
   */
  static List<Instance> lanes(Component c, Component unit, CoreSpec spec) {
    List<Signal> as = new ArrayList<>();
    List<Signal> bs = new ArrayList<>();
    for (int i = 0; i < spec.lanes(); i++) as.add(c.input("a_" + i, spec.a().bits()));
    for (int i = 0; i < spec.lanes(); i++) bs.add(c.input("b_" + i, spec.b().bits()));
    List<Instance> lanes = new ArrayList<>();
    for (int i = 0; i < spec.lanes(); i++) {
      lanes.add(c.instance("lane" + i, unit).in("a", as.get(i)).in("b", bs.get(i)));
    }
    return lanes;
  }
}
