package org.exmy.mac;

import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Signal;
import org.exmy.mac.DecoderUnit.Operand;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.ProductTable;

/**
 * The product step: significands multiplied, shifted left by the sum of the shifts into the
 * accumulator's fixed-point units, signed; and the product's NaN / inf class. Hardware twin of
 * {@link ProductTable}.
 */
final class ProductUnit {
  private ProductUnit() {}

  /** NaN and inf classes of a product; {@code inf} is null when neither operand has inf. */
  record ProductClass(Signal nan, Signal inf) {
    Expr special(Component c) {
      return inf == null ? nan : c.wire("prod_special", nan.or(inf));
    }

    /** The classes one cycle later ({@code m_prod_nan}, {@code m_prod_inf}). */
    ProductClass register(Component c) {
      return new ProductClass(Stages.reg(c, "m_prod_nan", nan, null), Stages.regOrNull(c, "m_prod_inf", inf));
    }
  }

  static ProductClass classify(Component c, Operand da, Operand db) {
    List<Expr> nanTerms = new ArrayList<>();
    if (da.nan() != null) nanTerms.add(da.nan());
    if (db.nan() != null) nanTerms.add(db.nan());
    if (da.inf() != null) nanTerms.add(da.inf().and(db.zero()));
    if (db.inf() != null) nanTerms.add(db.inf().and(da.zero()));
    boolean anyInfOperand = da.inf() != null || db.inf() != null;
    Signal prodNan = c.wire("prod_nan", Hdl.any(nanTerms.toArray(new Expr[0])),
        anyInfOperand ? "NaN x anything and inf x 0 give NaN" : "NaN x anything gives NaN");
    Expr anyInf = da.inf() == null ? db.inf() : db.inf() == null ? da.inf() : da.inf().or(db.inf());
    Signal prodInf = anyInf == null ? null : c.wire("prod_inf", anyInf.and(prodNan.not()));
    return new ProductClass(prodNan, prodInf);
  }

  /** Two's complement product of two integer operands at width {@code w}. */
  static Expr intProduct(Component c, Signal a, IntFormat af, Signal b, IntFormat bf, int w) {
    if (af.signed() && bf.signed()) {
      Expr p = c.wire("prod", a.smul(b), "two's complement product");
      return p.sext(w);
    }
    // At least one unsigned operand: widen each by a zero/sign bit, multiply as signed.
    Expr ax = af.signed() ? a.sext(a.width() + 1) : a.zext(a.width() + 1);
    Expr bx = bf.signed() ? b.sext(b.width() + 1) : b.zext(b.width() + 1);
    Expr ap = c.wire("a_ext", ax);
    Expr bp = c.wire("b_ext", bx);
    if (ap.width() + bp.width() > w) {
      // the result keeps w bits: multiply at w bits (its low bits are the product's)
      return c.wire("prod", ap.smul(bp, w), "product of the sign-widened operands, " + w + " bits");
    }
    Expr p = c.wire("prod", ap.smul(bp), "product of the sign-widened operands");
    return p.sext(w);
  }

  /** The significand product and its shift, before they are placed in the accumulator's units. */
  record Raw(Signal sig, Signal shift) {
    /** The same one cycle later, through registers {@code m_prod_sig}, {@code m_prod_shift}. */
    Raw register(Component c) {
      return new Raw(Stages.reg(c, "m_prod_sig", sig, "multiply stage: the significand product waits here"),
          Stages.reg(c, "m_prod_shift", shift, null));
    }
  }

  /** The significands multiplied, and the sum of the shifts. */
  static Raw multiply(Component c, Operand a, Operand b) {
    Signal psig = c.wire("prod_sig", a.sig().mul(b.sig()), "significand product");
    int sw = Math.max(a.shift().width(), b.shift().width()) + 1;
    Signal pshift = c.wire("prod_shift", a.shift().zext(sw).add(b.shift().zext(sw)));
    return new Raw(psig, pshift);
  }

  /**
   * The product placed in the accumulator's units and signed, at width {@code w}: in ones'
   * complement when {@code onesComplement} (the caller adds the +1 as a carry-in), else in two's
   * complement.
   */
  static Signal place(Component c, Raw raw, Expr neg, AccumulatorSpec g, int w, boolean onesComplement) {
    int pb = g.productBits();
    Signal mag = c.wire("prod_mag", raw.sig().shl(raw.shift(), Math.max(pb, raw.sig().width())),
        "|a*b| in units of 2^" + g.lsbExponent());
    Expr magW = mag.width() >= w ? mag.resize(w) : mag.zext(w);
    if (!onesComplement) return c.wire("prod_fixed", mux(neg, magW.neg(), magW), "signed product");
    return c.wire("prod_fixed", mux(neg, magW.not(), magW),
        "ones' complement when negative (the +1 is addend_cin), accumulator width");
  }

  /**
   * The combinational product of one lane of a dot-product core, as its own module: {@code io_prod}
   * is {@code a * b} as a (productBits + 1)-bit two's complement integer in units of 2^lsbExponent,
   * or 0 when the product is NaN or infinite, which instead raise {@code io_nan} / {@code
   * io_posInf} / {@code io_negInf} (when the formats have them). With {@code decodeStage} the
   * decoded fields pass a register first (the module is then clocked).
   */
  static Component component(CoreSpec spec, String name, boolean decodeStage, boolean multiplyStage) {
    NumberFormat a = spec.a();
    NumberFormat b = spec.b();
    AccumulatorSpec g = spec.geometry();
    int pw = g.productBits() + 1;
    Component c = new Component(name);
    c.comment("Exact product " + a.name() + " x " + b.name() + ": io_prod = a * b as a " + pw
        + "-bit two's complement integer, value = io_prod * 2^" + g.lsbExponent() + ".");
    if (spec.hasNanFlag()) c.comment("NaN and infinite products give io_prod = 0 and raise their flag.");
    int lat = (decodeStage ? 1 : 0) + (multiplyStage ? 1 : 0);
    if (lat > 0) c.comment("Latency " + lat + (lat == 1 ? " cycle" : " cycles") + ": "
        + (decodeStage ? "the decoded operands" + (multiplyStage ? " and " : "") : "")
        + (multiplyStage ? "the significand product" : "") + " are registered.");
    Signal ia = c.input("a", a.bits());
    Signal ib = c.input("b", b.bits());
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      Signal ra = decodeStage ? Stages.reg(c, "d_a", ia, "decode stage") : ia;
      Signal rb = decodeStage ? Stages.reg(c, "d_b", ib, null) : ib;
      Expr p = intProduct(c, ra, ai, rb, bi, pw);
      c.output("prod", multiplyStage ? Stages.reg(c, "m_prod", p, "multiply stage") : p);
      return c;
    }
    Operand da = DecoderUnit.decode(c, "a", ia, a, DecoderUnit.hasInf(b));
    Operand db = DecoderUnit.decode(c, "b", ib, b, DecoderUnit.hasInf(a));
    if (decodeStage) {
      da = DecoderUnit.register(c, "a", da);
      db = DecoderUnit.register(c, "b", db);
    }
    Signal neg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
    ProductClass cls = spec.hasNanFlag() ? classify(c, da, db) : null;
    Raw raw = multiply(c, da, db);
    if (multiplyStage) {
      raw = raw.register(c);
      neg = Stages.reg(c, "m_prod_neg", neg, null);
      cls = cls == null ? null : cls.register(c);
    }
    Signal fixed = place(c, raw, neg, g, pw, false);
    if (cls == null) {
      c.output("prod", fixed);
      return c;
    }
    c.output("prod", mux(cls.special(c), zero(pw), fixed));
    c.output("nan", cls.nan());
    if (cls.inf() != null) {
      c.output("posInf", cls.inf().and(neg.not()));
      c.output("negInf", cls.inf().and(neg));
    }
    return c;
  }
}
