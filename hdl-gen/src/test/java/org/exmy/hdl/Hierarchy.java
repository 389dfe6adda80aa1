package org.exmy.hdl;

/**
 * A two-level design for the hierarchy tests: {@code quad} holds two {@code pair}s; each pair holds
 * two clocked {@code acc16} accumulators and one combinational {@code swap8}.
 *
 * <pre>
 * acc16(x):       acc <= clear ? 0 : acc + x            (16 bits, wraps)
 * swap8(x):       y = {x[3:0], x[7:4]}
 * pair(u, v):     lo = acc16(u), hi = acc16(swap8(v) + 1); out = lo + hi (17 bits)
 * quad(p, q, r):  left = pair(p, q), right = pair(q ^ r, r); io_sum = left.out + right.out (18 bits)
 * </pre>
 */
public final class Hierarchy {
  private Hierarchy() {}

  public static Component acc16() {
    Component c = new Component("acc16");
    Signal clear = c.input("clear", 1);
    Signal x = c.input("x", 8);
    Reg acc = c.reg("acc", 16);
    acc.next(Hdl.mux(clear, Hdl.zero(16), acc.q()).add(x.zext(16)));
    c.output("acc", acc.q());
    return c;
  }

  public static Component swap8() {
    Component c = new Component("swap8");
    Signal x = c.input("x", 8);
    c.output("y", Hdl.cat(x.slice(3, 0), x.slice(7, 4)));
    return c;
  }

  public static Component pair(Component acc, Component swap) {
    Component c = new Component("pair");
    Signal clear = c.input("clear", 1);
    Signal u = c.input("u", 8);
    Signal v = c.input("v", 8);
    Instance sw = c.instance("sw", swap).in("x", v);
    Instance lo = c.instance("lo", acc).in("clear", clear).in("x", u);
    Instance hi = c.instance("hi", acc).in("clear", clear).in("x", sw.out("y").add(Hdl.lit(1, 8)));
    c.output("out", lo.out("acc").addCarry(hi.out("io_acc")));
    return c;
  }

  public static Component quad() {
    Component acc = acc16();
    Component swap = swap8();
    Component pair = pair(acc, swap);
    Component c = new Component("quad");
    Signal clear = c.input("clear", 1);
    Signal p = c.input("p", 8);
    Signal q = c.input("q", 8);
    Signal r = c.input("r", 8);
    Instance left = c.instance("left", pair).in("clear", clear).in("u", p).in("v", q);
    Signal qr = c.wire("qr", q.xor(r), "a wire driving an instance input");
    Instance right = c.instance("right", pair).in("clear", clear).in("u", qr).in("v", r);
    c.output("sum", left.out("out").addCarry(right.out("out")));
    return c;
  }
}
