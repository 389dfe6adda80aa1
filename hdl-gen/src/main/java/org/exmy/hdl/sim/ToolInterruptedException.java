package org.exmy.hdl.sim;

/**
 * A tool did not fail by itself: it was stopped by SIGINT or SIGTERM (exit 130 / 143), or the JVM
 * is shutting down. Callers report an interruption, not a tool failure.
 */
public class ToolInterruptedException extends SimException {
  private static final long serialVersionUID = 1L;

  public ToolInterruptedException(String message) {
    super(message);
  }

  /**
   * True for the exit codes of a process ended by SIGINT (130) or SIGTERM (143), as Java reports
   * them.
   */
  public static boolean signalled(int exitCode) {
    return exitCode == 128 + 2 || exitCode == 128 + 15;
  }
}
