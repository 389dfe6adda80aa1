package org.exmy.nn.data;

import org.exmy.nn.NnException;

/** A malformed or unsupported data file; the message names the file and the place. */
public class DataFormatException extends NnException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String message) {
    super(message);
  }
}
