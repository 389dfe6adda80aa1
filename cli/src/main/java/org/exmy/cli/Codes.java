package org.exmy.cli;

import org.exmy.simulator.NumberFormat;

/** Formatting of codes for CSV output. */
final class Codes {
  private Codes() {}

  /**
   * Hex with as many digits as the format needs, e.g. {@code 0x7e} for 8 bits, {@code 0x3} for 4.
   */
  static String hex(NumberFormat f, int code) {
    int digits = (f.bits() + 3) / 4;
    return String.format("0x%0" + digits + "x", code);
  }
}
