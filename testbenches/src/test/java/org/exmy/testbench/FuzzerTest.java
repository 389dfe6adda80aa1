package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;

/** The fuzzer proves a good core and reports every way a bad one fails. */
class FuzzerTest {
  private static final FuzzConfig E2M1 =
      new FuzzConfig(9, Cores.spec("E2M1", "E2M1", 16, 1), 5, 40);

  @Test
  void aGoodCorePasses() {
    RequireTools.verilatorBackend();
    Fuzzer.Outcome o = Fuzzer.prove(E2M1, null);
    assertTrue(o.passed(), () -> String.join("\n", o.failures()));
    // 256 pairs, the random sequences, 2 * 16 + 3 wrap-around cycles and 3 x 16 worst-case cycles
    assertTrue(o.vectors() > 256 + 35 + 48, "vectors " + o.vectors());
    assertEquals("exmy_mac_e2m1_t16", o.module());
  }

  /**
   * The sign of b ignored: the pairs, the random sequences and the worst-case oracle (its largest
   * negative product comes out positive) all fail, and the lint finds b_sign unused.
   */
  @Test
  void aSignBugFailsEveryCheck() {
    RequireTools.verilatorBackend();
    Fuzzer.Outcome o =
        Fuzzer.prove(
            E2M1, null, v -> v.replace("prod_neg = a_sign ^ b_sign;", "prod_neg = a_sign;"));
    assertFalse(o.passed());
    List<String> f = o.failures();
    assertEquals(4, f.size(), () -> String.join("\n", f));
    assertTrue(f.get(0).contains("UNUSEDSIGNAL") && f.get(0).contains("'b_sign'"), f.get(0));
    assertTrue(
        f.get(1).contains("exhaustive pairs") && f.get(1).contains("first mismatch"), f.get(1));
    assertTrue(f.get(2).contains("random sequences"), f.get(2));
    assertTrue(f.get(3).contains("largest negative worst-case sums"), f.get(3));
    assertTrue(o.repros().isEmpty(), "no failures folder, no repro");
  }

  /** Verilog that is not lint-clean is a failure of its own. */
  @Test
  void anUnusedWireFailsTheLint() {
    RequireTools.verilatorBackend();
    Fuzzer.Outcome o =
        Fuzzer.prove(
            E2M1,
            null,
            v ->
                v.replace(
                    "  assign io_acc = acc;",
                    "  wire [3:0] spare = io_a;\n  assign io_acc = acc;"));
    assertEquals(1, o.failures().size(), () -> String.join("\n", o.failures()));
    String lint = o.failures().get(0);
    assertTrue(
        lint.startsWith("verilator --lint-only -Wall is not clean")
            && lint.contains("UNUSEDSIGNAL")
            && lint.contains("'spare'"),
        lint);
  }
}
