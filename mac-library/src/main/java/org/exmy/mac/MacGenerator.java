package org.exmy.mac;

import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Instance;
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
 *   <li>decode each operand into sign, significand (hidden bit and mantissa), shift ({@code
 *       max(exponent field, 1)}) and NaN/inf/zero classes ({@link Operand});</li>
 *   <li>multiply the significands and place the product at its position in units of the
 *       accumulator LSB, chunked: fine shift, then one-hot coarse position ({@link
 *       ProductPlacement});</li>
 *   <li>when the signs differ, add its ones' complement plus a carry-in of 1 (= its negation) to
 *       the accumulator register: one carry chain, not a negation chain and an add chain ({@link
 *       KulischAccumulator}).</li>
 * </ol>
 * Integer x integer cores multiply directly as two's complement (signed) or unsigned numbers; in a
 * mixed integer x minifloat core the integer operand enters the float datapath as sign and
 * magnitude without a shift. mac-library/QOR.md explains the datapath choices and their cost.
 */
public final class MacGenerator {
  /** Lanes per adder chain of a dot-product core (longer chains are slower, not larger). */
  private static final int CHAIN_LANES = 8;

  /** Number of products a catalogue core sums exactly (sets the guard bits: log2 = 10). */
  public static final int DEFAULT_TERMS = 1024;

  private MacGenerator() {}

  /** A MAC for {@code a * b} summing up to {@code terms} products exactly. */
  public static MacCore generate(NumberFormat a, NumberFormat b, int terms) {
    return generate(a, b, terms, moduleName(a, b, terms));
  }

  public static MacCore generate(NumberFormat a, NumberFormat b, int terms, String moduleName) {
    return generate(a, b, terms, 1, moduleName);
  }

  /** A core adding {@code lanes} products per cycle, up to {@code terms} products in all. */
  public static MacCore generate(NumberFormat a, NumberFormat b, int terms, int lanes) {
    return generate(a, b, terms, lanes, moduleName(a, b, terms, lanes));
  }

  /**
   * One lane: the flat MAC. Several lanes: a dot-product core, {@code lanes} instances of a
   * combinational product unit ({@code <module>_product}) feeding a chain of adders and one exact
   * accumulator.
   *
   * @throws IllegalArgumentException if {@code lanes < 1} or {@code terms < lanes}
   */
  public static MacCore generate(NumberFormat a, NumberFormat b, int terms, int lanes, String moduleName) {
    if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    if (terms < lanes) {
      throw new IllegalArgumentException("terms (" + terms + ") must be at least lanes (" + lanes
          + "): one cycle already adds " + lanes + " products");
    }
    return lanes == 1 ? generateMac(a, b, terms, moduleName) : generateDot(a, b, terms, lanes, moduleName);
  }

  private static MacCore generateMac(NumberFormat a, NumberFormat b, int terms, String moduleName) {
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
      term = BoothProduct.product(c, "", ia, ai, ib, bi, spec.productBits() + 1, w);
    } else {
      da = decode(c, "a", ia, a, hasInf(b));
      db = decode(c, "b", ib, b, hasInf(a));
      prodNeg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
      term = ProductPlacement.onesComplement(c, "", da, db, prodNeg, null, spec.productBits());
    }

    boolean flags = spec.hasSpecials();
    Expr use = valid;
    java.util.Map<String, Signal> flagQ = new java.util.LinkedHashMap<>();
    if (flags) {
      ProductClass cls = classify(c, da, db);
      Signal prodNan = cls.nan();
      Signal prodInf = cls.inf();
      Expr special = cls.special(c);
      use = c.wire("add_term", valid.and(special.not()), "specials contribute to the flags only");
      flagQ.put("nan", stickyFlag(c, "nan", clear, valid.and(prodNan)));
      if (prodInf != null) {
        flagQ.put("posInf", stickyFlag(c, "posInf", clear, valid.and(prodInf).and(prodNeg.not())));
        flagQ.put("negInf", stickyFlag(c, "negInf", clear, valid.and(prodInf).and(prodNeg)));
      }
    }

    // A negative float product enters as its ones' complement plus a carry-in: one adder instead of
    // a negation adder followed by the accumulator adder. An integer product comes out of a carry
    // chain in two's complement.
    Signal accQ = prodNeg == null ? KulischAccumulator.addSigned(c, clear, use, term, null, w)
        : KulischAccumulator.addOnesComplement(c, clear, use, term, prodNeg, w);
    c.output("acc", accQ);
    flagQ.forEach(c::output);
    return new MacCore(c, a, b, spec);
  }

  // ---------------------------------------------------------------- dot product (several lanes)

  private static MacCore generateDot(NumberFormat a, NumberFormat b, int terms, int lanes, String moduleName) {
    AccumulatorSpec spec = AccumulatorSpec.of(a, b, terms);
    Component unit = productUnit(a, b, spec, moduleName + "_product");
    int w = spec.width();
    Component c = new Component(moduleName);
    c.comment("Exact dot-product core: " + lanes + " lanes of " + a.name() + " x " + b.name()
        + " per cycle, up to " + terms + " products summed without rounding.");
    c.comment("io_acc is a " + w + "-bit two's complement integer; value = io_acc * 2^" + spec.lsbExponent() + ".");
    c.comment("Latency 1 cycle. io_clear restarts the sum, io_valid adds io_a_0 * io_b_0 + ... + io_a_"
        + (lanes - 1) + " * io_b_" + (lanes - 1) + ".");
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    List<Signal> as = new ArrayList<>();
    List<Signal> bs = new ArrayList<>();
    for (int i = 0; i < lanes; i++) as.add(c.input("a_" + i, a.bits()));
    for (int i = 0; i < lanes; i++) bs.add(c.input("b_" + i, b.bits()));
    boolean flags = spec.hasSpecials();
    boolean infFlags = unit.ports().stream().anyMatch(p -> p.name().equals("io_posInf"));
    List<Expr> level = new ArrayList<>();
    List<Expr> cins = new ArrayList<>();
    List<Expr> nans = new ArrayList<>();
    List<Expr> poss = new ArrayList<>();
    List<Expr> negs = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      Instance u = c.instance("lane" + i, unit).in("a", as.get(i)).in("b", bs.get(i));
      level.add(u.out("prod"));
      if (unit.ports().stream().anyMatch(p -> p.name().equals("io_neg"))) cins.add(u.out("neg"));
      if (flags) nans.add(u.out("nan"));
      if (infFlags) {
        poss.add(u.out("posInf"));
        negs.add(u.out("negInf"));
      }
    }
    // Lanes are summed by chains of adders (at most CHAIN_LANES lanes each), one bit wider per adder
    // (signed, never overflows; at most the accumulator width, modulo which every sum is taken): the
    // running sum, a carry-chain output and so a free DI operand, plus the next lane, whose last
    // placement step folds into the S LUTs. A float lane's +1 (ones' complement) is a carry-in: a
    // chain's first lane goes through a carry chain of its own (chain<i> = its product in two's
    // complement; S = the placed bit, DI = 0), which also keeps every S LUT one level behind the
    // placement; lane i's goes to the adder after lane i+1, a chain's last lane's to the adder that
    // takes the chain's sum (a balanced tree over the chains, then the accumulator). QOR.md compares
    // this with a balanced tree of lanes.
    boolean ones = !cins.isEmpty();
    List<Expr> sums = new ArrayList<>();
    List<Expr> pending = new ArrayList<>();
    for (int g = 0; g < lanes; g += CHAIN_LANES) {
      int end = Math.min(lanes, g + CHAIN_LANES);
      Expr sum = level.get(g);
      if (ones) {
        int ww = Math.min(sum.width() + 1, w);
        sum = c.wire("chain" + g, sum.sext(ww).add(cins.get(g).zext(ww)),
            "lane " + g + "'s product in two's complement, then running sums: chain<i> = lanes " + g + "..i");
      }
      for (int i = g + 1; i < end; i++) {
        Expr x = level.get(i);
        int ww = Math.min(Math.max(sum.width(), x.width()) + 1, w);
        Expr s = sum.sext(ww).add(x.sext(ww));
        if (ones && i >= g + 2) s = s.add(cins.get(i - 1).zext(ww));
        sum = c.wire("chain" + i, s, !ones && i == g + 1 ? "running sums: chain<i> = lanes " + g + "..i" : null);
      }
      sums.add(sum);
      if (ones) pending.add(cins.get(end - 1));
    }
    for (int lvl = 1; sums.size() > 1; lvl++) {
      List<Expr> next = new ArrayList<>();
      for (int j = 0; j + 1 < sums.size(); j += 2) {
        Expr x = sums.get(j);
        Expr y = sums.get(j + 1);
        int ww = Math.min(Math.max(x.width(), y.width()) + 1, w);
        Expr s = x.sext(ww).add(y.sext(ww));
        if (ones) s = s.add(pending.remove(0).zext(ww));
        next.add(c.wire("tree" + lvl + "_" + j / 2, s, j == 0 ? "sums of the chains, level " + lvl : null));
      }
      if (sums.size() % 2 == 1) next.add(sums.get(sums.size() - 1));
      sums = next;
    }
    c.output("acc", KulischAccumulator.addSigned(c, clear, valid, sums.get(0), ones ? pending.remove(0) : null, w));
    if (flags) {
      c.output("nan", stickyFlag(c, "nan", clear, valid.and(c.wire("any_nan", Hdl.any(nans.toArray(new Expr[0]))))));
    }
    if (infFlags) {
      c.output("posInf", stickyFlag(c, "posInf", clear, valid.and(c.wire("any_posInf", Hdl.any(poss.toArray(new Expr[0]))))));
      c.output("negInf", stickyFlag(c, "negInf", clear, valid.and(c.wire("any_negInf", Hdl.any(negs.toArray(new Expr[0]))))));
    }
    return new MacCore(c, a, b, spec, lanes);
  }

  /**
   * Combinational exact product in units of 2^lsbExponent: for integer x integer a two's complement
   * {@code io_prod} of at least productBits + 1 bits; otherwise (productBits + 1)-bit ones'
   * complement, {@code io_prod + io_neg} being the two's complement product (the dot core adds
   * io_neg as a carry-in). NaN and infinite products add 0 and instead raise {@code io_nan} /
   * {@code io_posInf} / {@code io_negInf} (when the formats have them).
   */
  static Component productUnit(NumberFormat a, NumberFormat b, AccumulatorSpec spec, String name) {
    int pw = spec.productBits() + 1;
    Component c = new Component(name);
    Signal ia;
    Signal ib;
    if (a instanceof IntFormat ai && b instanceof IntFormat bi) {
      c.comment("Exact product " + a.name() + " x " + b.name() + ": io_prod = a * b as a " + pw
          + "-bit two's complement integer, value = io_prod * 2^" + spec.lsbExponent() + ".");
      ia = c.input("a", a.bits());
      ib = c.input("b", b.bits());
      c.output("prod", BoothProduct.product(c, "", ia, ai, ib, bi, pw, spec.width()));
      return c;
    }
    c.comment("Exact product " + a.name() + " x " + b.name() + ": io_prod + io_neg = a * b, io_prod a " + pw
        + "-bit ones' complement integer, value = (io_prod + io_neg) * 2^" + spec.lsbExponent() + ".");
    if (spec.hasSpecials()) c.comment("NaN and infinite products give io_prod = io_neg = 0 and raise their flag.");
    ia = c.input("a", a.bits());
    ib = c.input("b", b.bits());
    Operand da = decode(c, "a", ia, a, hasInf(b));
    Operand db = decode(c, "b", ib, b, hasInf(a));
    Signal neg = c.wire("prod_neg", da.sign().xor(db.sign()), "sign of the product");
    ProductClass cls = spec.hasSpecials() ? classify(c, da, db) : null;
    Expr special = cls == null ? null : cls.special(c);
    Signal addNeg = special == null ? neg
        : c.wire("add_neg", neg.and(special.not()), "NaN and infinite products add 0");
    Signal addend = ProductPlacement.onesComplement(c, "", da, db, addNeg, special, spec.productBits());
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

  /** NaN and inf classes of a product; {@code inf} is null when neither operand has inf. */
  private record ProductClass(Signal nan, Signal inf) {
    Expr special(Component c) {
      return inf == null ? nan : c.wire("prod_special", nan.or(inf));
    }
  }

  private static ProductClass classify(Component c, Operand da, Operand db) {
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

  private static Signal stickyFlag(Component c, String name, Expr clear, Expr set) {
    Reg r = c.reg("flag_" + name, 1).comment("sticky " + name + " flag since the last clear");
    r.next(mux(clear, zero(1), r.q()).or(set));
    return r.q();
  }

  /** Default module name, e.g. {@code exmy_mac_e4m3} or {@code exmy_mac_e4m3_x_e5m2_t4096}. */
  public static String moduleName(NumberFormat a, NumberFormat b, int terms) {
    return moduleName(a, b, terms, 1);
  }

  /** {@code exmy_mac_...} for one lane, {@code exmy_dot<lanes>_...} for several. */
  public static String moduleName(NumberFormat a, NumberFormat b, int terms, int lanes) {
    String n = (lanes == 1 ? "exmy_mac_" : "exmy_dot" + lanes + "_") + ident(a.name());
    if (!a.equals(b)) n += "_x_" + ident(b.name());
    if (terms != DEFAULT_TERMS) n += "_t" + terms;
    return n;
  }

  private static String ident(String formatName) {
    return formatName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", "");
  }

  // ---------------------------------------------------------------- minifloat datapath

  private static boolean hasInf(NumberFormat f) {
    return f instanceof FloatFormat ff && ff.hasInf();
  }

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
    // max(exponent field, 1): the effective exponent + 1, no subtractor (Operand); a 1-bit field
    // has effective exponent 1 for every code, so no shift at all.
    Signal shift = e == 1 ? null : c.wire(p + "_shift", Hdl.cat(exp.slice(e - 1, 1), exp.bit(0).or(expNz.not())),
        "max(exponent, 1)");
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
    Signal sig = c.wire(p + "_sig", mag, "magnitude, " + f.bits() + " bits (integers have no exponent)");
    Expr zero = otherHasInf ? c.wire(p + "_zero", x.orReduce().not(), "inf x 0 is NaN") : null;
    return new Operand(sign, sig, null, null, null, zero);
  }
}
