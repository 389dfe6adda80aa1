package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
  @TempDir Path dir;

  private static final String CONFIG = "proof|E4M3 x E4M3|sequences=2|v=1";

  private static Properties result(int luts) {
    Properties p = new Properties();
    p.setProperty("luts", "" + luts);
    p.setProperty("note", "a # and = and : in a value");
    return p;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private Path onlyEntry() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> l = s.toList();
      assertEquals(1, l.size(), l.toString());
      return l.get(0);
    }
  }

  @Test
  void anEntryIsNamedByItsConfigurationAndEndsWithTheDigestOfItsLines() throws Exception {
    ResultCache c = new ResultCache(dir);
    c.put("proof", CONFIG, result(42));
    Path f = onlyEntry();
    assertEquals(
        "proof-" + sha256(CONFIG.getBytes(StandardCharsets.UTF_8)) + ".result",
        f.getFileName().toString());
    String text = Files.readString(f);
    int last = text.lastIndexOf("# sha256 ");
    assertEquals(
        "# sha256 " + sha256(text.substring(0, last).getBytes(StandardCharsets.UTF_8)) + "\n",
        text.substring(last));
    Properties got = c.get("proof", CONFIG).orElseThrow();
    assertEquals("42", got.getProperty("luts"));
    assertEquals("a # and = and : in a value", got.getProperty("note"));
    assertEquals(Optional.empty(), c.get("proof", CONFIG + "x"));
    assertEquals(Optional.empty(), c.get("cost", CONFIG));
  }

  @Test
  void noTornEntryIsTakenForAResult() throws Exception {
    ResultCache c = new ResultCache(dir);
    c.put("proof", CONFIG, result(42));
    Path f = onlyEntry();
    byte[] whole = Files.readAllBytes(f);
    for (int n = 0; n < whole.length; n++) {
      Files.write(f, java.util.Arrays.copyOf(whole, n)); // a write cut short after n bytes
      assertEquals(Optional.empty(), c.get("proof", CONFIG), "prefix of " + n + " bytes");
    }
    byte[] flipped = whole.clone();
    flipped[flipped.length / 3] ^= 1;
    Files.write(f, flipped);
    assertEquals(Optional.empty(), c.get("proof", CONFIG), "one bit changed");
    Files.write(f, whole);
    assertTrue(c.get("proof", CONFIG).isPresent());
  }

  @Test
  void aKilledWritersTemporaryFileIsNeverReadAndStaleOnesGo() throws Exception {
    ResultCache c = new ResultCache(dir);
    c.put("proof", CONFIG, result(42));
    Path f = onlyEntry();
    // a killed writer's leftover, with the whole entry in it: still not a result
    Path fresh = dir.resolve("." + f.getFileName() + ".1111.tmp");
    Path stale = dir.resolve("." + f.getFileName() + ".2222.tmp");
    Files.move(f, fresh);
    Files.copy(fresh, stale);
    Files.setLastModifiedTime(
        stale, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L));
    assertEquals(Optional.empty(), c.get("proof", CONFIG));
    new ResultCache(
        dir); // opening removes only the stale one: a fresh one may be a write in flight
    assertTrue(Files.exists(fresh));
    assertFalse(Files.exists(stale));
  }

  @Test
  void anOlderExmysEntryWithoutDigestIsStillRead() throws Exception {
    Files.writeString(
        dir.resolve("proof-" + ResultCache.key(CONFIG) + ".properties"),
        "configuration=" + CONFIG.replace(":", "\\:").replace("=", "\\=") + "\nluts=7\n");
    assertEquals("7", new ResultCache(dir).get("proof", CONFIG).orElseThrow().getProperty("luts"));
  }

  @Test
  void concurrentWritersOfOneEntryNeverShowAReaderHalfAnEntry() throws Exception {
    ResultCache c = new ResultCache(dir);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              while (!stop.get()) {
                Optional<Properties> p = c.get("proof", CONFIG);
                if (p.isPresent()) {
                  seen.incrementAndGet();
                  if (!"42".equals(p.get().getProperty("luts"))) bad.add(p.get().toString());
                }
              }
            });
    reader.start();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread w =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) c.put("proof", CONFIG, result(42));
              });
      writers.add(w);
      w.start();
    }
    for (Thread w : writers) w.join();
    stop.set(true);
    reader.join();
    assertEquals(List.of(), bad);
    assertTrue(seen.get() > 0);
    assertEquals("42", c.get("proof", CONFIG).orElseThrow().getProperty("luts"));
    onlyEntry(); // no temporary file left
  }
}
