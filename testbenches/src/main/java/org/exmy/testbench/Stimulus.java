package org.exmy.testbench;

import java.util.List;
import java.util.SplittableRandom;
import org.exmy.mac.MacCore;

/**
 * Stimulus of a core, produced block by block: every operand pair, random accumulation sequences,
 * or explicit steps. {@link #fill} appends steps until the block is full or the stimulus ends.
 */
abstract class Stimulus {
  /** Appends steps to {@code block}; returns false once this stimulus has nothing more. */
  abstract boolean fill(StepBlock block);

  /** Total steps, for progress reports (may be an estimate). */
  abstract long total();

  /**
   * Every operand pair in every lane: each step clears the accumulator and adds one product per
   * lane, so the accumulator shows exactly that step's products ({@code codeCount(a) *
   * codeCount(b)} steps). Lane k sees the pairs in the same order, rotated by k/lanes of the list,
   * so each step mixes different pairs.
   */
  static Stimulus exhaustivePairs(MacCore core) {
    int nb = core.b().codeCount();
    long total = (long) core.a().codeCount() * nb;
    int lanes = core.lanes();
    return new Stimulus() {
      long p;

      @Override
      boolean fill(StepBlock blk) {
        while (p < total && !blk.full()) {
          int i = blk.add(false, true, true);
          for (int k = 0; k < lanes; k++) {
            long q = (p + k * total / lanes) % total;
            blk.operands(i, k, (int) (q / nb), (int) (q % nb));
          }
          p++;
        }
        return p < total;
      }

      @Override
      long total() {
        return total;
      }
    };
  }

  /**
   * Random accumulation sequences: each starts with a clear, then {@code 1..maxLen} steps with
   * random operands and a random valid (90 % on), a clear now and then (0.5 %), sometimes a reset
   * (0.1 %).
   */
  static Stimulus randomSequences(MacCore core, long seed, int sequences, int maxLen) {
    int na = core.a().codeCount();
    int nb = core.b().codeCount();
    int lanes = core.lanes();
    SplittableRandom r = new SplittableRandom(seed);
    return new Stimulus() {
      int seq;
      int left; // steps left in the current sequence
      int pos;

      @Override
      boolean fill(StepBlock blk) {
        while (!blk.full()) {
          if (left == 0) {
            if (seq == sequences) {
              return false;
            }
            seq++;
            left = 1 + r.nextInt(maxLen);
            pos = 0;
          }
          boolean reset = r.nextInt(1000) == 0;
          boolean clear = pos == 0 || r.nextInt(200) == 0;
          boolean valid = r.nextInt(10) != 0;
          int i = blk.add(reset, clear, valid);
          for (int k = 0; k < lanes; k++) {
            blk.operands(i, k, r.nextInt(na), r.nextInt(nb));
          }
          left--;
          pos++;
        }
        return left > 0 || seq < sequences;
      }

      @Override
      long total() {
        return (long) sequences * (maxLen + 1) / 2;
      }
    };
  }

  /**
   * {@code count} steps adding the same operand pair in every lane after a clear: with the
   * largest-magnitude pair and {@code count} beyond the terms, the register must wrap.
   */
  static Stimulus repeat(MacCore core, int codeA, int codeB, long count) {
    int lanes = core.lanes();
    return new Stimulus() {
      long done;

      @Override
      boolean fill(StepBlock blk) {
        while (done < count && !blk.full()) {
          int i = blk.add(false, done == 0, true);
          for (int k = 0; k < lanes; k++) {
            blk.operands(i, k, codeA, codeB);
          }
          done++;
        }
        return done < count;
      }

      @Override
      long total() {
        return count;
      }
    };
  }

  /** Explicit steps {@code {reset, clear, valid, a0, b0, a1, b1, ...}}. */
  static Stimulus of(MacCore core, List<int[]> steps) {
    int lanes = core.lanes();
    for (int[] s : steps) {
      if (s.length != 3 + 2 * lanes) {
        throw new IllegalArgumentException(
            "a step of "
                + core.moduleName()
                + " has "
                + (3 + 2 * lanes)
                + " values {reset, clear, valid, a0, b0, ...}, got "
                + s.length);
      }
    }
    return new Stimulus() {
      int next;

      @Override
      boolean fill(StepBlock blk) {
        while (next < steps.size() && !blk.full()) {
          int[] s = steps.get(next++);
          int i = blk.add(s[0] == 1, s[1] == 1, s[2] == 1);
          for (int k = 0; k < lanes; k++) {
            blk.operands(i, k, s[3 + 2 * k], s[4 + 2 * k]);
          }
        }
        return next < steps.size();
      }

      @Override
      long total() {
        return steps.size();
      }
    };
  }
}
