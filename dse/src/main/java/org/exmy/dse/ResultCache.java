package org.exmy.dse;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.exmy.base.AtomicWrite;

/**
 * Results of sweep stages on disk, one small file per result, named by the stage and the SHA-256 of
 * its full configuration (which includes the tool versions): content-addressed, so every writer of
 * an entry writes the same bytes, and a writer never rewrites another configuration's entry. Safe
 * for many threads, processes and machines on one folder, a network file system (NFS) included,
 * without any lock ({@code flock} is not relied upon):
 *
 * <ul>
 *   <li>an entry is written in full to a temporary file in the same folder, flushed to the disk and
 *       then renamed into place ({@link AtomicWrite}); a rename is atomic on NFS too, so a reader
 *       sees the whole entry or none;
 *   <li>its last line is a {@code # sha256} digest of the lines before it, and {@link #get} takes
 *       an entry only when the digest and the stored configuration match: a file torn some other
 *       way (a copy cut short, a disk error) is no result but a miss, computed again;
 *   <li>a crashed or killed writer leaves at most a temporary file {@code .<entry>.<random>.tmp},
 *       which no reader opens; those older than an hour are removed when the cache is opened (a
 *       younger one may be another machine's write in flight).
 * </ul>
 *
 * <p>Entries are {@code <stage>-<key>.result}. Entries of an older exmy, {@code
 * <stage>-<key>.properties} without a digest, are still read when no {@code .result} is there.
 */
public final class ResultCache {
  private final Path dir;

  /**
   * Opens (and creates) the cache folder.
   *
   * @throws UncheckedIOException if the folder cannot be created
   */
  public ResultCache(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, "*.tmp*")) {
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        for (Path t : tmp) {
          // only stale ones: with many writers (shards on a shared cache) a fresh one is in flight
          if (Files.getLastModifiedTime(t).toMillis() < hourAgo) Files.deleteIfExists(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot use the result cache " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The last line of an entry: this, then the SHA-256 of the lines before it. */
  static final String DIGEST = "# sha256 ";

  /** True when {@code text} ends with a digest line that matches the lines before it. */
  static boolean intact(String text) {
    int at = text.lastIndexOf(DIGEST);
    if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n')) return false;
    String body = text.substring(0, at);
    return text.equals(body + DIGEST + key(body) + "\n");
  }

  /** The cache key of a configuration text: its SHA-256 in hex. */
  public static String key(String configuration) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(configuration.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(String stage, String configuration) {
    return dir.resolve(stage + "-" + key(configuration) + ".result");
  }

  /** The file of an older exmy for the same entry: no digest line. */
  private Path legacyFile(String stage, String configuration) {
    return dir.resolve(stage + "-" + key(configuration) + ".properties");
  }

  /** The stored result of {@code stage} for {@code configuration}, if any. */
  public Optional<Properties> get(String stage, String configuration) {
    Path f = file(stage, configuration);
    String text = read(f);
    if (text != null && !intact(text))
      text = null; // torn: no result, computed again and overwritten
    if (text == null) text = read(legacyFile(stage, configuration));
    if (text == null) return Optional.empty();
    Properties p = new Properties();
    try (Reader r = new StringReader(text)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // unreadable: computed again and overwritten
    }
    // a hash collision or a file from another configuration is not this result
    return configuration.equals(p.getProperty("configuration")) ? Optional.of(p) : Optional.empty();
  }

  private static String read(Path f) {
    if (!Files.isRegularFile(f)) return null;
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null; // unreadable (or gone meanwhile)
    }
  }

  /**
   * Stores a result atomically; the configuration is stored with it.
   *
   * @throws UncheckedIOException naming the file and the reason (e.g. a full disk)
   */
  public void put(String stage, String configuration, Properties result) {
    Path f = file(stage, configuration);
    Properties p = new Properties();
    p.putAll(result);
    p.setProperty("configuration", configuration);
    StringWriter w = new StringWriter();
    try {
      p.store(w, null);
      // without the date comment and in key order, so equal results give equal files
      String text =
          w.toString()
              .lines()
              .filter(l -> !l.startsWith("#"))
              .sorted()
              .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      AtomicWrite.write(f, text + DIGEST + key(text) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the result cache file " + f + ": " + e.getMessage(), e);
    }
  }
}
