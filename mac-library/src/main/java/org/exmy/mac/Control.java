package org.exmy.mac;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;

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
}
