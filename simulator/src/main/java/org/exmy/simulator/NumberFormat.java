package org.exmy.simulator;

import java.math.BigDecimal;

/**
 * A number format of at most 8 bits: a minifloat ({@link FloatFormat}) or a two's complement /
 * unsigned integer ({@link IntFormat}). Codes are the unsigned bit patterns {@code 0 ..
 * codeCount()-1}.
 */
public sealed interface NumberFormat permits FloatFormat, IntFormat {

  /**
   * Canonical name, e.g. "E4M3", "float8_e4m3fn", "INT8", "UINT4"; accepted by {@link
   * Formats#parse}.
   */
  String name();

  /** Total code width in bits. */
  int bits();

  /** Number of codes, {@code 2^bits()}. */
  default int codeCount() {
    return 1 << bits();
  }

  /**
   * The exact value of {@code code}.
   *
   * @throws IllegalArgumentException if {@code code} is not in {@code [0, codeCount())}
   */
  Value decode(int code);

  /**
   * Exact round-to-nearest-even of {@code x} into this format, overflow handled by {@code policy}.
   */
  int encode(BigDecimal x, Overflow policy);

  /**
   * Like {@link #encode(BigDecimal, Overflow)} on the exact value of {@code x} ({@code new
   * BigDecimal(x)}), plus handling of -0.0, NaN and &plusmn;Infinity.
   */
  int encode(double x, Overflow policy);
}
