package org.exmy.base;

import java.time.Duration;

/**
 * An external tool that did not run to its end: it could not start, it ran past its time limit (it
 * and every process it started were killed), or the waiting thread was interrupted (likewise). A
 * tool that ran and exited with a non-zero code is not this exception: its {@link ToolRun.Result}
 * says so, and the caller decides what that means.
 */
public final class ToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the tool did not finish. */
  public enum Kind {
    /** The executable is missing, not executable, or the folder is not there. */
    CANNOT_START,
    /** It ran longer than its time limit and was killed with its children. */
    TIMED_OUT,
    /** The thread waiting for it was interrupted; it was killed with its children. */
    INTERRUPTED
  }

  private final Kind kind;
  private final String tool;
  private final transient Duration timeout;
  private final String output;

  ToolException(
      Kind kind, String tool, Duration timeout, String output, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.tool = tool;
    this.timeout = timeout;
    this.output = output;
  }

  /** Why it did not finish. */
  public Kind kind() {
    return kind;
  }

  /** The tool: the command's first word. */
  public String tool() {
    return tool;
  }

  /** The time limit it ran under. */
  public Duration timeout() {
    return timeout;
  }

  /** What it printed before it was killed (empty when it did not start or wrote to a log file). */
  public String output() {
    return output;
  }

  /**
   * The reason the tool could not start, in the words of the system ("No such file or directory").
   */
  public String reason() {
    Throwable c = getCause();
    return c == null || c.getMessage() == null ? getMessage() : c.getMessage();
  }
}
