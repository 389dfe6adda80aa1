package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exmy.base.AtomicWrite;

/**
 * A set of files in one folder, replaced together in two phases: every file is first written in
 * full to a temporary file in the same folder, and only when all of them are written are they
 * renamed over their targets (atomically where the file system can). So a failure while writing (a
 * full disk, a read-only folder) replaces nothing, and a reader never sees half a file.
 *
 * <p>Before anything is written, targets that could not be replaced cleanly are refused: a target
 * that is a folder, or an existing file that is read-only (no write permission bit: a rename could
 * replace it, but a read-only output is taken as the user's wish to keep it; this holds for root
 * too). Each file is written as {@link AtomicWrite} writes one (umask permissions, flushed,
 * renamed); this class exists because a report is several files, some binary, that belong together.
 */
final class StagedFiles {
  private final Path dir;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  /** Files to be written into {@code dir} (created if missing). */
  StagedFiles(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /** Adds (or replaces) a file of the set, by its name in the folder. */
  void add(String name, byte[] content) {
    if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new IllegalArgumentException("not a plain file name: " + name);
    }
    files.put(name, content.clone());
  }

  /** Adds a text file, UTF-8. */
  void add(String name, String text) {
    add(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Creates the folder if missing and checks that it is a folder; cheap, so callers can fail before
   * long work.
   *
   * @throws UncheckedIOException one line naming the path
   */
  void checkFolder() {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw fail(dir + " is a file, not a folder", null);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw fail(dir + ": cannot create the folder (" + reason(e) + ")", e);
    }
  }

  /**
   * Checks that the file {@code name} of the folder can be replaced: it is not a folder, and not a
   * read-only file. {@link #commit} checks every file again.
   *
   * @throws UncheckedIOException one line naming the path
   */
  void checkTarget(String name) {
    Path target = dir.resolve(name);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw fail(target + " is a folder, not a file", null);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && readOnly(target)) {
      throw fail(target + " is read-only", null);
    }
  }

  /**
   * Writes every file (temporary files first, then the renames), in the order they were added.
   *
   * @return the files written
   * @throws UncheckedIOException one line naming the path and the reason; when it comes from the
   *     checks or the writing phase, no target has been touched
   */
  List<Path> commit() {
    checkFolder();
    for (String name : files.keySet()) {
      checkTarget(name);
    }
    Map<Path, Path> staged = new LinkedHashMap<>(); // target -> temporary file
    try {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path target = dir.resolve(f.getKey());
        try {
          staged.put(target, AtomicWrite.stage(target, out -> out.write(f.getValue())));
        } catch (IOException e) {
          throw fail(target + ": " + reason(e), e);
        }
      }
      List<Path> written = new ArrayList<>();
      for (Map.Entry<Path, Path> s : staged.entrySet()) {
        try {
          AtomicWrite.move(s.getValue(), s.getKey());
        } catch (IOException e) {
          throw fail(
              s.getKey()
                  + ": cannot replace it ("
                  + reason(e)
                  + ")"
                  + (written.isEmpty()
                      ? ""
                      : "; " + written.size() + " other files were already replaced"),
              e);
        }
        written.add(s.getKey());
      }
      return written;
    } finally {
      for (Path tmp : staged.values()) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort: a stale *.tmp file is harmless and is not one of the report's files
        }
      }
    }
  }

  private static boolean readOnly(Path f) {
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(f, PosixFileAttributeView.class);
      if (posix != null) {
        Set<PosixFilePermission> p = posix.readAttributes().permissions();
        return !p.contains(PosixFilePermission.OWNER_WRITE)
            && !p.contains(PosixFilePermission.GROUP_WRITE)
            && !p.contains(PosixFilePermission.OTHERS_WRITE);
      }
      DosFileAttributeView dos = Files.getFileAttributeView(f, DosFileAttributeView.class);
      if (dos != null) {
        return dos.readAttributes().isReadOnly();
      }
    } catch (IOException e) {
      return !Files.isWritable(f);
    }
    return !Files.isWritable(f);
  }

  /**
   * An I/O exception's reason in a few words (a FileSystemException's message is often only the
   * path).
   */
  static String reason(IOException e) {
    String r;
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      r = fse.getReason();
    } else if (e instanceof FileSystemException) {
      r =
          switch (e.getClass().getSimpleName()) {
            case "AccessDeniedException" -> "permission denied";
            case "NoSuchFileException" -> "no such file or folder";
            case "FileAlreadyExistsException" -> "a file is in the way";
            case "NotDirectoryException" -> "not a folder";
            default -> e.getClass().getSimpleName();
          };
    } else {
      r = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return r.replaceAll("\\R", " ");
  }

  private static UncheckedIOException fail(String message, IOException cause) {
    String line = "cannot write the sweep report: " + message.replaceAll("\\R", " ");
    return new UncheckedIOException(line, cause == null ? new IOException(line) : cause);
  }
}
