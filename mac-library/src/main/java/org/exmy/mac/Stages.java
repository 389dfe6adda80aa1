package org.exmy.mac;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;

/** Pipeline registers: a value delayed by one clock, reset to zero, under a readable name. */
final class Stages {
  private Stages() {}

  /** {@code name <= value} every cycle; the register's output. */
  static Signal reg(Component c, String name, Expr value, String comment) {
    Reg r = c.reg(name, value.width());
    if (comment != null) {
      r.comment(comment);
    }
    r.next(value);
    return r.q();
  }

  /** Like {@link #reg}, passing null through. */
  static Signal regOrNull(Component c, String name, Expr value) {
    return value == null ? null : reg(c, name, value, null);
  }
}
