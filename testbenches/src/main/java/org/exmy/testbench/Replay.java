package org.exmy.testbench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;

/**
 * What a reproduction folder replays ({@link ReproWriter}): the stimulus of a failed check from a
 * reset pulse up to a few cycles past its first failing cycle, as lines of equal cycles, and the
 * outputs expected after each line that is checked.
 *
 * <p>Expected values are {@link #expectedBits}-bit two's complement integers in units of {@code
 * 2^unitExponent}; the replay compares them with {@code io_acc}, sign-extended to that width and
 * shifted left by {@link #shift}. A model check expects {@code io_acc}'s own bits (same width,
 * shift 0); the worst-case oracle expects exact sums, which may need more bits than the register
 * has (a register one bit short) or a finer unit (an LSB claimed too coarse).
 */
final class Replay {
  /** Cycles before the first failing one that {@code wave.vcd} shows. */
  static final int PRE = 64;

  /** Cycles after the first failing one that the replay runs. */
  static final int POST = 8;

  /**
   * A replay from cycle 0 may have this many lines; a longer one starts at a later clear instead.
   */
  static final int MAX_FULL_LINES = 1 << 17;

  /** No replay has more lines than this. */
  static final int MAX_LINES = 1 << 21;

  /** Most cycles one line may stand for (the count field has 32 bits). */
  static final long MAX_COUNT = 0xffff_ffffL;

  /**
   * One line of {@code vectors.hex}: {@code count} cycles of the same inputs, from {@code cycle}.
   */
  static final class Line {
    final long cycle;
    long count = 1;
    final boolean reset;
    final boolean clear;
    final boolean valid;
    final int[] a;
    final int[] b;

    /** In the window around the failure: never merged with its neighbours. */
    final boolean dense;

    boolean checkAcc;
    boolean checkFlags;

    /** Expected flags: bit 0 nan, bit 1 +inf, bit 2 -inf (as {@link Driver#flags}). */
    int flags;

    /** Expected {@code io_acc}, {@link Replay#expectedBits} bits, unsigned. */
    BigInteger expected = BigInteger.ZERO;

    Line(long cycle, boolean reset, boolean clear, boolean valid, int[] a, int[] b, boolean dense) {
      this.cycle = cycle;
      this.reset = reset;
      this.clear = clear;
      this.valid = valid;
      this.a = a;
      this.b = b;
      this.dense = dense;
    }

    /** Step {@code i} of {@code blk} as a line. */
    static Line of(StepBlock blk, int i, long cycle, boolean dense) {
      int[] a = new int[blk.lanes];
      int[] b = new int[blk.lanes];
      for (int k = 0; k < blk.lanes; k++) {
        a[k] = blk.a[k][i];
        b[k] = blk.b[k][i];
      }
      return new Line(cycle, blk.reset[i], blk.clear[i], blk.valid[i], a, b, dense);
    }

    /**
     * The reset pulse that precedes every check, as line 0 of a replay starting at {@code cycle +
     * 1}.
     */
    static Line resetPulse(long cycle, int lanes) {
      return new Line(cycle, true, false, false, new int[lanes], new int[lanes], true);
    }

    boolean sameInputs(StepBlock blk, int i) {
      if (reset != blk.reset[i] || clear != blk.clear[i] || valid != blk.valid[i]) return false;
      for (int k = 0; k < a.length; k++) {
        if (a[k] != blk.a[k][i] || b[k] != blk.b[k][i]) return false;
      }
      return true;
    }

    /** True when {@code c} is one of this line's cycles. */
    boolean covers(long c) {
      return c >= cycle && c < cycle + count;
    }
  }

  /**
   * The stimulus lines around a failure: from cycle 0 when that takes at most {@code maxFullLines}
   * lines, else from the last clear or reset at least {@link #PRE} cycles before it ({@code
   * fromStart} false); {@code clean} is false when not even that was found within {@link
   * #MAX_LINES} lines, so the replay starts in the middle of a sum.
   */
  record Window(List<Line> lines, boolean fromStart, boolean clean) {
    long start() {
      return lines.isEmpty() ? 0 : lines.get(0).cycle;
    }
  }

  /**
   * Runs {@code stimulus} (a fresh one, as the check saw it) up to cycle {@code end} and keeps its
   * steps as lines: equal consecutive cycles before the window {@code [fail - PRE, end]} merge into
   * one line, cycles in the window stay one line each.
   */
  static Window collect(Stimulus stimulus, int lanes, long fail, long end, int maxFullLines) {
    StepBlock blk = new StepBlock(4096, lanes);
    List<Line> full = new ArrayList<>();
    List<Line> cut = new ArrayList<>();
    boolean clean = true;
    long cycle = 0;
    boolean more = true;
    while (more && cycle <= end) {
      blk.size = 0;
      more = stimulus.fill(blk);
      for (int i = 0; i < blk.size && cycle <= end; i++, cycle++) {
        boolean dense = cycle >= fail - PRE;
        if (!dense && cycle > 0 && (blk.reset[i] || blk.clear[i])) {
          cut = new ArrayList<>(); // a later start that does not depend on what came before
          clean = true;
        }
        if (full != null) {
          append(full, blk, i, cycle, dense);
          if (full.size() > maxFullLines) full = null;
        }
        append(cut, blk, i, cycle, dense);
        if (cut.size() > MAX_LINES) {
          cut = new ArrayList<>();
          clean = false;
        }
      }
    }
    return full != null ? new Window(full, true, true) : new Window(cut, false, clean);
  }

  private static void append(List<Line> lines, StepBlock blk, int i, long cycle, boolean dense) {
    Line last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
    if (!dense
        && last != null
        && !last.dense
        && last.count < MAX_COUNT
        && last.sameInputs(blk, i)) {
      last.count++;
    } else {
      lines.add(Line.of(blk, i, cycle, dense));
    }
  }

  final MacCore core;
  final String verilog;

  /** The check's name, e.g. {@code exhaustive pairs}. */
  final String check;

  /** Line 0 is the reset pulse; line 1 starts at {@link Window#start()}. */
  final List<Line> lines;

  final Window window;
  final long failCycle;
  final int expectedBits;
  final int shift;

  /**
   * Expected values are in units of 2^unitExponent; null when they are bit patterns of no fixed
   * scale.
   */
  final Integer unitExponent;

  /** What the expected column holds, for people. */
  final String expectedMeaning;

  final FirstFailure first;

  Replay(
      MacCore core,
      String verilog,
      String check,
      Window window,
      long failCycle,
      int expectedBits,
      int shift,
      Integer unitExponent,
      String expectedMeaning,
      FirstFailure first) {
    this.core = core;
    this.verilog = verilog;
    this.check = check;
    this.window = window;
    this.lines = new ArrayList<>();
    lines.add(Line.resetPulse(window.start() - 1, core.lanes()));
    lines.addAll(window.lines());
    this.failCycle = failCycle;
    this.expectedBits = expectedBits;
    this.shift = shift;
    this.unitExponent = unitExponent;
    this.expectedMeaning = expectedMeaning;
    this.first = first;
  }

  /** First cycle that {@code wave.vcd} shows. */
  long dumpFrom() {
    return Math.max(window.start(), failCycle - PRE);
  }

  /** Last cycle of the replay. */
  long lastCycle() {
    Line last = lines.get(lines.size() - 1);
    return last.cycle + last.count - 1;
  }

  /** Where the replay starts, for people. */
  String startNote() {
    if (window.fromStart()) {
      return "the replay starts at cycle 0, after the reset pulse that starts the check, as the check did";
    }
    if (window.clean()) {
      return "the replay starts after a reset pulse at cycle "
          + window.start()
          + ", a clear or reset of the stimulus"
          + " (the cycles before it would take more than "
          + MAX_FULL_LINES
          + " lines); a core whose clear"
          + " does not cut off the past may behave differently here than in the check";
    }
    return "the replay starts after a reset pulse at cycle "
        + window.start()
        + ", in the middle of a sum (no clear"
        + " within "
        + MAX_LINES
        + " lines before the failure): its expected values are the model's from there";
  }

  /**
   * The inputs of {@code cycle} in {@code w} as text, with the operands' values; null when not
   * there.
   */
  static String describe(MacCore core, Window w, long cycle) {
    for (Line l : w.lines()) {
      if (l.covers(cycle)) return describe(core, l);
    }
    return null;
  }

  static String describe(MacCore core, Line l) {
    StringBuilder sb = new StringBuilder();
    sb.append("reset=")
        .append(l.reset ? 1 : 0)
        .append(" clear=")
        .append(l.clear ? 1 : 0)
        .append(" valid=")
        .append(l.valid ? 1 : 0);
    int lanes = l.a.length;
    for (int k = 0; k < lanes; k++) {
      String n = lanes == 1 ? "" : Integer.toString(k);
      sb.append(
          String.format(
              " a%s=0x%x (%s) b%s=0x%x (%s)",
              n, l.a[k], core.a().decode(l.a[k]), n, l.b[k], core.b().decode(l.b[k])));
    }
    return sb.toString();
  }

  /**
   * The inputs of the failing cycle and of the cycle whose products it shows ({@link
   * FirstFailure#shownInputs}).
   */
  static String[] inputsAround(MacCore core, Window w, long fail) {
    String now = describe(core, w, fail);
    if (core.latency() == 1) return new String[] {now, null};
    long shown = fail - core.latency() + 1;
    String then =
        shown < 0
            ? "none: before cycle 0 (the pipeline still holds the reset's zeros)"
            : describe(core, w, shown);
    return new String[] {now, then};
  }
}
