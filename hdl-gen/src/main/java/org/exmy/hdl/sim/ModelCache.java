package org.exmy.hdl.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Verilator model cache: where it is, how big it may grow, and what is in it.
 *
 * <p>Folder: {@code $EXMY_CACHE/verilator}, by default {@code ~/.cache/exmy/verilator}. Entries are
 * the folders {@code model-*} (one compiled model each, about 250 KB), {@code runtime-*}
 * (Verilator's runtime per toolchain) and {@code shim-*} (the JNI shim per JDK); see {@link
 * ModelBuilder}.
 *
 * <p>Size cap: {@code EXMY_CACHE_MAX} bytes (a number, optionally with a K, M or G suffix: powers
 * of 1024), by default {@value #DEFAULT_MAX_TEXT}. After every build, when the whole folder is
 * larger than the cap, model entries are evicted least recently used first (each load touches the
 * entry's {@value #LAST_USED} file) until it fits again; an entry that any process uses (see {@link
 * CacheLocks}) is never evicted. The runtime and the shim are needed by every build and are never
 * evicted (a few hundred KB per toolchain); {@link #clear()} removes them too.
 *
 * <p>Temporary build folders ({@code NAME.tmp*}) left by a killed process are deleted by the next
 * build once they are older than an hour and nobody holds their entry's lock.
 */
public final class ModelCache {
  /** {@code EXMY_CACHE_MAX} when unset. */
  public static final String DEFAULT_MAX_TEXT = "2G";

  /** The file whose modification time says when an entry was last loaded. */
  public static final String LAST_USED = "last-used";

  static final long STALE_MILLIS = 3_600_000L;

  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(?:([kmgt])(?:i?b)?|b)?");

  private ModelCache() {}

  /** {@code $EXMY_CACHE/verilator}, by default {@code ~/.cache/exmy/verilator}. */
  public static Path dir() {
    String env = System.getenv("EXMY_CACHE");
    Path base =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "exmy");
    return base.resolve("verilator");
  }

  /**
   * The cap in bytes: {@code EXMY_CACHE_MAX}, or {@value #DEFAULT_MAX_TEXT}.
   *
   * @throws SimException when {@code EXMY_CACHE_MAX} is not a size
   */
  public static long maxBytes() {
    String env = System.getenv("EXMY_CACHE_MAX");
    if (env == null || env.isBlank()) return parseSize(DEFAULT_MAX_TEXT);
    try {
      return parseSize(env);
    } catch (IllegalArgumentException e) {
      throw new SimException("EXMY_CACHE_MAX: " + e.getMessage());
    }
  }

  /**
   * Bytes from text: {@code 123}, {@code 500K}, {@code 64M}, {@code 2G}, {@code 1T} (powers of
   * 1024; case-insensitive; {@code KB}, {@code KiB} also accepted).
   *
   * @throws IllegalArgumentException when {@code text} is not such a size or exceeds 2^63-1
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (bytes, or a number with K, M or G)");
    }
    int shift =
        m.group(2) == null
            ? 0
            : switch (m.group(2)) {
              case "k" -> 10;
              case "m" -> 20;
              case "g" -> 30;
              default -> 40;
            };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > Long.MAX_VALUE >> shift) throw new NumberFormatException();
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
  }

  /** What {@link #info()} reports. */
  public record Info(Path dir, int entries, int models, long bytes, long maxBytes) {}

  /** Entries, models among them, bytes of everything in the folder, and the cap. */
  public static Info info() {
    return info(dir(), maxBytes());
  }

  static Info info(Path dir, long cap) {
    if (!Files.isDirectory(dir)) return new Info(dir, 0, 0, 0, cap);
    List<Entry> es = entries(dir);
    return new Info(
        dir, es.size(), (int) es.stream().filter(Entry::model).count(), treeSize(dir), cap);
  }

  /** What {@link #clear()} did. */
  public record Cleared(int removed, long bytes, int kept) {}

  /**
   * Removes every entry, leftover temporary folder and remembered toolchain probe that no process
   * uses or builds right now; those are kept (and counted).
   */
  public static Cleared clear() {
    return clear(dir());
  }

  static Cleared clear(Path dir) {
    if (!Files.isDirectory(dir)) return new Cleared(0, 0, 0);
    int removed = 0;
    int kept = 0;
    long before = treeSize(dir);
    for (Entry e : entries(dir)) {
      if (remove(e.path())) removed++;
      else kept++;
    }
    for (Path p : list(dir)) {
      String n = p.getFileName().toString();
      if (n.contains(".tmp")) { // a build in flight (its entry is locked) or a leftover
        if (!tryDelete(dir.resolve(n.substring(0, n.indexOf(".tmp"))), p)) kept++;
      } else if (n.startsWith("toolchain-")) { // a remembered probe: probed again when missing
        ModelBuilder.deleteTree(p);
      } else if (n.endsWith(".lock")) { // the lock of an entry that is gone
        Path entry = dir.resolve(n.substring(0, n.length() - ".lock".length()));
        if (!Files.exists(entry)) tryDelete(entry, p);
      }
    }
    return new Cleared(removed, before - treeSize(dir), kept);
  }

  /**
   * Evicts least recently used model entries until the folder fits {@link #maxBytes()}; skips
   * entries in use by any process. Returns the names evicted, oldest first.
   */
  static List<String> evictOverCap() {
    return evictOverCap(dir(), maxBytes());
  }

  static List<String> evictOverCap(Path dir, long cap) {
    long total = treeSize(dir);
    List<String> evicted = new ArrayList<>();
    if (total <= cap) return evicted;
    List<Entry> lru =
        entries(dir).stream()
            .filter(Entry::model)
            .sorted(
                Comparator.comparingLong(Entry::lastUsed)
                    .thenComparing(e -> e.path().getFileName().toString()))
            .toList();
    for (Entry e : lru) {
      if (total <= cap) break;
      long size = treeSize(e.path());
      if (remove(e.path())) {
        total -= size;
        evicted.add(e.path().getFileName().toString());
      }
    }
    return evicted;
  }

  /** Marks {@code entry} as used now. */
  static void touch(Path entry) {
    Path f = entry.resolve(LAST_USED);
    try {
      if (!Files.exists(f)) Files.createFile(f);
      Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // LRU order falls back to the folder's own time
    }
  }

  /**
   * Deletes temporary build folders (and files) older than an hour whose entry nobody holds: what a
   * killed process left behind. {@code held}: the entry whose exclusive lock the caller holds.
   */
  static void removeStale(Path held) {
    removeStale(dir(), System.currentTimeMillis() - STALE_MILLIS, held);
  }

  /**
   * Deletes temporary folders last modified before {@code cutoff} (ms) whose entry nobody else
   * holds.
   */
  static void removeStale(Path dir, long cutoff, Path held) {
    for (Path p : list(dir)) {
      String n = p.getFileName().toString();
      int at = n.indexOf(".tmp");
      if (at <= 0 || lastModified(p) >= cutoff) continue;
      Path entry = dir.resolve(n.substring(0, at));
      if (held != null && entry.toAbsolutePath().equals(held.toAbsolutePath())) {
        ModelBuilder.deleteTree(p);
      } else {
        tryDelete(entry, p);
      }
    }
  }

  // ---------------------------------------------------------------- internals

  /** One cache entry: a model, runtime or shim folder. */
  record Entry(Path path, boolean model, long lastUsed) {}

  static List<Entry> entries(Path dir) {
    List<Entry> es = new ArrayList<>();
    for (Path p : list(dir)) {
      String n = p.getFileName().toString();
      if (n.contains(".tmp") || !Files.isDirectory(p)) continue;
      boolean model = n.startsWith("model-");
      if (!model && !n.startsWith("runtime-") && !n.startsWith("shim-")) continue;
      long used = lastModified(p.resolve(LAST_USED));
      es.add(new Entry(p, model, used >= 0 ? used : lastModified(p)));
    }
    return es;
  }

  /**
   * Removes {@code entry} under its exclusive lock if nobody uses it: renamed aside first (so no
   * reader sees half of it), then deleted with its lock file. False when in use.
   */
  private static boolean remove(Path entry) {
    try {
      return CacheLocks.tryExclusive(
          entry,
          () -> {
            if (!Files.exists(entry)) return;
            Path aside =
                entry.resolveSibling(entry.getFileName() + ".tmp-removed-" + UUID.randomUUID());
            Files.move(entry, aside, StandardCopyOption.ATOMIC_MOVE);
            ModelBuilder.deleteTree(aside);
            Files.deleteIfExists(CacheLocks.lockFile(entry));
          });
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes {@code p} if nobody holds {@code entry}'s lock; false when held. */
  private static boolean tryDelete(Path entry, Path p) {
    try {
      return CacheLocks.tryExclusive(
          entry,
          () -> {
            ModelBuilder.deleteTree(p);
            if (!Files.exists(entry)) Files.deleteIfExists(CacheLocks.lockFile(entry));
          });
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the model cache " + dir, e);
    }
  }

  private static long lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Bytes of all regular files under {@code p}; files that vanish meanwhile count 0. */
  static long treeSize(Path p) {
    long[] sum = {0};
    try {
      Files.walkFileTree(
          p,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
              if (a.isRegularFile()) sum[0] += a.size();
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // counted what could be read
    }
    return sum[0];
  }
}
