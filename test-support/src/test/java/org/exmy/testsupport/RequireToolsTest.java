package org.exmy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequireToolsTest {

  @Test
  void aMissingToolFailsWithOneLineNamingToolAndPackage() {
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () -> RequireTools.fail(List.of(Tool.VERILATOR, Tool.GXX), false));
    assertEquals(
        "verilator, g++ not found on the PATH: apt-get install -y verilator g++"
            + " (or set EXMY_SKIP_TOOLS=1 to skip the tests that need them)",
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void optingOutTurnsTheFailureIntoAnAbortThatTheSummaryRecognises() {
    TestAbortedException e =
        assertThrows(
            TestAbortedException.class, () -> RequireTools.fail(List.of(Tool.YOSYS), true));
    assertEquals(
        "EXMY_SKIP_TOOLS=1: yosys not found on the PATH: apt-get install -y yosys"
            + " (or set EXMY_SKIP_TOOLS=1 to skip the tests that need it)",
        e.getMessage());
  }

  @Test
  void onlyOneOrTrueOptsOut() {
    assertTrue(RequireTools.optedOut("1"));
    assertTrue(RequireTools.optedOut(" true "));
    assertFalse(RequireTools.optedOut(null));
    assertFalse(RequireTools.optedOut("0"));
    assertFalse(RequireTools.optedOut(""));
    assertFalse(RequireTools.optedOut("yes please"));
  }

  @Test
  void pathLookupWantsAnExecutableFile(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path tool = Files.writeString(bin.resolve("mytool"), "#!/bin/sh\n");
    Files.createDirectory(bin.resolve("adir"));
    String path = dir + File.pathSeparator + File.pathSeparator + bin;
    assertFalse(Tool.onPath("mytool", path), "not executable yet");
    assertTrue(tool.toFile().setExecutable(true));
    assertTrue(Tool.onPath("mytool", path));
    assertFalse(Tool.onPath("adir", path), "a folder is not a tool");
    assertFalse(Tool.onPath("mytool", dir.toString()));
  }
}
