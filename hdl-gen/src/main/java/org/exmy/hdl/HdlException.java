package org.exmy.hdl;

/** A misuse of the HDL DSL (bad width, duplicate name, illegal identifier ...). */
public class HdlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HdlException(String message) {
    super(message);
  }
}
