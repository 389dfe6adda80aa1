package org.exmy.testbench;

import static org.exmy.testbench.AccumulatorProofs.core;
import static org.exmy.testbench.AccumulatorProofs.prove;
import static org.exmy.testbench.AccumulatorProofs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proof of {@code org.exmy.mac.FixedAccumulatorUnit} against its model twin {@link
 * org.exmy.simulator.FixedAccumulator}: cores with the narrowed fixed-point register (rounded to
 * nearest even or floored, saturating or wrapping), flat and pipelined, through {@link
 * AccumulatorProofs#prove}; plus hand-derived saturation patterns.
 */
class FixedAccumulatorUnitTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "INT8|INT8|1|fixed:4:16:rne|none",
        "INT8|INT8|1|fixed:4:16:floor|none",
        "E4M3|E4M3|4|fixed:-8:24:rne|none",
        "E4M3|E4M3|4|fixed:-8:24:floor|none",
        "E4M3|E4M3|1|fixed:-8:24:rne|none",
        "E4M3|E4M3|1|fixed:-8:-:floor|none",
        "float8_e5m2|float8_e5m2|3|fixed:-20:-:rne|none",
        "E2M1|INT4|1|fixed:-4:6:rne|none",
        "float8_e5m2|E2M1|2|fixed:2:10:floor|none"
      })
  void fixedRegisterCoresAreBitExact(String spec) {
    prove(core(spec), 200);
  }

  /** Every pipeline stage that applies to this register (chunks do not: CoreSpec refuses them). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "INT8|INT8|1|fixed:4:16:rne|2",
        "E4M3|E4M3|4|fixed:-8:24:rne|3",
        "E4M3|E4M3|5|fixed:-8:-:floor|tree=2",
        "float8_e5m2|INT4|1|fixed:-10:20:floor|decode",
        "INT8|INT8|1|fixed:4:16:rne|multiply"
      })
  void pipelinedCoresAreBitExact(String spec) {
    MacCore core = core(spec);
    assertTrue(core.latency() > 1, core.label());
    prove(core, 50);
  }

  /**
   * INT8 x INT8 into 16 bits of LSB 2^4: 127 * 127 = 16129 = 1008 * 16 + 1 rounds to 1008 (floor
   * too); after 33 of them 33264 > 32767 saturates (0x7FFF); -128 * 127 = -1016 * 16 exactly then
   * gives 31751 (0x7C07). From a clear, 33 times -127 * 127 = -1008.06 * 16: nearest even -1008
   * each, -33264 saturates to -32768 (0x8000); floor gives -1009 each.
   */
  @Test
  void fixedRegisterSaturatesBothWays() {
    for (boolean rne : new boolean[] {true, false}) {
      MacCore core = core("INT8|INT8|1|fixed:4:16:" + (rne ? "rne" : "floor") + "|none");
      List<int[]> steps = new ArrayList<>();
      List<BigInteger> want = new ArrayList<>();
      for (int i = 0; i < 33; i++) {
        steps.add(new int[] {0, i == 0 ? 1 : 0, 1, 0x7F, 0x7F});
        want.add(BigInteger.valueOf(i < 32 ? 1008L * (i + 1) : 0x7FFF));
      }
      steps.add(new int[] {0, 0, 1, 0x80, 0x7F});
      want.add(BigInteger.valueOf(0x7C07L));
      for (int i = 0; i < 33; i++) {
        steps.add(new int[] {0, i == 0 ? 1 : 0, 1, 0x81, 0x7F});
        long v = (rne ? -1008L : -1009L) * (i + 1);
        want.add(BigInteger.valueOf(v < -32768 ? 0x8000L : v & 0xFFFF));
      }
      assertEquals(want, run(core, steps), rne ? "nearest even" : "floor");
    }
  }
}
