package org.exmy.hdl.sim;

/** Verilating, compiling or loading a model failed; the message carries the tool's own words. */
public class SimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimException(String message) {
    super(message);
  }

  public SimException(String message, Throwable cause) {
    super(message, cause);
  }
}
