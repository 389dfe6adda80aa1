package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Instance;
import org.exmy.hdl.Signal;
import org.exmy.mac.AccumulatorUnit.Term;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.E8M0;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.simulator.Pipeline;

/**
 * Generates MX dot-product cores from an {@link MxCoreSpec}. The datapath mirrors {@link
 * org.exmy.simulator.MxDotModel} and reuses the exact dot core's units:
 *
 * <ol>
 *   <li>each lane's exact element product in its own module ({@link ExactProductUnit#component}:
 *       decode, multiply, place; NaN / inf classes), the lanes' flags and control through {@link
 *       Control};
 *   <li>the lanes summed exactly ({@link AdderChain}) into the lane sum;
 *   <li>the two scale codes added (9 bits, 0..508; either code 0xFF is NaN; with a narrowed scale
 *       range, the shift counted from its smallest value and an out-of-range flag), travelling with
 *       the data through the decode and multiply stages;
 *   <li>the lane sum shifted left by that sum, a logarithmic shifter whose level k is only as wide
 *       as the value can be after it (the sign copied above), into the accumulator's units;
 *   <li>{@link AccumulatorUnit}: the exact register (whole or chunked) and the sticky flags; a NaN
 *       scale adds nothing and sets the NaN flag. With a float accumulator, steps 4 and 5 are the
 *       existing {@link FloatAccumulatorUnit} instead, the combined scale the addend's exponent.
 * </ol>
 */
public final class MxGenerator {
  private MxGenerator() {}

  /** The core of {@code spec}, named {@link MxCoreSpec#moduleName()}. */
  public static MxCore generate(MxCoreSpec spec) {
    return generate(spec, spec.moduleName());
  }

  /** The core of {@code spec} under another module name (its product unit is named after it). */
  public static MxCore generate(MxCoreSpec spec, String moduleName) {
    CoreSpec es = spec.elements();
    Pipeline pipe = spec.pipeline();
    int lanes = spec.lanes();
    int sw = spec.laneSumWidth();
    int w = spec.accWidth();
    Component unit =
        ExactProductUnit.component(es, moduleName + "_product", pipe.decode(), pipe.multiply(), sw);
    Component c = new Component(moduleName);
    spec.describe().forEach(c::comment);
    c.comment("Made by " + MacGenerator.VERSION + ".");
    Signal clear = c.input("clear", 1);
    Signal valid = c.input("valid", 1);
    List<Signal> as = new ArrayList<>();
    List<Signal> bs = new ArrayList<>();
    for (int i = 0; i < lanes; i++) as.add(c.input(lanes == 1 ? "a" : "a_" + i, es.a().bits()));
    for (int i = 0; i < lanes; i++) bs.add(c.input(lanes == 1 ? "b" : "b_" + i, es.b().bits()));
    Signal scaleA = c.input("scale_a", 8);
    Signal scaleB = c.input("scale_b", 8);
    List<Instance> units = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      units.add(c.instance("lane" + i, unit).in("a", as.get(i)).in("b", bs.get(i)));
    }

    // step 3: the scales. Xa + Xb + 254 = code_a + code_b: the shift in units of the accumulator
    // LSB
    Expr scaleSum =
        c.wire(
            "scale_sum",
            scaleA.zext(9).add(scaleB.zext(9)),
            "combined scale: code_a + code_b = (Xa + 127) + (Xb + 127), 0..508, the lane sum's shift");
    Expr scaleNan =
        c.wire(
            "scale_nan",
            scaleA.eq(E8M0.NAN).or(scaleB.eq(E8M0.NAN)),
            "either scale 0xFF is NaN: the cycle adds 0 and sets the NaN flag");
    Expr scaleOut = null;
    int shiftBits = 9;
    if (spec.hasRangeFlag()) {
      // a narrower register: the shift counts from the range's smallest combined scale
      MxCoreSpec.ScaleRange r = spec.scales();
      int lo = r.min() + 2 * E8M0.BIAS;
      int hi = r.max() + 2 * E8M0.BIAS;
      shiftBits = 32 - Integer.numberOfLeadingZeros(r.span());
      scaleOut =
          c.wire(
              "scale_out",
              scaleSum.lt(lit(lo, 9)).or(lit(hi, 9).lt(scaleSum)),
              "Xa + Xb outside "
                  + r
                  + " (scale_sum outside "
                  + lo
                  + ".."
                  + hi
                  + "): the cycle adds 0 and sets io_range");
      scaleSum =
          shiftBits == 0
              ? null
              : c.wire(
                  "scale_shift",
                  scaleSum.sub(lit(lo, 9)).resize(shiftBits),
                  "the shift: scale_sum - " + lo + ", 0.." + r.span());
    }
    if (pipe.decode()) {
      scaleSum = Stages.regOrNull(c, "d_scale_sum", scaleSum);
      scaleNan =
          Stages.reg(c, "d_scale_nan", scaleNan, "decode stage: the scales wait with the operands");
      scaleOut = Stages.regOrNull(c, "d_scale_out", scaleOut);
    }
    if (pipe.multiply()) {
      scaleSum = Stages.regOrNull(c, "m_scale_sum", scaleSum);
      scaleNan =
          Stages.reg(
              c, "m_scale_nan", scaleNan, "multiply stage: the scales wait with the products");
      scaleOut = Stages.regOrNull(c, "m_scale_out", scaleOut);
    }
    Control ctl = Control.ofLanes(c, clear, valid, es, units);

    // step 2: the lanes' exact sum, two's complement, sw bits
    boolean ones = !(es.a() instanceof IntFormat && es.b() instanceof IntFormat);
    Expr laneSum;
    if (lanes == 1) {
      Expr p = units.get(0).out("prod");
      laneSum =
          ones
              ? c.wire(
                  "lane_sum",
                  p.sext(sw).add(units.get(0).out("neg").zext(sw)),
                  "the product in two's complement")
              : c.wire("lane_sum", AdderTree.fit(p, sw), "the product, two's complement");
    } else {
      List<Expr> prods = new ArrayList<>();
      List<Expr> cins = new ArrayList<>();
      for (Instance u : units) {
        prods.add(u.out("prod"));
        if (ones) cins.add(u.out("neg"));
      }
      AdderChain.Sum chain = AdderChain.build(c, prods, ones ? cins : null, sw);
      Expr s = AdderTree.fit(chain.sum(), sw);
      laneSum =
          c.wire(
              "lane_sum",
              chain.carryIn() == null ? s : s.add(chain.carryIn().zext(sw)),
              "the lanes' exact sum, two's complement, " + sw + " bits");
    }

    if (spec.accumulator() instanceof AccumulatorKind.Floating f) {
      floatAccumulator(c, spec, f, ctl, laneSum, scaleSum, scaleNan);
      return new MxCore(spec, c);
    }

    // step 4: lane_sum * 2^scale_sum, level k shifts by 2^k when bit k of the scale sum is set
    Expr x = laneSum;
    for (int k = 0; k < shiftBits; k++) {
      int wk = Math.min(w, x.width() + (1 << k));
      Expr shifted = cat(x, zero(1 << k)).resize(wk);
      x =
          c.wire(
              "scaled" + k,
              mux(scaleSum.bit(k), shifted, x.sext(wk)),
              k == 0
                  ? "lane sum shifted by the combined scale, one level per bit (scaled<k>: bits 0..k done),"
                      + " modulo 2^"
                      + w
                  : null);
    }
    Expr term = AdderTree.fit(x, w);

    // step 5: what the accumulator adds, and the flags
    Expr finite = scaleOut == null ? scaleNan.not() : scaleNan.or(scaleOut).not();
    Expr use =
        c.wire(
            "add_term",
            ctl.valid().and(finite),
            "a valid cycle under finite scales"
                + (scaleOut == null ? "" : " in the range")
                + " adds");
    Expr rangeSet =
        scaleOut == null
            ? null
            : c.wire(
                "range_set",
                ctl.valid().and(scaleNan.not()).and(scaleOut),
                "finite scales out of the range");
    Expr nanSet = c.wire("nan_set", ctl.valid().and(scaleNan), "a NaN scale sets the NaN flag");
    if (ctl.nanSet() != null) {
      nanSet = c.wire("nan_set_any", nanSet.or(ctl.nanSet()), "or a NaN product");
    }
    Term in =
        new Term(ctl.clear(), use, term, null, false, nanSet, ctl.posInfSet(), ctl.negInfSet());
    if (pipe.product()) {
      in = in.register(c, "p", "product stage: the scaled lane sum and the control wait here");
      rangeSet = Stages.regOrNull(c, "p_range_set", rangeSet);
    }
    AccumulatorUnit.build(c, in, w, pipe);
    if (rangeSet != null) {
      Signal f = AccumulatorUnit.stickyFlag(c, "range", in.clear(), rangeSet);
      c.output("range", pipe.chunks(w) ? Stages.reg(c, "res_range", f, null) : f);
    }
    return new MxCore(spec, c);
  }

  /**
   * Steps 4 and 5 with a float register: the lane sum's sign and magnitude and the combined scale
   * as the addend's exponent go to the existing float accumulator, which rounds {@code acc + |sum|
   * * 2^(scale_sum + lsb)} once.
   */
  private static void floatAccumulator(
      Component c,
      MxCoreSpec spec,
      AccumulatorKind.Floating f,
      Control ctl,
      Expr laneSum,
      Expr scaleSum,
      Expr scaleNan) {
    int sw = laneSum.width();
    Signal sign =
        c.wire(
            "sum_sign",
            laneSum.msb(),
            "step 4 (float register): the lane sum's sign and magnitude");
    // |sum| < lanes * 2^productBits <= 2^(sw - 1): the magnitude needs one bit less
    Signal mag = c.wire("sum_abs", mux(sign, laneSum.neg(), laneSum).slice(sw - 2, 0));
    Expr use =
        c.wire(
            "add_term",
            ctl.valid().and(scaleNan.not()).and(mag.orReduce()),
            "a valid cycle under finite scales with a non-zero lane sum is rounded into the register");
    Expr nanSet = c.wire("nan_set", ctl.valid().and(scaleNan), "a NaN scale sets the NaN flag");
    if (ctl.nanSet() != null) {
      nanSet = c.wire("nan_set_any", nanSet.or(ctl.nanSet()), "or a NaN product");
    }
    FloatAccumulatorUnit.Input in =
        new FloatAccumulatorUnit.Input(
            ctl.clear(), use, sign, mag, scaleSum, nanSet, ctl.posInfSet(), ctl.negInfSet());
    if (spec.pipeline().product()) {
      in = in.register(c, "p", "product stage: the lane sum, its scale and the control wait here");
    }
    FloatAccumulatorUnit.build(c, in, f, spec.lsbExponent());
  }
}
