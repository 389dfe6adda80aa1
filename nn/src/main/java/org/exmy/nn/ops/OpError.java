package org.exmy.nn.ops;

import org.exmy.nn.NnException;

/**
 * A problem inside one operator (bad attribute, shape mismatch). The loader and the executor add
 * the file and node to its message before passing it on as an {@link NnException}.
 */
public class OpError extends NnException {
  private static final long serialVersionUID = 1L;

  public OpError(String message) {
    super(message);
  }
}
