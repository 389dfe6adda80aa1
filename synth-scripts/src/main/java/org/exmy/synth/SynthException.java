package org.exmy.synth;

/** Synthesis could not run or failed; the message carries the tool's own words. */
public class SynthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SynthException(String message) {
    super(message);
  }

  public SynthException(String message, Throwable cause) {
    super(message, cause);
  }
}
