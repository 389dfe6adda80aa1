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
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cores with the rounding floating-point and the narrowed fixed-point accumulators, proven against
 * the model ({@link org.exmy.simulator.Accumulator}) bit for bit: every operand pair, random
 * accumulate sequences (clears, resets, a run of the largest product long enough to overflow or
 * saturate), sequences over a few codes (frequent exact cancellation and ties), and the model-free
 * worst-case sums against BigDecimal; plus hand-derived register patterns for overflow to inf and
 * saturation.
 */
class AccumulatorCoreTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  /**
   * {@code a|b|lanes|acc|pipeline}; acc is {@code fp32}, {@code fp16}, {@code bf16}, {@code EeMm},
   * or {@code fixed:LSB:WIDTH:rne|floor} (a width saturates; {@code -} sizes it for the terms and
   * wraps).
   */
  static MacCore core(String spec) {
    String[] p = spec.split("\\|");
    CoreSpec s = Cores.spec(p[0], p[1], 256, Integer.parseInt(p[2])).withPipeline(Pipeline.parse(p[4]));
    if (p[3].startsWith("fixed:")) {
      String[] f = p[3].split(":");
      s = s.withFixedAccumulator(Integer.parseInt(f[1]), f[2].equals("-") ? null : Integer.parseInt(f[2]),
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
    assertEquals(3L * ((terms + core.lanes() - 1) / core.lanes() + core.latency() - 1), oracle.vectors());
    assertTrue(oracle.passed(), oracle::toString);
  }

  /**
   * Sequences that each draw every lane's operands from three random codes of a and three of b:
   * the same magnitudes come back with both signs, so sums cancel exactly or nearly and land on
   * rounding ties far more often than with codes drawn from the whole format.
   */
  static List<int[]> fewCodeSequences(MacCore core, long seed, int sequences, int maxLen) {
    SplittableRandom r = new SplittableRandom(seed);
    int lanes = core.lanes();
    List<int[]> steps = new ArrayList<>();
    for (int s = 0; s < sequences; s++) {
      int[] as = {r.nextInt(core.a().codeCount()), r.nextInt(core.a().codeCount()), r.nextInt(core.a().codeCount())};
      int[] bs = {r.nextInt(core.b().codeCount()), r.nextInt(core.b().codeCount()), r.nextInt(core.b().codeCount())};
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E4M3|E4M3|1|fp32|none", "E4M3|E4M3|1|fp16|none", "E4M3|E4M3|1|bf16|none",
      "float8_e5m2|float8_e5m2|1|fp16|none", "E2M1|INT4|1|e6m5|none", "E4M3|E4M3|4|fp32|none",
      "float8_e4m3fn|float8_e5m2|3|bf16|none", "INT8|INT8|1|e5m6|none", "float8_e5m2|float8_e5m2|2|e3m2|none"})
  void floatingAccumulatorCoresAreBitExact(String spec) {
    prove(core(spec), 200);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"INT8|INT8|1|fixed:4:16:rne|none", "INT8|INT8|1|fixed:4:16:floor|none",
      "E4M3|E4M3|4|fixed:-8:24:rne|none", "E4M3|E4M3|4|fixed:-8:24:floor|none", "E4M3|E4M3|1|fixed:-8:24:rne|none",
      "E4M3|E4M3|1|fixed:-8:-:floor|none", "float8_e5m2|float8_e5m2|3|fixed:-20:-:rne|none",
      "E2M1|INT4|1|fixed:-4:6:rne|none", "float8_e5m2|E2M1|2|fixed:2:10:floor|none"})
  void fixedAccumulatorCoresAreBitExact(String spec) {
    prove(core(spec), 200);
  }

  /** Every pipeline stage that applies to these accumulators (chunks do not: CoreSpec refuses them). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E4M3|E4M3|1|fp32|1", "E4M3|E4M3|1|bf16|2", "E4M3|E4M3|4|fp32|3",
      "float8_e5m2|float8_e5m2|3|fp16|decode,product,tree=1", "INT8|INT8|2|bf16|product",
      "INT8|INT8|1|fixed:4:16:rne|2", "E4M3|E4M3|4|fixed:-8:24:rne|3", "E4M3|E4M3|5|fixed:-8:-:floor|tree=2",
      "float8_e5m2|INT4|1|fixed:-10:20:floor|decode", "E4M3|E4M3|1|fp16|decode,multiply,product",
      "INT8|INT8|1|fixed:4:16:rne|multiply", "E2M1|E2M1|3|bf16|multiply,tree=1"})
  void pipelinedCoresAreBitExact(String spec) {
    MacCore core = core(spec);
    assertTrue(core.latency() > 1, core.label());
    prove(core, 50);
  }

  /** {@code io_acc} after each of {@code steps} ({reset, clear, valid, a, b} of a one-lane core). */
  static List<Long> run(MacCore core, List<int[]> steps) {
    List<Long> out = new ArrayList<>();
    try (Driver d = new Driver(core, core.verilog(), steps.size())) {
      StepBlock blk = new StepBlock(steps.size(), 1);
      for (int[] s : steps) {
        blk.operands(blk.add(s[0] == 1, s[1] == 1, s[2] == 1), 0, s[3], s[4]);
      }
      d.resetPulse();
      d.load(blk);
      d.run();
      for (int i = 0; i < blk.size; i++) out.add(d.acc(i));
    }
    return out;
  }

  /**
   * float8_e5m2 (bias 15): 0x3C = 1, 0xBC = -1, 0x7B = 1.75 * 2^15 = 57344, 0x7E = NaN. FP16
   * patterns: 1 = 0x3C00, -1 = 0xBC00, 57344 = 1.75 * 2^15 = 0x7B00 (exponent 30, mantissa 0x300),
   * +inf = 0x7C00. 1 + 57344 rounds to 57344 (the FP16 ulp there is 32); 2 * 57344 > 65504 is +inf,
   * which a finite product and a NaN product (which only raises io_nan) leave alone; a clear ends it.
   */
  @Test
  void fp16OverflowsToInfAndStaysUntilClear() {
    MacCore core = core("float8_e5m2|float8_e5m2|1|fp16|none");
    List<int[]> steps = List.of(new int[] {0, 1, 1, 0x3C, 0x3C}, new int[] {0, 0, 1, 0x7B, 0x3C},
        new int[] {0, 0, 1, 0x7B, 0x3C}, new int[] {0, 0, 1, 0xBC, 0x7B}, new int[] {0, 0, 1, 0x7E, 0x3C},
        new int[] {0, 1, 1, 0xBC, 0x3C});
    assertEquals(List.of(0x3C00L, 0x7B00L, 0x7C00L, 0x7C00L, 0x7C00L, 0xBC00L), run(core, steps));
    try (CrossCheck cc = new CrossCheck(core)) {
      assertTrue(cc.steps(steps).passed());
    }
  }

  /**
   * INT8 x INT8 into 16 bits of LSB 2^4: 127 * 127 = 16129 = 1008 * 16 + 1 rounds to 1008 (floor
   * too); after 33 of them 33264 > 32767 saturates (0x7FFF); -128 * 127 = -1016 * 16 exactly then
   * gives 31751 (0x7C07). From a clear, 33 times -127 * 127 = -1008.06 * 16: nearest even -1008 each,
   * -33264 saturates to -32768 (0x8000); floor gives -1009 each.
   */
  @Test
  void fixedRegisterSaturatesBothWays() {
    for (boolean rne : new boolean[] {true, false}) {
      MacCore core = core("INT8|INT8|1|fixed:4:16:" + (rne ? "rne" : "floor") + "|none");
      List<int[]> steps = new ArrayList<>();
      List<Long> want = new ArrayList<>();
      for (int i = 0; i < 33; i++) {
        steps.add(new int[] {0, i == 0 ? 1 : 0, 1, 0x7F, 0x7F});
        want.add(i < 32 ? 1008L * (i + 1) : 0x7FFF);
      }
      steps.add(new int[] {0, 0, 1, 0x80, 0x7F});
      want.add(0x7C07L);
      for (int i = 0; i < 33; i++) {
        steps.add(new int[] {0, i == 0 ? 1 : 0, 1, 0x81, 0x7F});
        long v = (rne ? -1008L : -1009L) * (i + 1);
        want.add(v < -32768 ? 0x8000L : v & 0xFFFF);
      }
      assertEquals(want, run(core, steps), rne ? "nearest even" : "floor");
    }
  }
}
