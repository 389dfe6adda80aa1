package org.exmy.testbench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Mismatch bookkeeping of one check: counts, the first failing cycle in full, a few more examples.
 */
final class Failures {
  static final int MAX_EXAMPLES = 10;

  private final Scoreboard board;
  final List<String> examples = new ArrayList<>();
  long vectors;
  long mismatches;

  /** Global step index of the first mismatch, or -1. */
  long firstStep = -1;

  /** At the first mismatch: the expected and the actual {@code io_acc} bits and flags. */
  BigInteger firstExpected;

  BigInteger firstActual;
  int firstExpFlags;
  int firstHwFlags;

  Failures(Scoreboard board) {
    this.board = board;
  }

  void record(
      long step, String inputs, BigInteger expected, BigInteger actual, int expFlags, int hwFlags) {
    mismatches++;
    if (firstStep < 0) {
      firstStep = step;
      firstExpected = expected;
      firstActual = actual;
      firstExpFlags = expFlags;
      firstHwFlags = hwFlags;
    }
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(
          String.format(
              "cycle %d: %s: io_acc hw=0x%s (%s) model=0x%s (%s)%s",
              step,
              inputs,
              actual.toString(16),
              board.valueOf(actual),
              expected.toString(16),
              board.valueOf(expected),
              hwFlags == expFlags
                  ? ""
                  : "; flags hw" + board.flagText(hwFlags) + " model" + board.flagText(expFlags)));
    }
  }
}
