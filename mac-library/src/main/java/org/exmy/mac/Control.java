package org.exmy.mac;

import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Instance;
import org.exmy.simulator.CoreSpec;

/**
 * The control that travels with the data through a core's pipeline stages: restart the sum, add
 * this cycle, the flag sets (null when the formats have no such flag), and for a rounding dot core
 * whether any lane's product is non-zero (null otherwise).
 */
record Control(
    Expr clear, Expr valid, Expr nanSet, Expr posInfSet, Expr negInfSet, Expr anyNonZero) {

  /** The same one cycle later, through registers {@code <prefix>_<field>}. */
  Control register(Component c, String prefix) {
    return new Control(
        Stages.reg(c, prefix + "_clear", clear, null),
        Stages.reg(c, prefix + "_valid", valid, null),
        Stages.regOrNull(c, prefix + "_nan_set", nanSet),
        Stages.regOrNull(c, prefix + "_posInf_set", posInfSet),
        Stages.regOrNull(c, prefix + "_negInf_set", negInfSet),
        Stages.regOrNull(c, prefix + "_any_nonzero", anyNonZero));
  }

  /**
   * A dot core's control where its lanes' products leave their units: {@code clear} and {@code
   * valid} delayed through the decode and multiply stages the units have, and the flag sets the
   * formats have as {@code valid} AND the OR of the lanes' flags (wires {@code any_nan}, {@code
   * any_posInf}, {@code any_negInf}).
   */
  static Control ofLanes(Component c, Expr clear, Expr valid, CoreSpec spec, List<Instance> lanes) {
    Control early = new Control(clear, valid, null, null, null, null);
    if (spec.pipeline().decode()) {
      early = early.register(c, "d");
    }
    if (spec.pipeline().multiply()) {
      early = early.register(c, "m");
    }
    Expr v = early.valid();
    return new Control(
        early.clear(),
        v,
        spec.hasNanFlag() ? anySet(c, v, "nan", lanes) : null,
        spec.hasInfFlags() ? anySet(c, v, "posInf", lanes) : null,
        spec.hasInfFlags() ? anySet(c, v, "negInf", lanes) : null,
        null);
  }

  private static Expr anySet(Component c, Expr valid, String flag, List<Instance> lanes) {
    Expr[] flags = lanes.stream().map(u -> (Expr) u.out(flag)).toArray(Expr[]::new);
    return valid.and(c.wire("any_" + flag, Hdl.any(flags)));
  }
}
