package org.exmy.mac;

import org.exmy.hdl.Expr;

/**
 * A decoded operand: {@code |value| = sig * 2^(shift - 1)} quanta for a float with an exponent
 * field ({@code shift = max(exponent field, 1)}, the effective exponent plus one, so the decoder
 * needs no subtractor), {@code |value| = sig} quanta when {@code shift} is null (integers, and
 * floats with a 1-bit exponent, whose effective exponent is always 1). nan, inf and zero are null
 * where the format cannot produce them.
 */
record Operand(Expr sign, Expr sig, Expr shift, Expr nan, Expr inf, Expr zero) {

  /** Positions the shift counts too high: 1 when there is a shift, else 0. */
  int offset() {
    return shift == null ? 0 : 1;
  }
}
