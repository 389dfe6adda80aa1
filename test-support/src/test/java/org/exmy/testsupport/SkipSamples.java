package org.exmy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test classes that SkippedToolsSummaryTest runs through its own launcher (the name matches no
 * surefire pattern, so Maven does not run them directly).
 */
final class SkipSamples {
  private SkipSamples() {}

  /** Two tests and a parameterized one, all skipped by the class's @BeforeAll: counts 3. */
  static class WholeClassSkipped {
    @BeforeAll
    static void tools() {
      Assumptions.abort(RequireTools.SKIP_PREFIX + "verilator not found");
    }

    @Test
    void one() {}

    @Test
    void two() {}

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void three(int x) {}
  }

  /** One test skipped for a tool (counts), one for another reason (does not), one that runs. */
  static class Mixed {
    @Test
    void skippedForATool() {
      Assumptions.abort(RequireTools.SKIP_PREFIX + "yosys not found");
    }

    @Test
    void skippedForAnotherReason() {
      Assumptions.abort("not on Tuesdays");
    }

    @Test
    void runs() {
      assertEquals(2, 1 + 1);
    }
  }

  /** Nothing skipped for a tool: no summary line. */
  static class Plain {
    @Test
    void skippedForAnotherReason() {
      Assumptions.abort("not on Tuesdays");
    }

    @Test
    void runs() {
      assertEquals(4, 2 * 2);
    }
  }
}
