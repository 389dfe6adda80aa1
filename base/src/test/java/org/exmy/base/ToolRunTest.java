package org.exmy.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunTest {
  @TempDir Path dir;

  /** Alive: its /proc entry exists and it is not a zombie (state Z, dead but not yet reaped). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean diesWithin(long pid, Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      if (!alive(pid)) return true;
      Thread.sleep(50);
    }
    return !alive(pid);
  }

  /** A shell that starts a grandchild sleeping 300 s, writes its pid, and waits for it. */
  private List<String> shellWithGrandchild(Path pidFile) {
    return List.of("sh", "-c", "sleep 300 & echo $! > \"$1\"; wait", "sh", pidFile.toString());
  }

  private static long awaitPid(Path pidFile) throws Exception {
    for (int i = 0;
        i < 200 && (!Files.exists(pidFile) || Files.readString(pidFile).isBlank());
        i++) {
      Thread.sleep(25);
    }
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  @Test
  void capturesOutputAndExitCodeInTheFolder() {
    ToolRun.Result r =
        ToolRun.of(List.of("sh", "-c", "pwd; echo err >&2; read x || echo eof; exit 3"))
            .directory(dir)
            .timeout(Duration.ofSeconds(30))
            .run();
    assertEquals(3, r.exitCode());
    assertEquals(dir.toAbsolutePath() + "\nerr\neof\n", r.output()); // stdin is /dev/null
  }

  @Test
  void setsEnvironmentVariables() {
    ToolRun.Result r =
        ToolRun.of(List.of("sh", "-c", "echo \"$EXMY_TOOLRUN_TEST\""))
            .environment("EXMY_TOOLRUN_TEST", "a b")
            .run();
    assertEquals("a b\n", r.output());
  }

  @Test
  void outputIntoALogFile() throws Exception {
    Path log = dir.resolve("tool.log");
    ToolRun.Result r = ToolRun.of(List.of("sh", "-c", "echo one; echo two >&2")).log(log).run();
    assertEquals(0, r.exitCode());
    assertEquals("", r.output());
    assertEquals("one\ntwo\n", Files.readString(log));
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path pidFile = dir.resolve("pid");
    long t0 = System.nanoTime();
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> ToolRun.of(shellWithGrandchild(pidFile)).timeout(Duration.ofMillis(1500)).run());
    assertEquals(ToolException.Kind.TIMED_OUT, e.kind());
    assertEquals("sh timed out after 1.5 s", e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1e9 < 60, "returned soon after the limit");
    long grandchild = awaitPid(pidFile);
    assertTrue(
        diesWithin(grandchild, Duration.ofSeconds(10)),
        "grandchild sleep " + grandchild + " still runs");
  }

  @Test
  void interruptKillsTheTreeAndKeepsTheFlag() throws Exception {
    Path pidFile = dir.resolve("pid");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ToolRun.of(shellWithGrandchild(pidFile)).timeout(Duration.ofSeconds(300)).run();
              } catch (Throwable x) {
                thrown.set(x);
                flag.set(Thread.currentThread().isInterrupted());
              }
            });
    t.start();
    long grandchild = awaitPid(pidFile);
    assertTrue(alive(grandchild));
    t.interrupt();
    t.join(30_000);
    assertFalse(t.isAlive());
    ToolException e = (ToolException) thrown.get();
    assertEquals(ToolException.Kind.INTERRUPTED, e.kind());
    assertTrue(flag.get());
    assertTrue(
        diesWithin(grandchild, Duration.ofSeconds(10)),
        "grandchild sleep " + grandchild + " still runs");
  }

  @Test
  void aMissingToolCannotStart() {
    ToolException e =
        assertThrows(
            ToolException.class, () -> ToolRun.of(List.of("exmy-no-such-tool-here", "-v")).run());
    assertEquals(ToolException.Kind.CANNOT_START, e.kind());
    assertEquals("exmy-no-such-tool-here", e.tool());
    assertTrue(e.getMessage().startsWith("cannot run exmy-no-such-tool-here: "), e.getMessage());
    assertFalse(ToolRun.onPath("exmy-no-such-tool-here"));
    assertTrue(ToolRun.onPath("sh"));
  }
}
