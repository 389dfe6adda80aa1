package org.exmy.hdl;

import java.math.BigInteger;

/**
 * A register clocked on the rising edge of the component's {@code clk}, with a synchronous,
 * active-high {@code reset} to {@link #resetValue()}. It loads {@link #next} on every edge where
 * {@link #enable} is 1 (always, when no enable is set); where a {@link #clearWhen} condition is set
 * and holds, it returns to the reset value instead (reset first, then that condition, then the
 * enable: the priority of a Xilinx FDRE's R and CE pins, which is how Yosys maps it).
 */
public final class Reg {
  private final Signal q;
  private Expr next;
  private Expr enable;
  private Expr clear;
  private BigInteger resetValue = BigInteger.ZERO;
  private String comment;

  Reg(Signal q) {
    this.q = q;
  }

  /** The register output. */
  public Signal q() {
    return q;
  }

  public int width() {
    return q.width();
  }

  /** The value loaded at the next rising edge; must have the register's width. */
  public Reg next(Expr value) {
    if (value.width() != q.width()) {
      throw new HdlException(
          "register "
              + q.name()
              + " is "
              + q.width()
              + " bits, next value is "
              + value.width()
              + " bits (resize explicitly)");
    }
    this.next = value;
    return this;
  }

  /** Load only when this 1-bit condition holds. */
  public Reg enable(Expr cond) {
    if (cond.width() != 1) throw new HdlException("enable of " + q.name() + " must be 1 bit");
    this.enable = cond;
    return this;
  }

  /**
   * Back to the reset value on every edge where this 1-bit condition holds, whatever the enable; a
   * second synchronous reset.
   */
  public Reg clearWhen(Expr cond) {
    if (cond.width() != 1)
      throw new HdlException("clear condition of " + q.name() + " must be 1 bit");
    this.clear = cond;
    return this;
  }

  public Reg resetValue(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > q.width()) {
      throw new HdlException("reset value " + v + " does not fit register " + q.name());
    }
    this.resetValue = v;
    return this;
  }

  public Reg comment(String text) {
    this.comment = text;
    return this;
  }

  Expr nextValue() {
    return next;
  }

  Expr enableCond() {
    return enable;
  }

  Expr clearCond() {
    return clear;
  }

  BigInteger reset() {
    return resetValue;
  }

  public BigInteger resetValue() {
    return resetValue;
  }

  String commentText() {
    return comment;
  }
}
