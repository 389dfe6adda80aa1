package org.exmy.base;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files replaced all at once: a reader, another process or an interrupted run sees the old content
 * or the new, never half of it; the one atomic write of exmy.
 *
 * <p>The content goes to a temporary file in the target's own folder (so the rename never crosses
 * file systems), named {@code .<name>.<random>.tmp} ({@link #isTemporary}), created with {@link
 * Files#createFile} and so with the permissions the process umask gives a new file ({@link
 * Files#createTempFile} would make it owner-only, {@code 0600}). It is flushed to the disk, then
 * renamed over the target: atomic on a local file system and on NFS, where a rename is one server
 * operation (no lock is taken; NFS {@code flock} semantics are not relied upon). On any failure the
 * temporary file is removed and the target is unchanged.
 */
public final class AtomicWrite {
  private AtomicWrite() {}

  /** Writes the content of a file. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole content to {@code out} (do not close it). */
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code text}, UTF-8. */
  public static void write(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code bytes}. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /**
   * Writes what {@code content} writes, creating the folder if needed.
   *
   * @throws IOException from the writing, the folder or the rename; {@code file} is then unchanged
   *     and no temporary file is left
   */
  public static void write(Path file, Content content) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = stage(abs, content);
    try {
      move(tmp, abs);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The first half of a write, for several files that are replaced together: writes {@code content}
   * in full to a new temporary file next to {@code target} (whose folder must exist) and returns
   * it; {@link #move} it over the target, or delete it. On failure the temporary file is removed.
   */
  public static Path stage(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path tmp = Files.createFile(temporaryFor(abs));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        content.writeTo(out);
        out.flush();
        ch.force(true); // on the disk before the rename makes it visible
      }
      return tmp;
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /**
   * Renames {@code tmp} over {@code target}: atomically where the file system can (always for two
   * names in one folder of a POSIX file system), else a plain replacing move.
   */
  public static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A fresh temporary name next to {@code target}: {@code .<name>.<random>.tmp}. */
  static Path temporaryFor(Path target) {
    return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
  }

  /** True for the name of a temporary file of this class (a leftover of a killed writer). */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(".tmp");
  }
}
