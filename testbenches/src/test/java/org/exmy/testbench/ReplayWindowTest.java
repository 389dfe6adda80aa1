package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.exmy.mac.MacCore;
import org.junit.jupiter.api.Test;

/** Which cycles a replay holds, and how they are packed into lines (no tools needed). */
class ReplayWindowTest {
  private final MacCore core = Cores.core("E2M1", "E2M1", 16, 1, "product");

  /**
   * 400 steps: a clear at 0 and 200, otherwise the same step (valid, a = b = 0x2); steps 300..399
   * use a = 0x3. The failure is at 350: the window is 286..358 (64 before, 8 after).
   */
  private List<int[]> steps() {
    List<int[]> s = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      s.add(new int[] {0, i == 0 || i == 200 ? 1 : 0, 1, i < 300 ? 2 : 3, 2});
    }
    return s;
  }

  @Test
  void equalCyclesBeforeTheWindowShareALineAndTheWindowHasOneLineEach() {
    Replay.Window w =
        Replay.collect(Stimulus.of(core, steps()), 1, 350, 358, Replay.MAX_FULL_LINES);
    assertTrue(w.fromStart());
    assertEquals(0, w.start());
    // [0] [1..199] [200] [201..285], then 286..358 one by one: 4 + 73 lines
    assertEquals(77, w.lines().size());
    assertEquals(199, w.lines().get(1).count);
    assertEquals(1, w.lines().get(1).cycle);
    assertEquals(200, w.lines().get(2).cycle);
    assertTrue(w.lines().get(2).clear);
    assertEquals(85, w.lines().get(3).count);
    for (int i = 4; i < 77; i++) {
      assertEquals(1, w.lines().get(i).count);
      assertEquals(286 + i - 4, w.lines().get(i).cycle);
    }
  }

  @Test
  void aLongPrefixStartsAtTheLastClearBeforeTheWindow() {
    Replay.Window w = Replay.collect(Stimulus.of(core, steps()), 1, 350, 358, 10);
    assertFalse(w.fromStart());
    assertTrue(w.clean());
    assertEquals(200, w.start());
    assertEquals(2 + 73, w.lines().size());
  }

  @Test
  void theInputsOfTheFailingCycleAndOfTheCycleItShows() {
    Replay.Window w =
        Replay.collect(Stimulus.of(core, steps()), 1, 300, 308, Replay.MAX_FULL_LINES);
    String[] in = Replay.inputsAround(core, w, 300); // latency 2: cycle 300 shows cycle 299
    assertEquals("reset=0 clear=0 valid=1 a=0x3 (1.5) b=0x2 (1)", in[0]);
    assertEquals("reset=0 clear=0 valid=1 a=0x2 (1) b=0x2 (1)", in[1]);
    String[] first = Replay.inputsAround(core, w, 0);
    assertTrue(first[1].startsWith("none: before cycle 0"), first[1]);
    MacCore flat = Cores.core("E2M1", "E2M1", 16, 1);
    assertNull(Replay.inputsAround(flat, w, 300)[1], "latency 1: the cycle itself");
  }
}
