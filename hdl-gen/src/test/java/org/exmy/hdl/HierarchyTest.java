package org.exmy.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HierarchyTest {

  @Test
  void emitsEveryModuleOnceDeepestFirst() {
    String v = Hierarchy.quad().toVerilog();
    Matcher m = Pattern.compile("(?m)^module (\\w+) \\(").matcher(v);
    List<String> modules = m.results().map(r -> r.group(1)).toList();
    assertEquals(List.of("swap8", "acc16", "pair", "quad"), modules);
    assertTrue(
        v.contains(
            "  pair left (\n    .clk      (clk),\n    .reset    (reset),\n    .io_clear (io_clear),\n"
                + "    .io_u     (io_p),\n    .io_v     (io_q),\n    .io_out   (left_io_out)\n  );"),
        v);
    assertTrue(v.contains("  wire [16:0] left_io_out;"), v);
    // the combinational child gets no clock
    assertTrue(v.contains("  swap8 sw (\n    .io_x (io_v),\n    .io_y (sw_io_y)\n  );"), v);
    // an expression drives an input port
    assertTrue(v.contains(".io_x     (sw_io_y + 8'd1)"), v);
  }

  @Test
  void aClockedChildMakesTheParentClocked() {
    Component top = new Component("top");
    assertFalse(top.isClocked());
    top.instance("a", Hierarchy.acc16()).in("clear", Hdl.lit(0, 1)).in("x", top.input("x", 8));
    assertTrue(top.isClocked());
    assertEquals(List.of("clk", "reset", "io_x"), top.ports().stream().map(Port::name).toList());
  }

  @Test
  void misuseIsAClearError() {
    Component acc = Hierarchy.acc16();
    Component top = new Component("top");
    Signal x = top.input("x", 8);
    Instance a = top.instance("a", acc);
    assertMessage("has no port 'y'; ports: clk, reset, io_clear, io_x, io_acc", () -> a.in("y", x));
    assertMessage(
        "port io_x of instance a (acc16) is 8 bits, the value is 9 bits",
        () -> a.in("x", x.zext(9)));
    assertMessage(
        "is connected to the parent's clk automatically", () -> a.in("clk", Hdl.lit(0, 1)));
    assertMessage("is an output; read it with out(\"acc\")", () -> a.in("acc", Hdl.lit(0, 16)));
    assertMessage("is an input; drive it with in(\"x\", ...)", () -> a.out("x"));
    a.in("x", x);
    assertMessage("port io_x of instance a (acc16) is already connected", () -> a.in("x", x));
    assertMessage("port io_clear of instance a (acc16) is not connected", top::toVerilog);
    a.in("clear", Hdl.lit(0, 1));
    assertMessage("duplicate name 'a' in top", () -> top.instance("a", acc));
    assertMessage("duplicate signal name 'a_io_acc' in top", () -> top.wire("a_io_acc", x));
    Component other = new Component("other");
    assertMessage(
        "uses signal io_x of another component",
        () -> top.instance("b", acc).in("x", other.input("x", 8)));
  }

  @Test
  void cyclesAndNameClashesAreRefused() {
    Component a = new Component("a");
    assertMessage("component a cannot contain itself", () -> a.instance("self", a));
    Component b = new Component("b");
    b.output("o", Hdl.lit(1, 1));
    a.instance("kid", b);
    assertMessage("component b cannot contain itself", () -> b.instance("up", a));

    Component top = new Component("top");
    Component s1 = Hierarchy.swap8();
    Component s2 = new Component("swap8"); // same name, different body
    s2.output("y", s2.input("x", 8).not());
    top.instance("u1", s1).in("x", top.input("p", 8));
    top.instance("u2", s2).in("x", top.input("q", 8));
    assertMessage("two different components are both named 'swap8'", top::toVerilog);

    // the same module built twice is fine and emitted once
    Component top2 = new Component("top2");
    top2.instance("u1", Hierarchy.swap8()).in("x", top2.input("p", 8));
    top2.instance("u2", Hierarchy.swap8()).in("x", top2.input("q", 8));
    assertEquals(1, top2.toVerilog().split("module swap8 \\(", -1).length - 1);
  }

  @Test
  void aChildThatGrowsAfterInstantiationIsRefused() {
    Component kid = Hierarchy.swap8();
    Component top = new Component("top");
    top.instance("k", kid).in("x", top.input("x", 8));
    kid.output("z", Hdl.lit(0, 1));
    assertMessage(
        "component swap8 gained ports after it was instantiated as k in top", top::toVerilog);
  }

  @Test
  void hierarchyIsLintCleanUnderVerilatorWall() {
    org.exmy.testsupport.RequireTools.verilator();
    String v = Hierarchy.quad().toVerilog();
    VerilatorLint.Result r = VerilatorLint.lint(v, "quad");
    assertTrue(r.clean(), () -> String.join("\n", r.messages()) + "\n" + v);
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    HdlException ex = assertThrows(HdlException.class, e);
    assertTrue(ex.getMessage().contains(part), ex.getMessage());
  }
}
