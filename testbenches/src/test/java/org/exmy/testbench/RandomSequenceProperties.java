package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import org.exmy.mac.MacCore;
import org.exmy.testsupport.RequireTools;
import org.exmy.testsupport.SkipWithoutVerilator;

/**
 * jqwik-generated cycle sequences (reset/clear/valid/operands) for the float8_e5m2 core (with
 * specials).
 */
class RandomSequenceProperties {
  private static CrossCheck check;

  private static synchronized CrossCheck check() {
    if (check == null) {
      // 32 terms: short random sequences already exercise the accumulator's wrap-around.
      MacCore core = Cores.core("float8_e5m2", "float8_e5m2", 32, 1);
      check = new CrossCheck(core);
    }
    return check;
  }

  @AfterContainer
  static void close() {
    if (check != null) check.close();
    check = null;
  }

  @Property(tries = 200)
  @AddLifecycleHook(SkipWithoutVerilator.class)
  void coreMatchesModel(@ForAll("sequences") List<int[]> steps) {
    RequireTools.verilatorBackend();
    List<int[]> all = new ArrayList<>();
    all.add(new int[] {1, 0, 0, 0, 0}); // start from reset
    all.addAll(steps);
    CrossCheck.Report r = check().steps(all);
    assertTrue(r.passed(), r::toString);
  }

  @Provide
  Arbitrary<List<int[]>> sequences() {
    Arbitrary<int[]> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 99).map(x -> x == 0 ? 1 : 0),
                Arbitraries.integers().between(0, 19).map(x -> x == 0 ? 1 : 0),
                Arbitraries.integers().between(0, 9).map(x -> x == 0 ? 0 : 1),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255))
            .as((r, c, v, a, b) -> new int[] {r, c, v, a, b});
    return step.list().ofMinSize(1).ofMaxSize(200);
  }
}
