package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;

/** The cross-check must catch a core that is wrong in a single place. */
class TamperedCoreTest {

  @Test
  void signBugIsCaught() {
    RequireTools.verilatorBackend();
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
    RequireTools.verilatorBackend();
    NumberFormat f = Formats.parse("E2M1");
    MacCore core = MacGenerator.generate(f, f, 64, 3);
    String good = core.verilog();
    // Level 2 adds the odd lane 2 to tree1_0; drop it.
    String bad = good.replaceAll("(wire \\[\\d+:0\\] tree2_0 = \\{tree1_0\\[\\d+\\], tree1_0\\}) \\+ [^;]+;", "$1;");
    assertNotEquals(good, bad, "tamper target not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      CrossCheck.Report r = cc.exhaustivePairs();
      // Lane 2 sees every pair once; it matters exactly when its product is non-zero:
      // 14 x 14 non-zero-code pairs of the 256.
      assertEquals(196, r.mismatches(), r::toString);
    }
  }
}
