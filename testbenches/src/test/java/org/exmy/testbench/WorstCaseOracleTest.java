package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.exmy.mac.MacCore;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The model-free BigDecimal oracle: it passes on real cores and catches shared-geometry bugs. */
class WorstCaseOracleTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  static Stream<String> formats() {
    return Stream.concat(
        Formats.catalogue().stream().map(NumberFormat::name),
        Stream.of(
            "float8_e5m2fnuz",
            "float8_e3m4",
            "E4M3:bias=3:specials=ieee",
            "UINT8",
            "E6M1",
            "E7M0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void catalogueCoresHoldTheirTermsExactly(String name) {
    MacCore core = Cores.core(name, name, CoreSpec.DEFAULT_TERMS, 1);
    CrossCheck.Report r = WorstCaseOracle.check(core);
    assertEquals(3L * CoreSpec.DEFAULT_TERMS, r.vectors());
    assertTrue(r.passed(), r::toString);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|float8_e5m2|1|none",
        "INT8|E4M3|3|none",
        "float8_e4m3fn|E2M1|4|3",
        "UINT4|INT4|2|decode,chunk=5",
        "E2M1|E2M1|1|4"
      })
  void mixedDotAndPipelinedCoresToo(String spec) {
    String[] p = spec.split("\\|");
    MacCore core = Cores.core(p[0], p[1], 100, Integer.parseInt(p[2]), p[3]);
    CrossCheck.Report r = WorstCaseOracle.check(core);
    assertTrue(r.passed(), r::toString);
  }

  /**
   * A core sized for 512 terms is one guard bit short of 1024: model and core wrap alike, so the
   * model cross-check passes, but the exact sums of 1024 largest products do not fit.
   */
  @Test
  void oneGuardBitShortIsCaughtWhereTheModelIsBlind() {
    MacCore short1 = Cores.core("E4M3", "E4M3", 512, 1);
    try (CrossCheck cc = new CrossCheck(short1)) {
      assertTrue(cc.wrapAround().passed(), "the model shares the geometry, so it agrees");
    }
    CrossCheck.Report r =
        WorstCaseOracle.check(short1, short1.verilog(), 1024, short1.geometry().lsbExponent());
    // E4M3 max product 480^2 = 230400 = 2^35.81 units of 2^-18; a 46-bit register holds < 2^45,
    // which
    // n products exceed from n = ceil(2^45 / 230400 / 2^18) = 583 (positive run: cycles 582..1023)
    assertTrue(r.mismatches() >= 2 * (1024 - 583), r::toString);
  }

  /** An LSB one off (a bias error shared by model and generator) scales every sum by 2. */
  @Test
  void aWrongLsbIsCaught() {
    MacCore core = Cores.core("float8_e4m3fn", "float8_e4m3fn", 64, 1);
    CrossCheck.Report r =
        WorstCaseOracle.check(core, core.verilog(), 64, core.geometry().lsbExponent() + 1);
    assertEquals(3 * 64, r.vectors());
    // every cycle's sum is non-zero in the first two runs; in the alternating run every other one
    assertEquals(64 + 64 + 32, r.mismatches(), r::toString);
  }
}
