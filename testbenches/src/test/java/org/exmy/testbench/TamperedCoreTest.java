package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.api.Test;

/** The cross-check must catch a core that is wrong in a single place. */
class TamperedCoreTest {

  @Test
  void signBugIsCaught() {
    assumeTrue(VerilatorSim.available() || System.getenv("CI") != null, "verilator not installed");
    NumberFormat f = Formats.parse("E2M1");
    MacCore core = MacGenerator.generate(f, f, 16);
    String good = core.verilog();
    String bad = good.replace("prod_neg = a_sign ^ b_sign;", "prod_neg = a_sign;");
    assertNotEquals(good, bad, "tamper target not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      CrossCheck.Report r = cc.exhaustivePairs();
      assertFalse(r.passed());
      // Wrong exactly when b is negative and the product is non-zero:
      // 14 non-zero a codes x 7 negative non-zero b codes = 98 of the 256 pairs.
      assertEquals(98, r.mismatches(), r::toString);
    }
  }

  @Test
  void aDroppedLaneInTheAdderTreeIsCaught() {
    assumeTrue(VerilatorSim.available() || System.getenv("CI") != null, "verilator not installed");
    NumberFormat f = Formats.parse("E2M1");
    MacCore core = MacGenerator.generate(f, f, 64, 3);
    String good = core.verilog();
    // chain2 adds lane 2's ones' complement product (and lane 1's carry-in) to chain1; drop the
    // product, keep the carry-ins (lane 2's own goes to the accumulator adder).
    String bad = good.replaceAll("\\((\\{chain1\\[\\d+\\], chain1\\}) \\+ \\{\\{\\d+\\{lane2_io_prod\\[\\d+\\]\\}\\}, "
        + "lane2_io_prod\\}\\)", "$1");
    assertNotEquals(good, bad, "tamper target not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      CrossCheck.Report r = cc.exhaustivePairs();
      // Lane 2 sees every pair once. The sum is then off by lane 2's ones' complement product, which
      // is 0 only for a zero product with a positive sign: it is wrong for the 14 x 14 pairs of
      // non-zero codes, and for the zero products with signs that differ: +-0 times one of the 8 codes
      // of the other sign, either way round (16 + 16), less (+0, -0) and (-0, +0) counted twice: 30.
      assertEquals(196 + 30, r.mismatches(), r::toString);
    }
  }
}
