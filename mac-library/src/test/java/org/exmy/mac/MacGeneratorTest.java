package org.exmy.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exmy.hdl.Port;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.api.Test;

class MacGeneratorTest {

  @Test
  void e4m3PortsFollowTheAccumulatorSpec() {
    NumberFormat f = Formats.parse("E4M3");
    MacCore core = MacGenerator.generate(f, f, 1024);
    // E4M3 (bias 7): significands 4 bits, product 8 bits, shifts up to 14+14 = 28, so |product| < 2^36;
    // + 10 guard bits for 1024 terms + 1 sign bit.
    assertEquals(36, core.spec().productBits());
    assertEquals(47, core.port("io_acc").width());
    assertEquals(8, core.port("io_a").width());
    assertFalse(core.hasFlags());
    assertEquals(-18, core.spec().lsbExponent());
  }

  @Test
  void specialsGetStickyFlagPorts() {
    NumberFormat f = Formats.parse("float8_e5m2");
    MacCore core = MacGenerator.generate(f, f, 1024);
    assertTrue(core.hasFlags());
    assertEquals(java.util.List.of("clk", "reset", "io_clear", "io_valid", "io_a", "io_b", "io_acc", "io_nan",
        "io_posInf", "io_negInf"), core.ports().stream().map(Port::name).toList());
  }

  @Test
  void moduleNamesAreVerilogIdentifiers() {
    assertEquals("exmy_mac_float8_e4m3fn", MacGenerator.moduleName(Formats.parse("float8_e4m3fn"),
        Formats.parse("float8_e4m3fn"), 1024));
    assertEquals("exmy_mac_e4m3_x_e2m1_t64",
        MacGenerator.moduleName(Formats.parse("e4m3"), Formats.parse("E2M1"), 64));
    String n = MacGenerator.moduleName(Formats.parse("E4M3:bias=8"), Formats.parse("E4M3:bias=8"), 1024);
    assertTrue(n.matches("[a-z][a-z0-9_]*"), n);
  }

  @Test
  void mixedIntAndFloatUsesTheIntegerAsSignMagnitude() {
    MacCore core = MacGenerator.generate(Formats.parse("int8"), Formats.parse("e4m3"), 16);
    // INT8 quantum 2^0, E4M3 quantum 2^-9: product LSB 2^-9. |int8| <= 128 (8 bits), E4M3 max 480 =
    // 15 * 2^14 in units of 2^-9 -> 128 * 15 * 2^14 < 2^25 (product bits 25), + 4 guard + 1 sign.
    assertEquals(-9, core.spec().lsbExponent());
    assertEquals(25, core.spec().productBits());
    assertEquals(30, core.port("io_acc").width());
    String v = core.verilog();
    assertTrue(v.contains("a_sig"), v);
    assertTrue(v.contains("operand a: INT8, two's complement"), v);
    assertFalse(core.hasFlags());
  }

  @Test
  void dotCoreHasOneProductUnitPerLaneAndATree() {
    MacCore core = MacGenerator.generate(Formats.parse("float8_e5m2"), Formats.parse("float8_e5m2"), 1024, 5);
    assertEquals("exmy_dot5_float8_e5m2", core.moduleName());
    assertEquals(5, core.lanes());
    assertEquals("io_a_4", core.aPort(4));
    assertEquals(75, core.port("io_acc").width(), "same accumulator as the MAC for the same number of terms");
    assertEquals(8, core.port("io_b_4").width());
    assertEquals(5, core.component().instances().size());
    String v = core.verilog();
    assertEquals(1, v.split("module exmy_dot5_float8_e5m2_product \\(", -1).length - 1, "product unit once");
    // 5 lanes: level 1 adds (0,1) and (2,3), level 2 adds those, level 3 adds lane 4.
    assertTrue(v.contains("wire [65:0] tree1_1 = "), v);
    assertTrue(v.contains("wire [66:0] tree2_0 = "), v);
    assertTrue(v.contains("wire [67:0] tree3_0 = {tree2_0[66], tree2_0} + {{3{lane4_io_prod[64]}}, lane4_io_prod};"), v);
    assertEquals("float8_e5m2 (5 lanes)", core.label());
  }

  @Test
  void dotCoreNeedsAtLeastAsManyTermsAsLanes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MacGenerator.generate(Formats.parse("e4m3"), Formats.parse("e4m3"), 3, 4));
    assertTrue(e.getMessage().contains("terms (3) must be at least lanes (4)"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> MacGenerator.generate(Formats.parse("e4m3"), Formats.parse("e4m3"), 3, 0));
  }

  @Test
  void dotCoresAreLintClean() {
    org.exmy.testsupport.RequireTools.verilator();
    for (String[] p : new String[][] {{"float8_e5m2", "float8_e5m2", "3"}, {"INT8", "INT8", "4"},
        {"INT4", "E2M1", "2"}, {"E4M3", "E4M3", "8"}}) {
      MacCore core = MacGenerator.generate(Formats.parse(p[0]), Formats.parse(p[1]), 64, Integer.parseInt(p[2]));
      org.exmy.hdl.VerilatorLint.Result r = org.exmy.hdl.VerilatorLint.lint(core.verilog(), core.moduleName());
      assertTrue(r.clean(), () -> core.moduleName() + "\n" + String.join("\n", r.messages()));
    }
  }
}
