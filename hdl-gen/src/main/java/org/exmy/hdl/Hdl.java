package org.exmy.hdl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Static constructors of the DSL: literals, concatenation, multiplexers. */
public final class Hdl {
  private Hdl() {}

  public static Expr lit(long value, int width) {
    if (value < 0) throw new HdlException("literal must be non-negative, got " + value);
    return new Expr.Const(BigInteger.valueOf(value), width);
  }

  public static Expr lit(BigInteger value, int width) {
    return new Expr.Const(value, width);
  }

  public static Expr zero(int width) {
    return lit(0, width);
  }

  public static Expr ones(int width) {
    return lit(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE), width);
  }

  /** Concatenation, most significant part first (as in Verilog {@code {a, b}}). */
  public static Expr cat(Expr... parts) {
    if (parts.length == 0) throw new HdlException("empty concatenation");
    if (parts.length == 1) return parts[0];
    List<Expr> flat = new ArrayList<>();
    for (Expr p : parts) {
      if (p instanceof Expr.Concat c) flat.addAll(c.parts);
      else flat.add(p);
    }
    return new Expr.Concat(flat);
  }

  /** {@code cond ? whenTrue : whenFalse}; the narrower branch is zero-extended. */
  public static Expr mux(Expr cond, Expr whenTrue, Expr whenFalse) {
    Expr.Mux m = new Expr.Mux(cond, whenTrue, whenFalse);
    // folded: a constant condition, or both branches the same, at the mux's width
    Expr only =
        cond instanceof Expr.Const k
            ? (k.value().signum() != 0 ? whenTrue : whenFalse)
            : whenTrue == whenFalse ? whenTrue : null;
    return only != null && only.width() == m.width() ? only : m;
  }

  /** 1-bit OR of several conditions. */
  public static Expr any(Expr... conds) {
    Expr r = conds[0];
    for (int i = 1; i < conds.length; i++) r = r.or(conds[i]);
    return r;
  }

  /** 1-bit AND of several conditions. */
  public static Expr all(Expr... conds) {
    Expr r = conds[0];
    for (int i = 1; i < conds.length; i++) r = r.and(conds[i]);
    return r;
  }
}
