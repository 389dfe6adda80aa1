package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exmy cache info|clear} on a private EXMY_CACHE (a separate process: its own environment).
 */
class CacheCommandTest {

  private static Map<String, String> env(Path cache, String max) {
    Map<String, String> env = new HashMap<>();
    env.put("EXMY_CACHE", cache.toString());
    env.put("EXMY_CACHE_MAX", max);
    return env;
  }

  @Test
  void infoAndClearOnAHandMadeCache(@TempDir Path dir) throws Exception {
    Path v = Files.createDirectories(dir.resolve("cache/verilator"));
    // two models (1000 + 2000 bytes), a runtime (500), a leftover temporary folder (7), a probe (3)
    Files.write(
        Files.createDirectories(v.resolve("model-a-1")).resolve("libmodel.so"), new byte[1000]);
    Files.write(
        Files.createDirectories(v.resolve("model-b-2")).resolve("libmodel.so"), new byte[2000]);
    Files.write(
        Files.createDirectories(v.resolve("runtime-r")).resolve("verilated.o"), new byte[500]);
    Files.write(Files.createDirectories(v.resolve("model-c-3.tmp99")).resolve("half"), new byte[7]);
    Files.write(v.resolve("toolchain-t.txt"), new byte[3]);

    ExmyProcess info =
        ExmyProcess.start(
            dir.resolve("p1"), env(dir.resolve("cache"), "1M"), false, "cache", "info");
    assertEquals(0, info.waitFor(60), info.stderr());
    assertEquals(
        "path: "
            + v
            + "\nentries: 3 (2 models)\nsize: 3510 bytes (0.0 MiB)\n"
            + "cap: 1048576 bytes (1.0 MiB, EXMY_CACHE_MAX)\n",
        info.stdout());

    ExmyProcess clear =
        ExmyProcess.start(
            dir.resolve("p2"), env(dir.resolve("cache"), "1M"), false, "cache", "clear");
    assertEquals(0, clear.waitFor(60), clear.stderr());
    assertEquals("removed 3 entries (3510 bytes) from " + v + "\n", clear.stdout());
    try (var s = Files.list(v)) {
      assertEquals(0, s.count(), "nothing left, lock files included");
    }
  }

  @Test
  void aBadCapIsBadInput(@TempDir Path dir) throws Exception {
    ExmyProcess p =
        ExmyProcess.start(dir, env(dir.resolve("cache"), "12Q"), false, "cache", "info");
    assertEquals(2, p.waitFor(60));
    assertEquals(
        "exmy: error: EXMY_CACHE_MAX: '12Q' is not a size (bytes, or a number with K, M or G)\n",
        p.stderr());
    ExmyProcess v =
        ExmyProcess.start(
            dir.resolve("v"), env(dir.resolve("cache"), "2X"), false, "verify", "E2M1");
    assertEquals(2, v.waitFor(60));
    assertEquals(
        "exmy: error: EXMY_CACHE_MAX: '2X' is not a size (bytes, or a number with K, M or G)\n",
        v.stderr());
  }
}
