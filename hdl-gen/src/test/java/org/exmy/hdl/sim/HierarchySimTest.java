package org.exmy.hdl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.exmy.hdl.Component;
import org.exmy.hdl.Hierarchy;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;

/** The two-level {@link Hierarchy#quad()} design simulated in Verilator against a Java model. */
class HierarchySimTest {

  @Test
  void quadMatchesItsJavaModelCycleByCycle() {
    RequireTools.verilatorBackend();
    Component quad = Hierarchy.quad();
    List<SimPort> ports =
        quad.ports().stream().map(p -> new SimPort(p.name(), p.input(), p.width())).toList();
    try (VerilatorSim sim = VerilatorSim.load(quad.toVerilog(), "quad", ports, "clk")) {
      Random rnd = new Random(3);
      int n = 5000;
      Batch b = sim.newBatch(n + 1);
      int[] acc = new int[4]; // left.lo, left.hi, right.lo, right.hi
      long[] want = new long[n + 1];
      b.set("reset", 1).set("io_clear", 0).set("io_p", 0).set("io_q", 0).set("io_r", 0).endStep();
      b.set("reset", 0);
      for (int i = 1; i <= n; i++) {
        int clear = rnd.nextInt(300) == 0 ? 1 : 0;
        int p = rnd.nextInt(256);
        int q = rnd.nextInt(256);
        int r = rnd.nextInt(256);
        b.set("io_clear", clear).set("io_p", p).set("io_q", q).set("io_r", r).endStep();
        int[] x = {p, (swap(q) + 1) & 0xff, q ^ r, (swap(r) + 1) & 0xff};
        for (int k = 0; k < 4; k++) acc[k] = ((clear == 1 ? 0 : acc[k]) + x[k]) & 0xffff;
        want[i] = (long) acc[0] + acc[1] + acc[2] + acc[3];
      }
      b.run();
      for (int i = 0; i <= n; i++) assertEquals(want[i], b.get(i, "io_sum"), "cycle " + i);
    }
  }

  private static int swap(int x) {
    return ((x & 0xf) << 4) | (x >> 4);
  }
}
