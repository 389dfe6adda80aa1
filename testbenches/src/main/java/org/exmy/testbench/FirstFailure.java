package org.exmy.testbench;

import java.math.BigInteger;

/**
 * The first failing cycle of a check, in full: which cycle, the inputs of that cycle and of the
 * cycle whose products it shows, and the expected and actual outputs.
 *
 * <p>Cycles count from 0, the first cycle after the reset pulse that starts every check. A core of
 * latency L shows after cycle t the sum of the products presented up to cycle {@code t - L + 1}.
 *
 * @param check the check that failed, e.g. {@code exhaustive pairs}
 * @param cycle the first failing cycle
 * @param latency the core's latency
 * @param inputs the inputs of {@code cycle}, with the operands' values
 * @param shownInputs the inputs of cycle {@code cycle - latency + 1}, or a note when that cycle
 *     lies before the check; null for a latency of 1 (the same cycle)
 * @param expectedBits the expected {@code io_acc} bits, or null when the expected value is not an
 *     {@code io_acc} pattern (a worst-case sum that the register cannot hold)
 * @param expectedValue the expected value, a decimal (the accumulator model's {@code valueOf} of
 *     the bits, or the exact sum)
 * @param actualBits the {@code io_acc} bits the core showed
 * @param actualValue their value
 * @param expectedFlags the expected flags as text ({@code nan=0 +inf=0 -inf=0}), null when the core
 *     has none or the check does not compare them
 * @param actualFlags the core's flags as text, null likewise
 * @param accWidth bits of {@code io_acc}
 */
public record FirstFailure(
    String check,
    long cycle,
    int latency,
    String inputs,
    String shownInputs,
    BigInteger expectedBits,
    String expectedValue,
    BigInteger actualBits,
    String actualValue,
    String expectedFlags,
    String actualFlags,
    int accWidth) {

  /** The cycle whose products {@code io_acc} shows at {@link #cycle}. */
  public long shownCycle() {
    return cycle - latency + 1;
  }

  /** {@code bits} as {@code 0x...} with as many hex digits as {@code io_acc} has. */
  public String hex(BigInteger bits) {
    String h = bits.toString(16);
    int digits = (accWidth + 3) / 4;
    return "0x" + "0".repeat(Math.max(0, digits - h.length())) + h;
  }

  /** Several lines: the cycle, the inputs, expected and actual {@code io_acc} and flags. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("first mismatch: ").append(check).append(", cycle ").append(cycle);
    if (latency == 1) {
      sb.append(" (latency 1: io_acc shows the sum through this cycle)");
    } else {
      sb.append(" (latency ")
          .append(latency)
          .append(": io_acc shows the sum through cycle ")
          .append(shownCycle())
          .append(')');
    }
    if (shownInputs != null) {
      sb.append("\n  inputs of cycle ").append(shownCycle()).append(": ").append(shownInputs);
    }
    sb.append("\n  inputs of cycle ").append(cycle).append(": ").append(inputs);
    sb.append("\n  io_acc expected ")
        .append(expectedBits == null ? "" : hex(expectedBits) + " ")
        .append('(')
        .append(expectedValue)
        .append("), got ")
        .append(hex(actualBits))
        .append(" (")
        .append(actualValue)
        .append(')');
    if (expectedFlags != null) {
      sb.append("\n  flags expected ").append(expectedFlags).append(", got ").append(actualFlags);
    }
    return sb.toString();
  }
}
