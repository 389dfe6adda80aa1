package org.exmy.testbench;

import static org.exmy.testbench.AccumulatorProofs.core;
import static org.exmy.testbench.AccumulatorProofs.prove;
import static org.exmy.testbench.AccumulatorProofs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proof of {@code org.exmy.mac.FloatAccumulatorUnit} against its model twin {@link
 * org.exmy.simulator.FloatAccumulator}: cores with the rounding floating-point register, flat and
 * pipelined, through {@link AccumulatorProofs#prove}; plus hand-derived FP16 patterns for overflow
 * to inf.
 */
class FloatAccumulatorUnitTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|1|fp32|none",
        "E4M3|E4M3|1|fp16|none",
        "E4M3|E4M3|1|bf16|none",
        "float8_e5m2|float8_e5m2|1|fp16|none",
        "E2M1|INT4|1|e6m5|none",
        "E4M3|E4M3|4|fp32|none",
        "float8_e4m3fn|float8_e5m2|3|bf16|none",
        "INT8|INT8|1|e5m6|none",
        "float8_e5m2|float8_e5m2|2|e3m2|none"
      })
  void floatRegisterCoresAreBitExact(String spec) {
    prove(core(spec), 200);
  }

  /** Every pipeline stage that applies to this register (chunks do not: CoreSpec refuses them). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|1|fp32|1",
        "E4M3|E4M3|1|bf16|2",
        "E4M3|E4M3|4|fp32|3",
        "float8_e5m2|float8_e5m2|3|fp16|decode,product,tree=1",
        "INT8|INT8|2|bf16|product",
        "E4M3|E4M3|1|fp16|decode,multiply,product",
        "E2M1|E2M1|3|bf16|multiply,tree=1"
      })
  void pipelinedCoresAreBitExact(String spec) {
    MacCore core = core(spec);
    assertTrue(core.latency() > 1, core.label());
    prove(core, 50);
  }

  /**
   * float8_e5m2 (bias 15): 0x3C = 1, 0xBC = -1, 0x7B = 1.75 * 2^15 = 57344, 0x7E = NaN. FP16
   * patterns: 1 = 0x3C00, -1 = 0xBC00, 57344 = 1.75 * 2^15 = 0x7B00 (exponent 30, mantissa 0x300),
   * +inf = 0x7C00. 1 + 57344 rounds to 57344 (the FP16 ulp there is 32); 2 * 57344 > 65504 is +inf,
   * which a finite product and a NaN product (which only raises io_nan) leave alone; a clear ends
   * it.
   */
  @Test
  void fp16OverflowsToInfAndStaysUntilClear() {
    MacCore core = core("float8_e5m2|float8_e5m2|1|fp16|none");
    List<int[]> steps =
        List.of(
            new int[] {0, 1, 1, 0x3C, 0x3C},
            new int[] {0, 0, 1, 0x7B, 0x3C},
            new int[] {0, 0, 1, 0x7B, 0x3C},
            new int[] {0, 0, 1, 0xBC, 0x7B},
            new int[] {0, 0, 1, 0x7E, 0x3C},
            new int[] {0, 1, 1, 0xBC, 0x3C});
    assertEquals(
        List.of(0x3C00L, 0x7B00L, 0x7C00L, 0x7C00L, 0x7C00L, 0xBC00L),
        run(core, steps).stream().map(BigInteger::longValueExact).toList());
    try (CrossCheck cc = new CrossCheck(core)) {
      assertTrue(cc.steps(steps).passed());
    }
  }
}
