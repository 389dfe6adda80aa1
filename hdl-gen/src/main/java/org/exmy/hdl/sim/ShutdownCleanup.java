package org.exmy.hdl.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What this JVM leaves behind when it stops, cleaned up by one shutdown hook: at any exit (normal,
 * {@code System.exit}, Ctrl-C, SIGTERM) every child process of the JVM and their children
 * (verilator, g++, cc1plus, yosys, yosys-abc ...) get SIGTERM, then SIGKILL if they are still there
 * after {@value #GRACE_MS} ms, and then the temporary build folders still in flight are deleted. A
 * JVM killed by SIGINT alone (no terminal process group) would otherwise leave its tools running
 * and half-built {@code *.tmp*} folders in the cache.
 *
 * <p>Installed by the Verilator backend on first use and by the {@code exmy} command at start.
 */
public final class ShutdownCleanup {
  static final long GRACE_MS = 2000;

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
  private static final List<Runnable> AFTER = new CopyOnWriteArrayList<>();
  private static volatile boolean shuttingDown;

  private ShutdownCleanup() {}

  /** Registers the shutdown hook (once per JVM; later calls do nothing). */
  public static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ShutdownCleanup::run, "exmy-shutdown-cleanup"));
    }
  }

  /** True once the JVM has begun to shut down (the hook has started). */
  public static boolean shuttingDown() {
    return shuttingDown;
  }

  /**
   * Runs {@code action} at the end of the hook, after the children are gone and the folders
   * deleted.
   */
  public static void afterCleanup(Runnable action) {
    AFTER.add(action);
  }

  /**
   * A temporary folder being built now: deleted by the hook if the JVM stops before {@link #done}.
   */
  public static void inFlight(Path tmp) {
    install();
    IN_FLIGHT.add(tmp);
  }

  /** The temporary folder {@code tmp} is finished (renamed into place or deleted). */
  public static void done(Path tmp) {
    IN_FLIGHT.remove(tmp);
  }

  private static void run() {
    shuttingDown = true;
    killChildren();
    for (Path p : IN_FLIGHT) ModelBuilder.deleteTree(p);
    for (Runnable r : AFTER) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // the JVM is going down; nothing useful to do with it
      }
    }
  }

  /**
   * SIGTERM to every descendant of this JVM, taken in one snapshot (so grandchildren are reached
   * even when their parent dies first), SIGKILL to those still alive after the grace period;
   * repeated once for a child started meanwhile by a thread that had not yet seen the shutdown.
   */
  static void killChildren() {
    for (int round = 0; round < 2; round++) {
      List<ProcessHandle> kids = ProcessHandle.current().descendants().toList();
      if (kids.isEmpty()) return;
      kids.forEach(ProcessHandle::destroy);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
      for (ProcessHandle k : kids) {
        long left = deadline - System.nanoTime();
        try {
          if (left > 0) k.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          // still running (or cannot be waited for): killed below
        }
      }
      kids.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
