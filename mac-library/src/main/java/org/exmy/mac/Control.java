package org.exmy.mac;

import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.simulator.Pipeline;

/**
 * The control that travels with the data through a core's pipeline stages: restart the sum, add
 * this cycle, the flag sets (null when the formats have no such flag), and for a rounding dot core
 * whether any lane's product is non-zero (null otherwise).
 */
record Control(Expr clear, Expr valid, Expr nanSet, Expr posInfSet, Expr negInfSet, Expr anyNonZero) {

  /** The same one cycle later, through registers {@code <prefix>_<field>}. */
  Control register(Component c, String prefix) {
    return new Control(Stages.reg(c, prefix + "_clear", clear, null), Stages.reg(c, prefix + "_valid", valid, null),
        Stages.regOrNull(c, prefix + "_nan_set", nanSet), Stages.regOrNull(c, prefix + "_posInf_set", posInfSet),
        Stages.regOrNull(c, prefix + "_negInf_set", negInfSet),
        Stages.regOrNull(c, prefix + "_any_nonzero", anyNonZero));
  }

  /**
   * A dot core's control where its lanes' products leave their units: {@code clear} and {@code
   * valid} delayed through the decode and multiply stages the units have, and the flag sets as
   * {@code valid} AND the OR of the lanes' flags (wires {@code any_nan}, {@code any_posInf}, {@code
   * any_negInf}); an empty list means the formats have no such flag.
   */
  static Control ofLanes(Component c, Expr clear, Expr valid, Pipeline pipe, List<Expr> nans, List<Expr> posInfs,
      List<Expr> negInfs) {
    Control early = new Control(clear, valid, null, null, null, null);
    if (pipe.decode()) {
      early = early.register(c, "d");
    }
    if (pipe.multiply()) {
      early = early.register(c, "m");
    }
    Expr v = early.valid();
    return new Control(early.clear(), v, anySet(c, v, "any_nan", nans), anySet(c, v, "any_posInf", posInfs),
        anySet(c, v, "any_negInf", negInfs), null);
  }

  private static Expr anySet(Component c, Expr valid, String name, List<Expr> flags) {
    return flags.isEmpty() ? null : valid.and(c.wire(name, Hdl.any(flags.toArray(new Expr[0]))));
  }
}
