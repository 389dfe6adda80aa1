package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Pipeline;

/**
 * The proof every accumulator unit gets through a core that contains it, against the model ({@link
 * org.exmy.simulator.Accumulator}) bit for bit: every operand pair, random accumulate sequences
 * (clears, resets, a run of the largest product long enough to overflow or saturate), sequences
 * over a few codes (frequent exact cancellation and ties), and the model-free worst-case sums
 * against BigDecimal. Used by {@link KulischAccumulatorUnitTest}, {@link FixedAccumulatorUnitTest}
 * and {@link FloatAccumulatorUnitTest}.
 */
final class AccumulatorProofs {
  private AccumulatorProofs() {}

  /**
   * {@code a|b|lanes|acc|pipeline}; acc is {@code fp32}, {@code fp16}, {@code bf16}, {@code EeMm},
   * or {@code fixed:LSB:WIDTH:rne|floor} (a width saturates; {@code -} sizes it for the terms and
   * wraps).
   */
  static MacCore core(String spec) {
    String[] p = spec.split("\\|");
    CoreSpec s =
        Cores.spec(p[0], p[1], 256, Integer.parseInt(p[2])).withPipeline(Pipeline.parse(p[4]));
    if (p[3].startsWith("fixed:")) {
      String[] f = p[3].split(":");
      s =
          s.withFixedAccumulator(
              Integer.parseInt(f[1]),
              f[2].equals("-") ? null : Integer.parseInt(f[2]),
              f[3].equals("rne"));
    } else {
      s = s.withAccumulator(AccumulatorKind.parse(p[3]));
    }
    return MacGenerator.generate(s);
  }

  /** Every check of a core; {@code sequences} random sequences of up to 2,000 cycles. */
  static void prove(MacCore core, int sequences) {
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) core.a().codeCount() * core.b().codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(17, sequences, 2000);
      assertTrue(seq.passed(), seq::toString);
      CrossCheck.Report few = cc.steps(fewCodeSequences(core, 23, 200, 300));
      assertTrue(few.passed(), few::toString);
    }
    CrossCheck.Report oracle = WorstCaseOracle.check(core);
    int terms = core.spec().terms();
    assertEquals(
        3L * ((terms + core.lanes() - 1) / core.lanes() + core.latency() - 1), oracle.vectors());
    assertTrue(oracle.passed(), oracle::toString);
  }

  /**
   * Sequences that each draw every lane's operands from three random codes of a and three of b: the
   * same magnitudes come back with both signs, so sums cancel exactly or nearly and land on
   * rounding ties far more often than with codes drawn from the whole format.
   */
  static List<int[]> fewCodeSequences(MacCore core, long seed, int sequences, int maxLen) {
    SplittableRandom r = new SplittableRandom(seed);
    int lanes = core.lanes();
    List<int[]> steps = new ArrayList<>();
    for (int s = 0; s < sequences; s++) {
      int[] as = {
        r.nextInt(core.a().codeCount()),
        r.nextInt(core.a().codeCount()),
        r.nextInt(core.a().codeCount())
      };
      int[] bs = {
        r.nextInt(core.b().codeCount()),
        r.nextInt(core.b().codeCount()),
        r.nextInt(core.b().codeCount())
      };
      int len = 1 + r.nextInt(maxLen);
      for (int i = 0; i < len; i++) {
        int[] step = new int[3 + 2 * lanes];
        step[0] = r.nextInt(500) == 0 ? 1 : 0;
        step[1] = i == 0 || r.nextInt(100) == 0 ? 1 : 0;
        step[2] = r.nextInt(10) == 0 ? 0 : 1;
        for (int k = 0; k < lanes; k++) {
          step[3 + 2 * k] = as[r.nextInt(3)];
          step[4 + 2 * k] = bs[r.nextInt(3)];
        }
        steps.add(step);
      }
    }
    return steps;
  }

  /**
   * {@code io_acc} after each of {@code steps} ({reset, clear, valid, a0, b0, a1, b1, ...}), any
   * width.
   */
  static List<java.math.BigInteger> run(MacCore core, List<int[]> steps) {
    List<java.math.BigInteger> out = new ArrayList<>();
    try (Driver d = new Driver(core, core.verilog(), steps.size())) {
      StepBlock blk = new StepBlock(steps.size(), core.lanes());
      for (int[] s : steps) {
        int row = blk.add(s[0] == 1, s[1] == 1, s[2] == 1);
        for (int k = 0; k < core.lanes(); k++) blk.operands(row, k, s[3 + 2 * k], s[4 + 2 * k]);
      }
      d.resetPulse();
      d.load(blk);
      d.run();
      for (int i = 0; i < blk.size; i++) out.add(d.accBig(i));
    }
    return out;
  }
}
