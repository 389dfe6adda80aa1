package org.exmy.mac;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** I/O errors in words: java.nio's exceptions often carry only the file name as their message. */
public final class IoText {
  private IoText() {}

  /**
   * "FILE: REASON" for file-system errors (e.g. "/proc/x: permission denied"), else the message.
   */
  public static String of(IOException e) {
    if (e instanceof FileSystemException f) {
      String reason =
          f.getReason() != null
              ? f.getReason().toLowerCase(java.util.Locale.ROOT)
              : e instanceof AccessDeniedException
                  ? "permission denied"
                  : e instanceof NoSuchFileException
                      ? "no such file or directory"
                      : e instanceof NotDirectoryException
                          ? "not a directory"
                          : e instanceof FileAlreadyExistsException
                              ? "a file of that name is in the way"
                              : e instanceof DirectoryNotEmptyException
                                  ? "directory not empty"
                                  : e.getClass().getSimpleName();
      String file = f.getFile();
      return file == null ? reason : file + ": " + reason;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
