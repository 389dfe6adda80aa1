package org.exmy.hdl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's bookkeeping on a hand-made cache folder (no tools needed): sizes, LRU eviction,
 * entries in use, stale temporary folders, clear. Real builds: CacheProcessesTest.
 */
class ModelCacheTest {

  @Test
  void sizesTakeBinarySuffixes() {
    assertEquals(0, ModelCache.parseSize("0"));
    assertEquals(1234, ModelCache.parseSize("1234"));
    assertEquals(1234, ModelCache.parseSize("1234b"));
    assertEquals(500L * 1024, ModelCache.parseSize("500K"));
    assertEquals(1024, ModelCache.parseSize("1 KB"));
    assertEquals(64L << 20, ModelCache.parseSize("64MiB"));
    assertEquals(2L << 30, ModelCache.parseSize(ModelCache.DEFAULT_MAX_TEXT), "default cap 2 GiB");
    assertEquals(3L << 40, ModelCache.parseSize("3t"));
    for (String bad :
        List.of("", "-1", "1.5G", "12Q", "G", "1e9", "99999999999G", "99999999999999999999")) {
      assertThrows(IllegalArgumentException.class, () -> ModelCache.parseSize(bad), bad);
    }
  }

  /** An entry folder with one file of {@code bytes} bytes, last used at {@code usedMillis}. */
  private static Path entry(Path cache, String name, int bytes, long usedMillis)
      throws IOException {
    Path e = Files.createDirectories(cache.resolve(name));
    Files.write(e.resolve("payload"), new byte[bytes]);
    Path lu = Files.createFile(e.resolve(ModelCache.LAST_USED));
    Files.setLastModifiedTime(lu, FileTime.fromMillis(usedMillis));
    return e;
  }

  /** runtime 1000 + shim 500 + models a..d 300 each + toolchain memo 10 = 2710 bytes. */
  private static Path cache(Path dir) throws IOException {
    Path c = Files.createDirectories(dir.resolve("verilator"));
    entry(c, "runtime-r", 1000, 500);
    entry(c, "shim-s", 500, 600);
    entry(c, "model-a-1", 300, 1000);
    entry(c, "model-b-2", 300, 3000);
    entry(c, "model-c-3", 300, 2000);
    entry(c, "model-d-4", 300, 4000);
    Files.write(c.resolve("toolchain-t.txt"), new byte[10]);
    assertEquals(2710, ModelCache.treeSize(c));
    return c;
  }

  @Test
  void evictsLeastRecentlyUsedModelsUntilTheCacheFits(@TempDir Path dir) throws IOException {
    Path c = cache(dir);
    assertEquals(List.of(), ModelCache.evictOverCap(c, 2710), "fits: nothing to do");
    // 2710 - a(300) = 2410 > 2200; - c(300) = 2110 <= 2200: a and c, the two least recently used
    assertEquals(List.of("model-a-1", "model-c-3"), ModelCache.evictOverCap(c, 2200));
    assertEquals(2110, ModelCache.treeSize(c));
    assertFalse(Files.exists(c.resolve("model-a-1.lock")), "an evicted entry's lock file goes too");
    try (Stream<Path> s = Files.list(c)) {
      assertEquals(
          List.of("model-b-2", "model-d-4", "runtime-r", "shim-s", "toolchain-t.txt"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aModelInUseIsNeverEvictedNorAreRuntimeAndShim(@TempDir Path dir) throws IOException {
    Path c = cache(dir);
    try (CacheLocks.Use use = CacheLocks.use(c.resolve("model-a-1"))) {
      assertEquals(List.of("model-c-3", "model-b-2", "model-d-4"), ModelCache.evictOverCap(c, 0));
      assertTrue(Files.isDirectory(c.resolve("model-a-1")));
    }
    assertEquals(List.of("model-a-1"), ModelCache.evictOverCap(c, 0), "released: it goes too");
    assertTrue(Files.isDirectory(c.resolve("runtime-r")) && Files.isDirectory(c.resolve("shim-s")));
  }

  @Test
  void aTouchMakesAnEntryTheMostRecentlyUsed(@TempDir Path dir) throws IOException {
    Path c = cache(dir);
    ModelCache.touch(c.resolve("model-a-1"));
    assertEquals(List.of("model-c-3", "model-b-2"), ModelCache.evictOverCap(c, 2200));
  }

  @Test
  void staleTemporaryFoldersGoUnlessTheirEntryIsLocked(@TempDir Path dir) throws IOException {
    Path c = cache(dir);
    Path old = Files.createDirectories(c.resolve("model-x-9.tmp123"));
    Files.writeString(old.resolve("half.o"), "x");
    Path fresh = Files.createDirectories(c.resolve("model-y-8.tmp456"));
    Path oldButBuilding = Files.createDirectories(c.resolve("model-z-7.tmp789"));
    long now = 10_000_000L;
    Files.setLastModifiedTime(old, FileTime.fromMillis(now - ModelCache.STALE_MILLIS - 1));
    Files.setLastModifiedTime(fresh, FileTime.fromMillis(now - 1000));
    Files.setLastModifiedTime(oldButBuilding, FileTime.fromMillis(0));
    try (CacheLocks.Use building =
        CacheLocks.use(c.resolve("model-z-7"))) { // stands for another builder
      ModelCache.removeStale(c, now - ModelCache.STALE_MILLIS, null);
    }
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(fresh));
    assertTrue(Files.exists(oldButBuilding));
  }

  @Test
  void clearRemovesAllButWhatIsInUse(@TempDir Path dir) throws IOException {
    Path c = cache(dir);
    Files.createDirectories(c.resolve("model-q-5.tmp1"));
    assertEquals(new ModelCache.Info(c, 6, 4, 2710, 9999), ModelCache.info(c, 9999));
    ModelCache.Cleared r;
    try (CacheLocks.Use use = CacheLocks.use(c.resolve("model-b-2"))) {
      r = ModelCache.clear(c);
    }
    assertEquals(new ModelCache.Cleared(5, 2710 - 300, 1), r);
    try (Stream<Path> s = Files.list(c)) {
      assertEquals(
          List.of("model-b-2", "model-b-2.lock"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(new ModelCache.Info(c, 1, 1, 300, 1), ModelCache.info(c, 1));
  }
}
