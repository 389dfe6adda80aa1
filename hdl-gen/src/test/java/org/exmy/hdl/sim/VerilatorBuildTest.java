package org.exmy.hdl.sim;

import static org.exmy.hdl.sim.Fixtures.MUL_PORTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Building: the content-hash cache, concurrency, and the error messages of failing tools. */
class VerilatorBuildTest {
  @BeforeAll
  static void needTools() {
    RequireTools.verilatorBackend();
  }

  /** A multiplier whose source is unique to this call, so its first load must compile. */
  private static String freshMultiplier() {
    return "// nonce " + UUID.randomUUID() + "\n" + Fixtures.MUL;
  }

  private static void check(VerilatorSim sim, int a, int b) {
    Batch batch = sim.newBatch(1);
    batch.set("a", a).set("b", b).endStep();
    batch.run();
    assertEquals((long) a * b, batch.get(0, "p"));
  }

  @Test
  void secondLoadOfTheSameSourceDoesNotRecompile() {
    String src = freshMultiplier();
    int builds = VerilatorSim.buildCount();
    Path dir;
    try (VerilatorSim first = VerilatorSim.load(src, "mul8", MUL_PORTS, null)) {
      assertFalse(VerilatorSim.lastLoadWasCached(), "a new source is compiled");
      assertEquals(builds + 1, VerilatorSim.buildCount());
      check(first, 12, 13);
      dir = first.library().getParent();
      assertTrue(dir.startsWith(VerilatorSim.cacheDir()), dir + " is in the cache");
    }
    try (VerilatorSim second = VerilatorSim.load(src, "mul8", MUL_PORTS, null)) {
      assertTrue(VerilatorSim.lastLoadWasCached(), "same source: taken from the cache");
      assertEquals(builds + 1, VerilatorSim.buildCount(), "no second build");
      assertEquals(dir, second.library().getParent());
      check(second, 250, 251);
    }
    // a different port list (here: ports in another order) is a different model
    List<SimPort> reordered = List.of(MUL_PORTS.get(1), MUL_PORTS.get(0), MUL_PORTS.get(2));
    try (VerilatorSim third = VerilatorSim.load(src, "mul8", reordered, null)) {
      assertFalse(VerilatorSim.lastLoadWasCached());
      assertEquals(List.of("b", "a"), third.inputs().stream().map(SimPort::name).toList());
      check(third, 7, 9);
      ModelBuilder.deleteTree(third.library().getParent());
    } finally {
      ModelBuilder.deleteTree(dir); // do not litter the shared cache with nonce models
    }
  }

  @Test
  void concurrentLoadsOfANewModelBuildItOnce() throws Exception {
    String src = freshMultiplier();
    int builds = VerilatorSim.buildCount();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<VerilatorSim> sims = new ArrayList<>();
    try {
      List<Future<VerilatorSim>> fs = new ArrayList<>();
      for (int i = 0; i < 3; i++)
        fs.add(pool.submit(() -> VerilatorSim.load(src, "mul8", MUL_PORTS, null)));
      for (Future<VerilatorSim> f : fs) sims.add(f.get());
      assertEquals(builds + 1, VerilatorSim.buildCount(), "three threads, one build");
      for (int i = 0; i < sims.size(); i++) check(sims.get(i), 100 + i, 200 + i);
      try (var s = Files.list(VerilatorSim.cacheDir())) {
        String name = sims.get(0).library().getParent().getFileName().toString();
        assertTrue(
            s.noneMatch(p -> p.getFileName().toString().startsWith(name + ".tmp")),
            "no temp leftovers");
      }
    } finally {
      pool.shutdownNow();
      for (VerilatorSim s : sims) s.close();
      if (!sims.isEmpty()) ModelBuilder.deleteTree(sims.get(0).library().getParent());
    }
  }

  @Test
  void syntaxErrorCarriesVerilatorsMessage() {
    String bad = "module broken (input wire a, output wire y);\n  assign y = a +;\nendmodule\n";
    int builds = VerilatorSim.buildCount();
    SimException e =
        assertThrows(
            SimException.class,
            () ->
                VerilatorSim.load(
                    bad,
                    "broken",
                    List.of(new SimPort("a", true, 1), new SimPort("y", false, 1)),
                    null));
    String m = e.getMessage();
    assertTrue(m.contains("verilator failed"), m);
    assertTrue(
        m.contains("%Error: broken.v:2:"), "the verilator error line with file and line: " + m);
    assertTrue(m.contains("syntax error"), m);
    assertEquals(builds, VerilatorSim.buildCount());
  }

  @Test
  void unknownTopModuleIsReported() {
    SimException e =
        assertThrows(
            SimException.class, () -> VerilatorSim.load(Fixtures.MUL, "mul9", MUL_PORTS, null));
    assertTrue(e.getMessage().contains("mul9"), e.getMessage());
    assertTrue(e.getMessage().contains("%Error"), e.getMessage());
  }

  @Test
  void portListMismatchIsReported() {
    List<SimPort> wrongWidth =
        List.of(new SimPort("a", true, 8), new SimPort("b", true, 8), new SimPort("p", false, 8));
    SimException e =
        assertThrows(
            SimException.class, () -> VerilatorSim.load(Fixtures.MUL, "mul8", wrongWidth, null));
    assertTrue(
        e.getMessage().contains("'p' is declared 8 bits wide but is 16 bits"), e.getMessage());
    assertTrue(e.getMessage().contains("output p[16]"), e.getMessage());

    List<SimPort> wrongDirection = List.of(new SimPort("a", true, 8), new SimPort("b", false, 8));
    e =
        assertThrows(
            SimException.class,
            () -> VerilatorSim.load(Fixtures.MUL, "mul8", wrongDirection, null));
    assertTrue(e.getMessage().contains("'b' is declared output but is input"), e.getMessage());

    List<SimPort> missing = List.of(new SimPort("a", true, 8), new SimPort("c", true, 8));
    e =
        assertThrows(
            SimException.class, () -> VerilatorSim.load(Fixtures.MUL, "mul8", missing, null));
    assertTrue(e.getMessage().contains("'c' is not a port"), e.getMessage());
  }

  @Test
  void cacheDirFollowsTheEnvironment() {
    String env = System.getenv("EXMY_CACHE");
    Path want =
        env != null && !env.isBlank()
            ? Path.of(env, "verilator")
            : Path.of(System.getProperty("user.home"), ".cache", "exmy", "verilator");
    assertEquals(want, VerilatorSim.cacheDir());
  }
}
