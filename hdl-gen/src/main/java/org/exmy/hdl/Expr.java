package org.exmy.hdl;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * An unsigned bit-vector expression of fixed width. Every operation states its result width
 * explicitly, so the emitted Verilog never relies on Verilog's context-dependent width rules (and
 * is clean under {@code verilator --lint-only -Wall}).
 *
 * <p>Signed arithmetic is two's complement on these unsigned vectors: use {@link #sext(int)} to
 * widen a signed value, {@link #neg()} to negate it, and {@link #add(Expr)} / {@link #sub(Expr)}
 * (modular at the wider operand width) to combine.
 */
public abstract sealed class Expr
    permits Signal,
        Expr.Const,
        Expr.Unary,
        Expr.Binary,
        Expr.Slice,
        Expr.Concat,
        Expr.Mux,
        Expr.Extend {

  private final int width;

  Expr(int width) {
    if (width < 1 || width > 65536) {
      throw new HdlException("expression width must be 1..65536 bits, got " + width);
    }
    this.width = width;
  }

  /** Width in bits. */
  public final int width() {
    return width;
  }

  // ---------------------------------------------------------------- arithmetic

  /** Modular sum; result width = max of the operand widths (operands zero-extended). */
  public Expr add(Expr o) {
    return new Binary(BinOp.ADD, this, o, Math.max(width, o.width));
  }

  /** Sum with carry-out; result width = max operand width + 1 (never overflows). */
  public Expr addCarry(Expr o) {
    return new Binary(BinOp.ADD, this, o, Math.max(width, o.width) + 1);
  }

  /**
   * Two's complement sum of two signed values, each sign-extended to the result width = max of the
   * operand widths (modular there). Emitted as {@code $signed(a) + $signed(b)}: synthesis then sees
   * the narrower operand at its own width (its copied sign bits are recognised as such), which is
   * what lets Yosys feed that operand, not the wider one, to the carry chain's generate inputs.
   */
  public Expr addSigned(Expr o) {
    return new Binary(BinOp.SADD, this, o, Math.max(width, o.width));
  }

  /** Modular difference; result width = max of the operand widths. */
  public Expr sub(Expr o) {
    return new Binary(BinOp.SUB, this, o, Math.max(width, o.width));
  }

  /** Full unsigned product; result width = sum of the operand widths. */
  public Expr mul(Expr o) {
    return new Binary(BinOp.MUL, this, o, width + o.width);
  }

  /** Full two's complement (signed x signed) product; result width = sum of the operand widths. */
  public Expr smul(Expr o) {
    return new Binary(BinOp.SMUL, this, o, width + o.width);
  }

  /**
   * The low {@code w} bits of the two's complement product (the full product when {@code w} is at
   * least the sum of the operand widths): a multiplier no wider than its result.
   */
  public Expr smul(Expr o, int w) {
    if (w < 1) throw new HdlException("product width must be positive, got " + w);
    return new Binary(BinOp.SMUL, this, o, w);
  }

  /** Two's complement negation at the same width. */
  public Expr neg() {
    return new Unary(UnOp.NEG, this, width);
  }

  // ---------------------------------------------------------------- logic

  // Logic with constants is folded here, so that the Verilog never shows "x & 1'b0" or "~1'b0".

  public Expr and(Expr o) {
    return logic(BinOp.AND, this, o);
  }

  public Expr or(Expr o) {
    return logic(BinOp.OR, this, o);
  }

  public Expr xor(Expr o) {
    return logic(BinOp.XOR, this, o);
  }

  public Expr not() {
    if (this instanceof Const k) return new Const(ones(width).xor(k.value), width);
    if (this instanceof Unary u && u.op == UnOp.NOT) return u.a;
    return new Unary(UnOp.NOT, this, width);
  }

  /**
   * {@code a op b} for AND, OR and XOR, folded where an operand is a constant: two constants give
   * one; x & 0 = 0, x & ~0 = x, x | 0 = x, x | ~0 = ~0, x ^ 0 = x (x returned only at the result's
   * width; a narrower operand is zero-extended).
   */
  private static Expr logic(BinOp op, Expr a, Expr b) {
    int w = Math.max(a.width, b.width);
    if (a instanceof Const ka && b instanceof Const kb) {
      BigInteger v =
          op == BinOp.AND
              ? ka.value.and(kb.value)
              : op == BinOp.OR ? ka.value.or(kb.value) : ka.value.xor(kb.value);
      return new Const(v, w);
    }
    if (a instanceof Const) {
      Expr t = a;
      a = b;
      b = t;
    }
    if (b instanceof Const k) {
      boolean zero = k.value.signum() == 0;
      boolean allOnes = k.width() == w && k.value.equals(ones(w));
      boolean full = a.width == w;
      if (op == BinOp.AND && zero) return new Const(BigInteger.ZERO, w);
      if (op == BinOp.AND && allOnes && full) return a;
      if (op == BinOp.OR && zero && full) return a;
      if (op == BinOp.OR && allOnes) return new Const(ones(w), w);
      if (op == BinOp.XOR && zero && full) return a;
    }
    return new Binary(op, a, b, w);
  }

  static BigInteger ones(int w) {
    return BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
  }

  /** 1 when any bit is set. */
  public Expr orReduce() {
    return width == 1 ? this : new Unary(UnOp.OR_REDUCE, this, 1);
  }

  /** 1 when all bits are set. */
  public Expr andReduce() {
    return width == 1 ? this : new Unary(UnOp.AND_REDUCE, this, 1);
  }

  // ---------------------------------------------------------------- comparison (unsigned)

  public Expr eq(Expr o) {
    return new Binary(BinOp.EQ, this, o, 1);
  }

  public Expr eq(long v) {
    return eq(Hdl.lit(v, width));
  }

  public Expr ne(Expr o) {
    return new Binary(BinOp.NE, this, o, 1);
  }

  public Expr ne(long v) {
    return ne(Hdl.lit(v, width));
  }

  public Expr lt(Expr o) {
    return new Binary(BinOp.LT, this, o, 1);
  }

  public Expr ge(Expr o) {
    return new Binary(BinOp.GE, this, o, 1);
  }

  // ---------------------------------------------------------------- shifts

  /** Shift left by a constant, growing the width by {@code n} (no bits lost). */
  public Expr shl(int n) {
    if (n < 0) throw new HdlException("negative shift " + n);
    if (n == 0) return this;
    return Hdl.cat(this, Hdl.zero(n));
  }

  /** Shift left by a variable amount into a result of {@code resultWidth} bits. */
  public Expr shl(Expr amount, int resultWidth) {
    return new Binary(BinOp.SHL, this, amount, resultWidth);
  }

  /** Logical shift right by a variable amount; same width. */
  public Expr shr(Expr amount) {
    return new Binary(BinOp.SHR, this, amount, width);
  }

  // ---------------------------------------------------------------- bit selection / sizing

  /** Bits {@code hi..lo} inclusive. */
  public Expr slice(int hi, int lo) {
    if (lo < 0 || hi < lo || hi >= width) {
      throw new HdlException(
          "slice [" + hi + ":" + lo + "] out of range for a " + width + "-bit value");
    }
    if (lo == 0 && hi == width - 1) return this;
    return new Slice(this, hi, lo);
  }

  public Expr bit(int i) {
    return slice(i, i);
  }

  /** Most significant bit. */
  public Expr msb() {
    return bit(width - 1);
  }

  /** Zero-extend (or keep) to {@code w} bits; narrowing is an error — use {@link #resize}. */
  public Expr zext(int w) {
    if (w < width)
      throw new HdlException("zext to " + w + " bits would narrow a " + width + "-bit value");
    return w == width ? this : new Extend(this, w, false);
  }

  /** Sign-extend (or keep) to {@code w} bits. */
  public Expr sext(int w) {
    if (w < width)
      throw new HdlException("sext to " + w + " bits would narrow a " + width + "-bit value");
    return w == width ? this : new Extend(this, w, true);
  }

  /** Zero-extend or truncate (keeping the low bits) to {@code w} bits. */
  public Expr resize(int w) {
    return w >= width ? zext(w) : slice(w - 1, 0);
  }

  // ---------------------------------------------------------------- node types

  enum UnOp {
    NOT,
    NEG,
    OR_REDUCE,
    AND_REDUCE
  }

  enum BinOp {
    ADD("+"),
    SADD("+"),
    SUB("-"),
    MUL("*"),
    SMUL("*"),
    AND("&"),
    OR("|"),
    XOR("^"),
    EQ("=="),
    NE("!="),
    LT("<"),
    GE(">="),
    SHL("<<"),
    SHR(">>");

    final String symbol;

    BinOp(String symbol) {
      this.symbol = symbol;
    }

    boolean isCompare() {
      return this == EQ || this == NE || this == LT || this == GE;
    }

    boolean isShift() {
      return this == SHL || this == SHR;
    }
  }

  /** A literal. */
  public static final class Const extends Expr {
    final BigInteger value;

    Const(BigInteger value, int width) {
      super(width);
      if (value.signum() < 0 || value.bitLength() > width) {
        throw new HdlException(
            "constant " + value + " does not fit in " + width + " unsigned bits");
      }
      this.value = value;
    }

    public BigInteger value() {
      return value;
    }
  }

  static final class Unary extends Expr {
    final UnOp op;
    final Expr a;

    Unary(UnOp op, Expr a, int width) {
      super(width);
      this.op = op;
      this.a = Objects.requireNonNull(a);
    }
  }

  static final class Binary extends Expr {
    final BinOp op;
    final Expr a;
    final Expr b;

    Binary(BinOp op, Expr a, Expr b, int width) {
      super(width);
      this.op = op;
      this.a = Objects.requireNonNull(a);
      this.b = Objects.requireNonNull(b);
    }
  }

  static final class Slice extends Expr {
    final Expr a;
    final int hi;
    final int lo;

    Slice(Expr a, int hi, int lo) {
      super(hi - lo + 1);
      this.a = a;
      this.hi = hi;
      this.lo = lo;
    }
  }

  static final class Concat extends Expr {
    final List<Expr> parts; // most significant first

    Concat(List<Expr> parts) {
      super(parts.stream().mapToInt(Expr::width).sum());
      this.parts = List.copyOf(parts);
    }
  }

  static final class Mux extends Expr {
    final Expr cond;
    final Expr whenTrue;
    final Expr whenFalse;

    Mux(Expr cond, Expr whenTrue, Expr whenFalse) {
      super(Math.max(whenTrue.width(), whenFalse.width()));
      if (cond.width() != 1)
        throw new HdlException("mux condition must be 1 bit, got " + cond.width());
      this.cond = cond;
      this.whenTrue = whenTrue;
      this.whenFalse = whenFalse;
    }
  }

  static final class Extend extends Expr {
    final Expr a;
    final boolean signed;

    Extend(Expr a, int width, boolean signed) {
      super(width);
      this.a = a;
      this.signed = signed;
    }
  }
}
