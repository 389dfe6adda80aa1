package org.exmy.simulator;

/** Which codes of a {@link FloatFormat} are reserved for infinities / NaN. */
public enum Specials {
  /**
   * IEEE 754 style: exponent all ones is &plusmn;inf (mantissa 0) or NaN (mantissa != 0);
   * &plusmn;0.
   */
  IEEE,
  /**
   * "Finite, NaN": no infinities; NaN is exponent all ones AND mantissa all ones, for both signs
   * (0x7F and 0xFF for float8_e4m3fn); -0 exists.
   */
  FN,
  /**
   * "Finite, NaN, unsigned zero": no infinities; the single NaN is code 100...0 (sign set, rest 0);
   * there is no negative zero; every other code is finite.
   */
  FNUZ,
  /** Every code is a finite number (both signed zeros exist), as in OCP MX FP6/FP4 and ExMy. */
  NONE
}
