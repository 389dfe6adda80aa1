package org.exmy.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.exmy.hdl.sim.ShutdownCleanup;
import org.exmy.hdl.sim.ToolInterruptedException;
import org.exmy.synth.SynthException;

/**
 * Ctrl-C, or SIGTERM, while a command runs: one line "exmy: interrupted" on stderr and exit code
 * 130 (143 when the JVM itself got SIGTERM), never a tool failure with its log. The line comes from
 * the command's error handler when a tool died of the signal, or else from the shutdown hook
 * ({@link ShutdownCleanup}, which also stops the child tools and deletes half-built cache folders),
 * whichever is first.
 */
final class Interruption {
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final AtomicBoolean FINISHED = new AtomicBoolean();

  /** How YosysRunner words the exit code of a Yosys run that died of SIGINT or SIGTERM. */
  private static final Pattern SIGNALLED_YOSYS = Pattern.compile("\\(exit (130|143)\\b");

  private Interruption() {}

  /**
   * Installs the shutdown hook; its last step reports the interruption unless the command finished.
   */
  static void install() {
    ShutdownCleanup.install();
    ShutdownCleanup.afterCleanup(
        () -> {
          if (!FINISHED.get()) report(new PrintWriter(System.err, true));
        });
  }

  /** The command has returned: exiting now is no interruption. */
  static void finished() {
    FINISHED.set(true);
  }

  /** Prints "exmy: interrupted" once per JVM. */
  static void report(PrintWriter err) {
    if (REPORTED.compareAndSet(false, true)) {
      err.println("exmy: interrupted");
      err.flush();
    }
  }

  /**
   * True when {@code ex} comes from an interruption rather than a failure: the JVM is shutting
   * down, a tool was stopped by SIGINT/SIGTERM, or the thread was interrupted.
   */
  static boolean caused(Throwable ex) {
    if (ShutdownCleanup.shuttingDown()) return true;
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof ToolInterruptedException || t instanceof InterruptedException) return true;
      if (t instanceof SynthException
          && t.getMessage() != null
          && t.getMessage().startsWith("yosys failed")
          && SIGNALLED_YOSYS.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }
}
