package org.exmy.nn;

/**
 * A problem with a model or a data file: bad bytes, an unsupported operator, a shape that does not
 * fit. The message is one line naming the file and the place (node, tensor, byte offset, ...).
 */
public class NnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NnException(String message) {
    super(message);
  }

  public NnException(String message, Throwable cause) {
    super(message, cause);
  }
}
