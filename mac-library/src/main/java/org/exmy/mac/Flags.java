package org.exmy.mac;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;

/**
 * The sticky NaN / +inf / -inf flag outputs of a core, for the accumulators other than the exact
 * one.
 */
final class Flags {
  private Flags() {}

  /**
   * Drives {@code io_nan} (when {@code nanSet} is not null) and {@code io_posInf}, {@code
   * io_negInf} (when {@code posInfSet} is not null): each a register set by its condition and
   * cleared by {@code clear}, as {@link AccumulatorUnit#stickyFlag} builds it.
   */
  static void outputs(Component c, Expr clear, Expr nanSet, Expr posInfSet, Expr negInfSet) {
    if (nanSet != null) {
      c.output("nan", AccumulatorUnit.stickyFlag(c, "nan", clear, nanSet));
    }
    if (posInfSet != null) {
      c.output("posInf", AccumulatorUnit.stickyFlag(c, "posInf", clear, posInfSet));
      c.output("negInf", AccumulatorUnit.stickyFlag(c, "negInf", clear, negInfSet));
    }
  }
}
