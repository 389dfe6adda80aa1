package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.exmy.mac.MacCore;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operand pair of each core through Verilator against the Java model, then random accumulate
 * sequences (including a run long enough to wrap the accumulator).
 */
class ExhaustiveCoreTest {

  @BeforeAll
  static void needVerilator() {
    org.exmy.testsupport.RequireTools.verilatorBackend();
  }

  /** Every catalogue format (the cores in verilog-out), plus formats that exercise other paths. */
  static Stream<String> formats() {
    return Stream.concat(
        Formats.catalogue().stream().map(NumberFormat::name),
        Stream.of(
            "E3M2:subnormals=off",
            "UINT4",
            "float8_e5m2fnuz",
            "float8_e3m4",
            "E4M3:bias=3:specials=ieee"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void coreIsBitExact(String name) {
    NumberFormat f = Formats.parse(name);
    MacCore core = Cores.core(name, name, CoreSpec.DEFAULT_TERMS, 1);
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) f.codeCount() * f.codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(7, 50, 500);
      assertTrue(seq.vectors() > 2L * CoreSpec.DEFAULT_TERMS, seq::toString);
      assertTrue(seq.passed(), seq::toString);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|float8_e5m2",
        "float8_e4m3fn|E2M1",
        "INT8|E4M3",
        "float8_e5m2|INT4",
        "UINT4|float8_e4m3fnuz",
        "INT3|INT7",
        "UINT4|INT8",
        "INT8|UINT3",
        "UINT2|UINT8",
        "E3M4|INT8"
      })
  void mixedFormatCoreIsBitExact(String pair) {
    String[] p = pair.split("\\|");
    MacCore core = Cores.core(p[0], p[1], 64, 1);
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(11, 20, 300);
      assertTrue(seq.passed(), seq::toString);
    }
  }

  /** Dot-product cores: every pair in every lane, random sequences, and the wrap-around run. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|4",
        "float8_e5m2|float8_e5m2|3",
        "INT8|INT8|2",
        "INT4|E2M1|5",
        "float8_e4m3fnuz|UINT4|7"
      })
  void dotCoreIsBitExact(String spec) {
    String[] p = spec.split("\\|");
    NumberFormat a = Formats.parse(p[0]);
    NumberFormat b = Formats.parse(p[1]);
    int lanes = Integer.parseInt(p[2]);
    MacCore core = Cores.core(p[0], p[1], 256, lanes);
    assertEquals(lanes, core.lanes());
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) a.codeCount() * b.codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(5, 30, 300);
      assertTrue(seq.passed(), seq::toString);
    }
  }

  /**
   * Pipelined cores are proven exactly as the flat ones: the scoreboard aligns the outputs by the
   * latency, and resets in the random sequences clear every pipeline register.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|1|1",
        "float8_e5m2|float8_e5m2|1|2",
        "INT8|INT8|1|decode",
        "E4M3|E4M3|1|chunk=16",
        "float8_e5m2|float8_e5m2|1|4",
        "E2M1|E2M1|1|product,chunk=3",
        "E4M3|E4M3|4|3",
        "float8_e4m3fn|E2M1|5|decode,product,tree=2,chunk=8",
        "INT8|INT8|3|tree=1",
        "INT4|E2M1|2|product",
        "float8_e5m2|UINT4|7|4",
        "E2M1|E2M1|1|4",
        "E4M3|E4M3|1|multiply",
        "float8_e5m2|float8_e5m2|1|decode,multiply,product",
        "INT8|INT8|1|multiply,product",
        "E4M3|INT4|3|multiply,tree=1"
      })
  void pipelinedCoreIsBitExact(String spec) {
    String[] p = spec.split("\\|");
    MacCore core = Cores.core(p[0], p[1], 256, Integer.parseInt(p[2]), p[3]);
    assertTrue(core.latency() > 1, core.label());
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) core.a().codeCount() * core.b().codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(13, 40, 400);
      assertTrue(seq.passed(), seq::toString);
    }
  }

  /**
   * Cores whose multiplies are written for DSP blocks ({@code CoreSpec.dsp}): the same model, so
   * the same proof; the worst-case sums check them without the model.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "INT8|INT8|1|none",
        "UINT8|INT8|1|none",
        "E3M4|E3M4|1|none",
        "E4M3|E4M3|1|multiply",
        "float8_e5m2|float8_e5m2|2|none",
        "INT6|UINT5|3|4",
        "E2M3|INT8|1|none"
      })
  void dspCoreIsBitExact(String spec) {
    String[] p = spec.split("\\|");
    CoreSpec s =
        Cores.spec(p[0], p[1], 256, Integer.parseInt(p[2]))
            .withPipeline(org.exmy.simulator.Pipeline.parse(p[3]))
            .withDsp(true);
    MacCore core = org.exmy.mac.MacGenerator.generate(s);
    assertTrue(core.moduleName().endsWith("_dsp"), core.moduleName());
    assertTrue(
        core.verilog().lines().anyMatch(l -> !l.strip().startsWith("//") && l.contains(" * ")),
        "the multiply is a Verilog '*' for a DSP block");
    try (CrossCheck cc = new CrossCheck(core)) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) core.a().codeCount() * core.b().codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), pairs::toString);
      CrossCheck.Report seq = cc.randomSequences(17, 20, 300);
      assertTrue(seq.passed(), seq::toString);
    }
    CrossCheck.Report worst = WorstCaseOracle.check(core);
    assertTrue(worst.passed(), worst::toString);
  }
}
