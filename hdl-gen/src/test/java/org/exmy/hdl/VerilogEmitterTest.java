package org.exmy.hdl;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class VerilogEmitterTest {

  static Component adderAccumulator() {
    Component c = new Component("acc_demo");
    Signal a = c.input("a", 8);
    Signal b = c.input("b", 4);
    Signal valid = c.input("valid", 1);
    Signal prod = c.wire("prod", a.mul(b), "8x4 unsigned product");
    Signal sprod = c.wire("sprod", prod.sext(16));
    Reg acc = c.reg("acc", 16);
    acc.next(acc.q().add(sprod)).enable(valid).comment("accumulator");
    c.output("acc", acc.q());
    c.output("hi", prod.slice(11, 4).add(Hdl.lit(3, 8)).slice(7, 1));
    c.output("any", Hdl.mux(a.eq(0), b.orReduce(), a.bit(7)));
    c.output("shifted", a.shl(b, 20));
    c.output("cmp", a.lt(b).xor(a.ge(Hdl.lit(200, 8))));
    c.output("neg", a.sext(9).neg());
    c.output("sprod", a.smul(b));
    Signal clear = c.input("clear", 1);
    Reg cnt = c.reg("cnt", 8);
    cnt.next(c.wire("cnt_next", cnt.q().addSigned(b)))
        .enable(valid)
        .clearWhen(clear)
        .comment("counter");
    c.output("cnt", cnt.q());
    return c;
  }

  @Test
  void signedAddAndClearCondition() {
    String v = adderAccumulator().toVerilog();
    // Both operands sign-extended to the result width by hand, then marked signed for synthesis.
    assertTrue(
        v.contains("wire [7:0]  cnt_next = $signed(cnt) + $signed({{4{io_b[3]}}, io_b});"), v);
    // Priority reset > clear condition > enable.
    assertTrue(
        v.contains(
            "    if (reset) begin\n      cnt <= 8'd0;\n    end else if (io_clear) begin\n"
                + "      cnt <= 8'd0;\n    end else if (io_valid) begin\n      cnt <= cnt_next;\n"),
        v);
  }

  @Test
  void emitsPortsInSpinalOrder() {
    Component c = adderAccumulator();
    assertEquals("clk", c.ports().get(0).name());
    assertEquals("reset", c.ports().get(1).name());
    assertEquals("io_a", c.ports().get(2).name());
    assertEquals(16, c.port("io_acc").width());
    String v = c.toVerilog();
    assertTrue(v.contains("module acc_demo ("), v);
    assertTrue(v.contains("input  wire [7:0]  io_a,"), v);
    assertTrue(v.contains("wire [11:0] prod = {4'd0, io_a} * {8'd0, io_b};"), v);
    assertTrue(v.contains("always @(posedge clk) begin"), v);
    assertTrue(v.contains("end else if (io_valid) begin"), v);
    assertTrue(v.contains("wire [15:0] sprod = {{4{prod[11]}}, prod};"), v);
  }

  @Test
  void rejectsBadUse() {
    Component c = new Component("x");
    Signal a = c.input("a", 4);
    HdlException e = assertThrows(HdlException.class, () -> c.input("a", 3));
    assertTrue(e.getMessage().contains("duplicate signal name 'io_a'"));
    assertThrows(HdlException.class, () -> new Component("module"));
    assertThrows(HdlException.class, () -> a.slice(4, 0));
    Reg r = c.reg("r", 5);
    assertThrows(HdlException.class, () -> r.next(a));
    HdlException noNext = assertThrows(HdlException.class, c::toVerilog);
    assertTrue(noNext.getMessage().contains("no next value"));
  }

  @Test
  void lintCleanUnderVerilatorWall() {
    org.exmy.testsupport.RequireTools.verilator();
    VerilatorLint.Result r = VerilatorLint.lint(adderAccumulator().toVerilog(), "acc_demo");
    assertTrue(
        r.clean(), () -> String.join("\n", r.messages()) + "\n" + adderAccumulator().toVerilog());
  }
}
