package org.exmy.cli;

/**
 * Ranges of the numeric options, checked before any work starts (a one-line error, exit code 2) and
 * stated in each option's help. They keep every run to minutes: verify and flow also run 2 x terms
 * / lanes cycles to check the accumulator's wrap-around, random sequences cost sequences x
 * max-length / 2 cycles, and bench runs 65,536 cycles per run.
 */
final class Limits {
  static final int MAX_TERMS = 1 << 20;
  static final int MAX_LANES = org.exmy.simulator.CoreSpec.MAX_LANES;
  static final int MAX_SEQUENCES = 100_000;
  static final int MAX_LENGTH = 100_000;

  /** Upper bound of sequences x max-length: about 10^8 / 2 simulated cycles on average. */
  static final long MAX_SEQUENCE_CYCLES = 100_000_000L;

  static final int MAX_RUNS = 10_000;

  /**
   * The fixed accumulator's LSB exponent: far beyond any product of 3..8-bit formats either way.
   */
  static final int MIN_ACC_LSB = -1000;

  static final int MAX_ACC_LSB = 1000;

  private Limits() {}

  /**
   * {@code value} if it is in {@code min..max}, else a UsageException naming the option and the
   * range.
   */
  static long check(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new UsageException(option + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /** --terms and --lanes together. */
  static void checkTermsAndLanes(int terms, int lanes) {
    check("--terms", terms, 1, MAX_TERMS);
    check("--lanes", lanes, 1, MAX_LANES);
    if (terms < lanes) {
      throw new UsageException(
          "--terms ("
              + terms
              + ") must be at least --lanes ("
              + lanes
              + "): one cycle already adds "
              + lanes
              + " products");
    }
  }

  /** --sequences and --max-length together. */
  static void checkSequences(int sequences, int maxLength) {
    check("--sequences", sequences, 0, MAX_SEQUENCES);
    check("--max-length", maxLength, 1, MAX_LENGTH);
    if ((long) sequences * maxLength > MAX_SEQUENCE_CYCLES) {
      throw new UsageException(
          "--sequences x --max-length must be at most "
              + MAX_SEQUENCE_CYCLES
              + ", got "
              + sequences
              + " x "
              + maxLength);
    }
  }
}
