package org.exmy.hdl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model cache with real builds in separate JVMs ({@link CacheWorker}), each test in a private
 * EXMY_CACHE: concurrent processes on a fresh cache, the LRU cap, and entries in use by another
 * process. The later tests start from a copy of the first test's runtime and shim, so the suite
 * compiles Verilator's runtime once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheProcessesTest {
  /** A cache holding a built runtime and shim, from the first test (or built on demand). */
  private static Path seed;

  /** Where the seed lives, for the whole class. */
  @TempDir static Path classDir;

  @BeforeAll
  static void needTools() {
    RequireTools.verilatorBackend();
  }

  /** A worker JVM and its output, read as it comes. */
  record Worker(Process process, List<String> lines) {
    /** Waits for the worker; asserts exit code 0; returns its output. */
    List<String> finish() throws Exception {
      assertTrue(process.waitFor(10, TimeUnit.MINUTES), "worker timed out");
      Thread.sleep(50); // let the reader take the last lines
      synchronized (lines) {
        assertEquals(0, process.exitValue(), String.join("\n", lines));
        return List.copyOf(lines);
      }
    }

    void awaitLine(String line) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < until) {
        synchronized (lines) {
          if (lines.contains(line)) return;
        }
        assertTrue(process.isAlive(), "worker ended before '" + line + "': " + lines);
        Thread.sleep(20);
      }
      throw new AssertionError("no '" + line + "' from the worker: " + lines);
    }
  }

  static Worker start(Path cache, String max, String... ops) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CacheWorker.class.getName()));
    cmd.addAll(List.of(ops));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("EXMY_CACHE", cache.toString());
    if (max == null) pb.environment().remove("EXMY_CACHE_MAX");
    else pb.environment().put("EXMY_CACHE_MAX", max);
    Process p = pb.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
              } catch (IOException e) {
                lines.add("(reading the worker failed: " + e + ")");
              }
            });
    reader.setDaemon(true);
    reader.start();
    return new Worker(p, lines);
  }

  private static long count(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).count();
  }

  /** The entry folder a worker reported for {@code tag}. */
  private static String entry(List<String> lines, String tag) {
    return lines.stream()
        .filter(l -> l.matches("(built|cached) " + tag + " .*"))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + tag + " in " + lines))
        .split(" ")[2];
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @Order(1)
  void twoProcessesOnAFreshCacheBuildEachEntryOnce() throws Exception {
    Path cache = classDir.resolve("fresh");
    // Both need the runtime, the shim and model "shared" first; then one private model each.
    Worker one = start(cache, null, "load:shared", "load:only1");
    Worker two = start(cache, null, "load:shared", "load:only2");
    List<String> a = one.finish();
    List<String> b = two.finish();
    List<String> both = new ArrayList<>(a);
    both.addAll(b);
    assertEquals(1, count(both, "built shared "), both.toString());
    assertEquals(1, count(both, "cached shared "), both.toString());
    assertEquals(1, count(a, "built only1 "), a.toString());
    assertEquals(1, count(b, "built only2 "), b.toString());
    assertEquals(
        1, count(both, "runtime-builds 1"), "the runtime is compiled by one process: " + both);
    assertEquals(1, count(both, "shim-builds 1"), "the shim is compiled by one process: " + both);
    assertEquals(entry(a, "shared"), entry(b, "shared"));

    Path v = cache.resolve("verilator");
    List<String> n = names(v);
    assertEquals(
        3,
        n.stream().filter(s -> s.startsWith("model-") && !s.endsWith(".lock")).count(),
        n.toString());
    assertEquals(
        1,
        n.stream().filter(s -> s.startsWith("runtime-") && !s.endsWith(".lock")).count(),
        n.toString());
    assertEquals(
        1,
        n.stream().filter(s -> s.startsWith("shim-") && !s.endsWith(".lock")).count(),
        n.toString());
    assertTrue(n.stream().noneMatch(s -> s.contains(".tmp")), "no temporary leftovers: " + n);
    for (String tag : List.of("shared", "only1", "only2")) {
      Path e = v.resolve(tag.equals("only2") ? entry(b, tag) : entry(a, tag));
      assertTrue(
          Files.isRegularFile(e.resolve("libmodel.so"))
              && Files.isRegularFile(e.resolve("last-used")),
          e + "");
    }
    seed = v;
  }

  /** A fresh cache holding only a copy of the seed's runtime, shim and toolchain probe. */
  private static Path seeded(Path base) throws Exception {
    if (seed == null) {
      Path s = classDir.resolve("seed");
      start(s, null, "load:seed").finish();
      seed = s.resolve("verilator");
    }
    Path v = Files.createDirectories(base.resolve("cache").resolve("verilator"));
    for (String n : names(seed)) {
      if (n.endsWith(".lock") || n.startsWith("model-")) continue;
      Path from = seed.resolve(n);
      try (Stream<Path> s = Files.walk(from)) {
        for (Path f : s.toList())
          Files.copy(
              f,
              v.resolve(n).resolve(from.relativize(f).toString()),
              StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return v;
  }

  @Test
  @Order(2)
  void overTheCapTheLeastRecentlyUsedModelGoesAfterEachBuild(@TempDir Path base) throws Exception {
    Path v = seeded(base);
    long fixed = ModelCache.treeSize(v); // runtime + shim + probe: never evicted
    List<String> first = start(v.getParent(), null, "load:m0").finish();
    long model = ModelCache.treeSize(v.resolve(entry(first, "m0")));
    assertTrue(model > 50_000, "a compiled model is some 250 KB: " + model);
    long cap = fixed + model * 7 / 2; // room for three and a half models
    // Uses: m1, m2 built; m0 used again (now more recent than m1, m2); m3 built: four models, one
    // too many, so the least recently used, m1, goes; m1 again: rebuilt, and now m2 is the oldest.
    List<String> out =
        start(
                v.getParent(),
                Long.toString(cap),
                "load:m1",
                "load:m2",
                "load:m0",
                "load:m3",
                "load:m1")
            .finish();
    List<String> verbs =
        out.stream()
            .filter(l -> l.startsWith("built") || l.startsWith("cached"))
            .map(l -> l.split(" ")[0] + " " + l.split(" ")[1])
            .toList();
    assertEquals(List.of("built m1", "built m2", "cached m0", "built m3", "built m1"), verbs);
    List<String> n = names(v);
    for (String kept : List.of("m0", "m3", "m1"))
      assertTrue(n.contains(entry(out, kept)), kept + " kept: " + n);
    assertFalse(n.contains(entry(out, "m2")), "m2 evicted: " + n);
    assertTrue(ModelCache.treeSize(v) <= cap, ModelCache.treeSize(v) + " > cap " + cap);
    assertEquals(
        3,
        n.stream().filter(s -> s.startsWith("model-") && !s.endsWith(".lock")).count(),
        n.toString());
    System.out.printf(
        "cache cap %d bytes (runtime+shim+probe %d, one model %d): %s; %d bytes left%n",
        cap, fixed, model, verbs, ModelCache.treeSize(v));
  }

  @Test
  @Order(3)
  void aModelInUseByAnotherProcessSurvivesAZeroCap(@TempDir Path base) throws Exception {
    Path v = seeded(base);
    Path release = base.resolve("release");
    Worker holder = start(v.getParent(), null, "hold:held", "await:" + release);
    holder.awaitLine("holding held");
    List<String> out = start(v.getParent(), "0", "load:o1", "load:o2").finish();
    List<String> n = names(v);
    Files.createFile(release);
    List<String> held = holder.finish();
    assertTrue(n.contains(entry(held, "held")), "held by the other process: kept " + n);
    assertFalse(n.contains(entry(out, "o1")), "o1 closed, so evicted after o2's build: " + n);
    assertTrue(n.contains(entry(out, "o2")), "o2 in use while its own build evicts: kept " + n);
    assertTrue(
        n.stream().anyMatch(s -> s.startsWith("runtime-"))
            && n.stream().anyMatch(s -> s.startsWith("shim-")),
        "the runtime and shim are never evicted: " + n);
  }
}
