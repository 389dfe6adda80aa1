package org.exmy.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Constants folded by the DSL, and long lines folded by the emitter, without changing meaning. */
class FoldingTest {

  private static BigInteger value(Expr e) {
    assertTrue(e instanceof Expr.Const, "folded to a constant: " + e.getClass().getSimpleName());
    return ((Expr.Const) e).value();
  }

  @Test
  void logicWithConstantsFolds() {
    Component c = new Component("m");
    Signal x = c.input("x", 4);
    assertEquals(BigInteger.ZERO, value(x.and(Hdl.zero(4))));
    assertEquals(BigInteger.ZERO, value(Hdl.zero(1).and(x)));
    assertSame(x, x.and(Hdl.ones(4)));
    assertSame(x, Hdl.zero(4).or(x));
    assertSame(x, x.xor(Hdl.lit(0, 2)));
    assertEquals(BigInteger.valueOf(15), value(x.or(Hdl.ones(4))));
    assertEquals(BigInteger.valueOf(0b1010), value(Hdl.lit(0b0101, 4).not()));
    assertEquals(BigInteger.valueOf(0b0110), value(Hdl.lit(0b0101, 4).xor(Hdl.lit(0b0011, 4))));
    assertSame(x, x.not().not());
    assertSame(x, Hdl.mux(Hdl.lit(1, 1), x, Hdl.zero(4)));
    Signal s = c.input("s", 1);
    assertSame(x, Hdl.mux(s, x, x));
    // not folded where the width would change: a narrower x zero-extended by the wider constant
    assertFalse(x.and(Hdl.ones(8)) instanceof Signal);
    assertEquals(8, x.and(Hdl.ones(8)).width());
    assertFalse(Hdl.mux(Hdl.lit(0, 1), x, Hdl.zero(6)) == x);
  }

  @Test
  void longLinesFoldAtSpacesKeepingEveryToken() {
    Random r = new Random(5);
    StringBuilder code = new StringBuilder("  wire [35:0] addend = {");
    for (int i = 0; i < 60; i++)
      code.append(i == 0 ? "" : ", ").append("p_neg ^ (p_at3 & p_fine[").append(i).append("])");
    code.append("};");
    StringBuilder comment = new StringBuilder("  // ");
    for (int i = 0; i < 80; i++) comment.append("word").append(r.nextInt(1000)).append(' ');
    String text =
        "module m;\n" + code + "\n" + comment.toString().stripTrailing() + "\nendmodule\n";
    String folded = VerilogEmitter.foldLines(text, 120);
    for (String line : folded.split("\n")) assertTrue(line.length() <= 120, line);
    assertTrue(folded.lines().count() > text.lines().count() + 10);
    // the code's tokens are unchanged (Verilog ignores the whitespace); comments stay comments
    String codePart = folded.substring(folded.indexOf("  wire"), folded.indexOf("  //"));
    assertEquals(code.toString().replaceAll("\\s+", ""), codePart.replaceAll("\\s+", ""));
    String commentPart = folded.substring(folded.indexOf("  //"), folded.indexOf("endmodule"));
    for (String line : commentPart.split("\n")) assertTrue(line.startsWith("  // "), line);
    assertEquals(
        comment.toString().replace("  // ", "").replaceAll("\\s+", ""),
        commentPart.replace("  // ", "").replaceAll("\\s+", ""));
    assertEquals("x\n", VerilogEmitter.foldLines("x\n", 120));
  }
}
