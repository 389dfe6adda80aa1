package org.exmy.dse;

import java.io.IOException;
import java.io.Reader;
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
 * Results of sweep stages on disk, one small file per result, named by the SHA-256 of the stage's
 * full configuration (which includes the tool versions). A result is written to a temporary file
 * in the same folder and renamed into place, so an interrupted sweep (Ctrl-C, kill -9) leaves
 * either the whole result or none; leftover temporary files older than an hour are removed when the cache is opened.
 * Safe for several threads and processes: a rename is atomic, and equal keys give equal contents.
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
      throw new UncheckedIOException("cannot use the result cache " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
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
    return dir.resolve(stage + "-" + key(configuration) + ".properties");
  }

  /** The stored result of {@code stage} for {@code configuration}, if any. */
  public Optional<Properties> get(String stage, String configuration) {
    Path f = file(stage, configuration);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // unreadable: computed again and overwritten
    }
    // a hash collision or a file from another configuration is not this result
    return configuration.equals(p.getProperty("configuration")) ? Optional.of(p) : Optional.empty();
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
      String text = w.toString().lines().filter(l -> !l.startsWith("#")).sorted()
          .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      AtomicWrite.write(f, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result cache file " + f + ": " + e.getMessage(), e);
    }
  }
}
