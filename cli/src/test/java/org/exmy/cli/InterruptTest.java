package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: {@code exmy} in its own JVM, interrupted while a tool runs. Expected: exit code
 * 130, exactly the line "exmy: interrupted" on stderr, no tool left running, no half-built {@code
 * *.tmp*} folder in its (private, fresh) model cache.
 */
class InterruptTest {

  /** The executable of a process, or "". */
  private static String command(ProcessHandle p) {
    return p.info().command().orElse("");
  }

  private static boolean isCompiler(ProcessHandle p) {
    String c = command(p);
    return c.contains("g++") || c.endsWith("cc1plus") || c.contains("verilator");
  }

  /**
   * Waits (up to 2 minutes) until a descendant of {@code exmy} matches, and returns all descendants
   * then.
   */
  private static List<ProcessHandle> awaitChild(ExmyProcess exmy, Predicate<ProcessHandle> which)
      throws Exception {
    long until = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < until) {
      List<ProcessHandle> kids = exmy.process().descendants().toList();
      if (kids.stream().anyMatch(which)) return kids;
      assertTrue(exmy.process().isAlive(), "exmy ended before the tool started: " + exmy.stderr());
      Thread.sleep(10);
    }
    throw new AssertionError("no such tool started within 2 minutes");
  }

  private static void assertCleanInterruption(
      ExmyProcess exmy, List<ProcessHandle> kids, Path cache, Path work) throws Exception {
    int code = exmy.waitFor(60);
    assertEquals("exmy: interrupted\n", exmy.stderr(), "one line, no tool log");
    assertEquals(130, code);
    for (ProcessHandle k : kids) {
      Optional<Boolean> exited = Optional.empty();
      try {
        exited = Optional.of(k.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS) != null);
      } catch (java.util.concurrent.TimeoutException e) {
        // still running: reported below
      }
      assertTrue(exited.isPresent() && !k.isAlive(), "left running: " + k.pid() + " " + command(k));
    }
    // nothing at all still running on our private folders (orphans would have a new parent)
    String[] mine = {cache.toString(), work.toString()};
    List<String> strays =
        ProcessHandle.allProcesses()
            .filter(ProcessHandle::isAlive)
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .map(l -> Stream.of(mine).anyMatch(l::contains))
                        .orElse(false))
            .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
            .toList();
    assertEquals(List.of(), strays);
    if (Files.isDirectory(cache.resolve("verilator"))) {
      try (Stream<Path> s = Files.list(cache.resolve("verilator"))) {
        List<String> tmp =
            s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList();
        assertEquals(List.of(), tmp, "half-built folders left in the cache");
      }
    }
  }

  @Test
  void sigintToTheJvmAloneDuringAVerilatorBuild(@TempDir Path dir) throws Exception {
    RequireTools.verilatorBackend();
    Path cache = dir.resolve("cache");
    // a fresh cache: exmy first compiles Verilator's runtime with g++ (seconds)
    ExmyProcess exmy =
        ExmyProcess.start(
            dir.resolve("run"),
            Map.of("EXMY_CACHE", cache.toString()),
            false,
            "verify",
            "E2M1",
            "--sequences",
            "1");
    List<ProcessHandle> kids = awaitChild(exmy, InterruptTest::isCompiler);
    exmy.kill(
        "INT", false); // the JVM only, as `kill -INT <pid>` does: the tools must be stopped by exmy
    assertCleanInterruption(exmy, kids, cache, dir);
  }

  @Test
  void ctrlCToTheProcessGroupDuringYosys(@TempDir Path dir) throws Exception {
    RequireTools.yosys();
    Path work = dir.resolve("synth");
    ExmyProcess exmy =
        ExmyProcess.start(
            dir.resolve("run"),
            Map.of("EXMY_CACHE", dir.resolve("cache").toString()),
            true,
            "synth",
            "float8_e5m2",
            "--dsp",
            "nodsp",
            "-o",
            work.toString());
    List<ProcessHandle> kids = awaitChild(exmy, p -> command(p).contains("yosys"));
    Thread.sleep(300); // let Yosys get going
    exmy.kill("INT", true); // like Ctrl-C in a terminal: yosys and the JVM both get SIGINT
    assertCleanInterruption(exmy, kids, dir.resolve("cache"), work);
    assertFalse(Files.exists(work.resolve("synth.csv")), "no report from an interrupted run");
  }

  @Test
  void sigintToTheJvmAloneDuringYosys(@TempDir Path dir) throws Exception {
    RequireTools.yosys();
    Path work = dir.resolve("synth");
    ExmyProcess exmy =
        ExmyProcess.start(
            dir.resolve("run"),
            Map.of("EXMY_CACHE", dir.resolve("cache").toString()),
            false,
            "synth",
            "float8_e5m2",
            "--dsp",
            "nodsp",
            "-o",
            work.toString());
    List<ProcessHandle> kids = awaitChild(exmy, p -> command(p).contains("yosys"));
    Thread.sleep(300);
    exmy.kill("INT", false);
    assertCleanInterruption(exmy, kids, dir.resolve("cache"), work);
  }
}
