package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;

/** The cross-check must catch a core that is wrong in a single place. */
class TamperedCoreTest {

  @Test
  void signBugIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E2M1", "E2M1", 16, 1);
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
    MacCore core = Cores.core("E2M1", "E2M1", 64, 3);
    String good = core.verilog();
    // chain2 adds lane 2's ones' complement product (and lane 1's carry-in) to chain1; drop the
    // product, keep the carry-ins (lane 2's own goes to the accumulator adder).
    String bad =
        good.replaceAll(
            ("\\((\\{chain1\\[\\d+\\], chain1\\}) \\+ \\{\\{\\d+\\{lane2_io_prod\\[\\d+\\]\\}\\}, "
                    + "lane2_io_prod\\}\\)")
                .replace(" ", "\\s+"),
            "$1");
    assertNotEquals(good, bad, "tamper target not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      CrossCheck.Report r = cc.exhaustivePairs();
      // Lane 2 sees every pair once. The sum is then off by lane 2's ones' complement product,
      // which
      // is 0 only for a zero product with a positive sign: it is wrong for the 14 x 14 pairs of
      // non-zero codes, and for the zero products with signs that differ: +-0 times one of the 8
      // codes
      // of the other sign, either way round (16 + 16), less (+0, -0) and (-0, +0) counted twice:
      // 30.
      assertEquals(196 + 30, r.mismatches(), r::toString);
    }
  }

  // ---- E4M3 codes used below: 0x38 = 1.0, 0x40 = 2.0 (bias 7)

  /**
   * Runs {@code steps} through {@code bad} (the Verilog of {@code core} with one change) and
   * returns the report.
   */
  private static CrossCheck.Report tampered(
      MacCore core, String from, String to, List<int[]> steps) {
    String good = core.verilog();
    // a space in the pattern matches any whitespace: the emitter folds long lines
    String bad = good.replaceAll(from.replace(" ", "\\s+"), to);
    assertNotEquals(good, bad, "tamper target " + from + " not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      return cc.steps(steps);
    }
  }

  @Test
  void anIgnoredValidIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E4M3", "E4M3", 16, 1);
    // valid is the register's enable; without it every cycle adds its product
    // model acc: 1, 1, 1, 1, 2; with valid ignored: 1, 3, 5, 7, 8 -> 4 mismatches
    CrossCheck.Report r =
        tampered(
            core,
            "end else if \\(io_valid\\) begin",
            "end else begin",
            List.of(
                new int[] {1, 0, 0, 0, 0},
                new int[] {0, 1, 1, 0x38, 0x38},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 1, 0x38, 0x38}));
    assertEquals(4, r.mismatches(), r::toString);
  }

  @Test
  void anIgnoredClearIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E4M3", "E4M3", 16, 1);
    // the adder's operand (clear ? 0 : acc), in both parts of the register, without the clear (the
    // clear-without-valid branch never happens here: every clear comes with a product)
    // model acc: 1, 2, 2, 3; with clear ignored: 1, 2, 4, 5 -> 2 mismatches
    CrossCheck.Report r =
        tampered(
            core,
            "io_clear \\? \\d+'d0 : (acc\\[\\d+:\\d+\\])",
            "$1",
            List.of(
                new int[] {1, 0, 0, 0, 0},
                new int[] {0, 1, 1, 0x38, 0x38},
                new int[] {0, 0, 1, 0x38, 0x38},
                new int[] {0, 1, 1, 0x40, 0x38},
                new int[] {0, 0, 1, 0x38, 0x38}));
    assertEquals(2, r.mismatches(), r::toString);
  }

  @Test
  void anIgnoredResetIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E4M3", "E4M3", 16, 1);
    // model acc: 1, 2, 0 (reset), 1; with reset ignored: 1, 2, 2, 3 -> 2 mismatches
    CrossCheck.Report r =
        tampered(
            core,
            "(if \\(reset\\) begin\\s+acc <= )\\d+'d0;",
            "$1acc;",
            List.of(
                new int[] {0, 1, 1, 0x38, 0x38},
                new int[] {0, 0, 1, 0x38, 0x38},
                new int[] {1, 0, 0, 0, 0},
                new int[] {0, 0, 1, 0x38, 0x38}));
    assertEquals(2, r.mismatches(), r::toString);
  }

  @Test
  void aFlagThatIsNotStickyIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("float8_e5m2", "float8_e5m2", 16, 1);
    // 0x7E is NaN, 0x3C is 1.0. Model nan flag: 1, 1, 1, 0 (cleared); not sticky: 1, 0, 0, 0 -> 2
    // mismatches
    CrossCheck.Report r =
        tampered(
            core,
            "\\(io_clear \\? 1'b0 : flag_nan\\) \\| ",
            "",
            List.of(
                new int[] {1, 0, 0, 0, 0},
                new int[] {0, 1, 1, 0x7E, 0x3C},
                new int[] {0, 0, 1, 0x3C, 0x3C},
                new int[] {0, 0, 1, 0x3C, 0x3C},
                new int[] {0, 1, 1, 0x3C, 0x3C}));
    assertEquals(2, r.mismatches(), r::toString);
    assertTrue(
        r.examples().get(0).contains("flags hw nan=0 +inf=0 -inf=0 model nan=1"), r::toString);
  }

  @Test
  void aCoreWithTheWrongLatencyIsCaught() {
    RequireTools.verilatorBackend();
    MacCore piped = Cores.core("E4M3", "E4M3", 16, 1, "product");
    // the flat datapath under the pipelined core's name: the sum shows one cycle early
    String flat =
        MacGenerator.generate(Cores.spec("E4M3", "E4M3", 16, 1), piped.moduleName()).verilog();
    try (CrossCheck cc = new CrossCheck(piped, flat)) {
      // expected (latency 2): 0, 1, 2, 2; flat core: 1, 2, 2, 2 -> 2 mismatches
      CrossCheck.Report r =
          cc.steps(
              List.of(
                  new int[] {1, 0, 0, 0, 0},
                  new int[] {0, 1, 1, 0x38, 0x38},
                  new int[] {0, 0, 1, 0x38, 0x38},
                  new int[] {0, 0, 0, 0, 0},
                  new int[] {0, 0, 0, 0, 0}));
      assertEquals(2, r.mismatches(), r::toString);
    }
  }

  @Test
  void aStageValidStuckAtOneIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E4M3", "E4M3", 16, 1, "4");
    // The decode stage's valid register ignores io_valid. Same stimulus as anIgnoredValidIsCaught,
    // then 4 idle cycles of 0 x 0 (adds nothing either way) to drain the 5-cycle pipeline:
    // model acc 1, 1, 1, 1, 2; with the stage's valid stuck: 1, 3, 5, 7, 8 -> 4 mismatches
    CrossCheck.Report r =
        tampered(
            core,
            "d_valid <= io_valid;",
            "d_valid <= 1'b1;",
            List.of(
                new int[] {1, 0, 0, 0, 0},
                new int[] {0, 1, 1, 0x38, 0x38},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 0, 0x38, 0x40},
                new int[] {0, 0, 1, 0x38, 0x38},
                new int[] {0, 0, 0, 0, 0},
                new int[] {0, 0, 0, 0, 0},
                new int[] {0, 0, 0, 0, 0},
                new int[] {0, 0, 0, 0, 0}));
    assertEquals(4, r.mismatches(), r::toString);
  }

  @Test
  void aDroppedChunkCarryIsCaught() {
    RequireTools.verilatorBackend();
    MacCore core = Cores.core("E4M3", "E4M3", 16, 1, "4");
    // Chunk 1 never adds the carry chunk 0 produced. Adding -1.0 (0xB8 x 0x38 = -2^18 LSBs): the
    // ones' complement fills chunk 0 with ones and its carry-in of 1 overflows it, so the carry is
    // pending after that cycle; the resolve register still shows the right sum once (-1.0), and
    // from
    // the next cycle on, when chunk 1 should have absorbed it, the sum is 2^16 LSBs short. 11 steps
    // at latency 5 compare the states after the first 7: reset 0, -1.0, then 5 wrong.
    List<int[]> steps = new java.util.ArrayList<>();
    steps.add(new int[] {1, 0, 0, 0, 0});
    steps.add(new int[] {0, 1, 1, 0xB8, 0x38});
    for (int i = 0; i < 9; i++) steps.add(new int[] {0, 0, 0, 0, 0});
    CrossCheck.Report r =
        tampered(core, "\\{16'd0, p_clear \\? 1'b0 : acc_cy0\\}", "{16'd0, 1'b0}", steps);
    assertEquals(5, r.mismatches(), r::toString);
  }
}
