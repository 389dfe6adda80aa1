package org.exmy.simulator;

/** Thrown for an invalid format name or invalid format parameters; the message says why. */
public class FormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }
}
