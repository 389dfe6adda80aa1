package org.exmy.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void newFileGetsTheUmaskPermissionsNotOwnerOnly() throws Exception {
    Path f = dir.resolve("a.txt");
    AtomicWrite.write(f, "hello");
    // oracle: the shell's own new file under this process's umask (0666 & ~umask)
    Path touched = dir.resolve("touched");
    Process p =
        new ProcessBuilder("sh", "-c", "umask; : > \"$1\"", "sh", touched.toString())
            .redirectErrorStream(true)
            .start();
    String umask = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertEquals(0, p.waitFor());
    int mask = Integer.parseInt(umask, 8);
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(touched);
    assertEquals(expected, Files.getPosixFilePermissions(f), "umask " + umask);
    assertEquals(
        (mask & 044) == 0,
        Files.getPosixFilePermissions(f).contains(PosixFilePermission.GROUP_READ)
            && Files.getPosixFilePermissions(f).contains(PosixFilePermission.OTHERS_READ),
        "umask " + umask);
    assertEquals("hello", Files.readString(f));
  }

  @Test
  void replacesContentAndCreatesTheFolder() throws Exception {
    Path f = dir.resolve("sub/deeper/b.bin");
    AtomicWrite.write(f, new byte[] {1, 2, 3});
    AtomicWrite.write(f, new byte[] {9});
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertEquals(List.of("b.bin"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path f = dir.resolve("keep.txt");
    Files.writeString(f, "old content");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicWrite.write(
                    f,
                    out -> {
                      out.write("new con".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full (simulated)");
                    }));
    assertEquals("disk full (simulated)", e.getMessage());
    assertEquals("old content", Files.readString(f));
    assertEquals(List.of("keep.txt"), names());
  }

  @Test
  void aFailedRenameLeavesTheTargetAndNoTemporaryFile() throws Exception {
    Path target = dir.resolve("occupied");
    Files.createDirectories(target.resolve("inside")); // a non-empty folder cannot be renamed over
    assertThrows(IOException.class, () -> AtomicWrite.write(target, "x"));
    assertTrue(Files.isDirectory(target.resolve("inside")));
    assertEquals(List.of("occupied"), names());
  }

  @Test
  void temporaryNamesAreRecognised() {
    Path t = AtomicWrite.temporaryFor(dir.resolve("points.csv"));
    assertTrue(AtomicWrite.isTemporary(t.getFileName().toString()));
    assertTrue(t.getFileName().toString().startsWith(".points.csv."));
    assertEquals(dir, t.getParent());
    assertEquals(false, AtomicWrite.isTemporary("points.csv"));
  }
}
