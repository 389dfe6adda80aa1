package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialWrapperTest {
  /** The port list of exmy_mac_e4m3 (verilog-out/exmy_mac_e4m3.v). */
  static final List<CorePort> E4M3 =
      List.of(
          CorePort.in("clk", 1),
          CorePort.in("reset", 1),
          CorePort.in("io_clear", 1),
          CorePort.in("io_valid", 1),
          CorePort.in("io_a", 8),
          CorePort.in("io_b", 8),
          CorePort.out("io_acc", 47));

  static final List<CorePort> MUL8 =
      List.of(
          CorePort.in("clk", 1), CorePort.in("a", 8), CorePort.in("b", 8), CorePort.out("p", 16));

  @Test
  void everyInputHasItsSliceOfTheInputRegister() {
    SerialWrapper w = SerialWrapper.around("exmy_mac_e4m3", E4M3, "clk");
    // inputs in port order after the clock: reset 1, io_clear 1, io_valid 1, io_a 8, io_b 8 = 19
    // bits
    assertEquals(19, w.inputBits());
    assertEquals(47, w.outputBits());
    assertEquals(2 * 19 + 47, w.registers());
    assertEquals("exmy_mac_e4m3_serial_wrap", w.module());
    String v = w.verilog();
    for (String line :
        List.of(
            "  wire core_reset = in_q[0];",
            "  wire core_io_clear = in_q[1];",
            "  wire core_io_valid = in_q[2];",
            "  wire [7:0] core_io_a = in_q[10:3];",
            "  wire [7:0] core_io_b = in_q[18:11];",
            "  wire [46:0] core_io_acc;",
            "  assign out_bits[46:0] = core_io_acc;",
            "    in_chain <= {in_chain[17:0], ser_in};",
            "    if (ser_load) in_q <= in_chain;",
            "    out_chain <= ser_load ? out_bits : {out_chain[45:0], in_chain[18]};",
            "  assign ser_out = out_chain[46];",
            "    .clk(clk),",
            "    .io_acc(core_io_acc)")) {
      assertTrue(v.contains(line + "\n"), line + " in\n" + v);
    }
  }

  @Test
  void oneBitChainsAndACoreWithoutDataInputs() {
    SerialWrapper one =
        SerialWrapper.around(
            "inv1", List.of(CorePort.in("c", 1), CorePort.in("a", 1), CorePort.out("y", 1)), "c");
    assertTrue(one.verilog().contains("    in_chain <= ser_in;\n"), one.verilog());
    assertTrue(
        one.verilog().contains("    out_chain <= ser_load ? out_bits : in_chain[0];\n"),
        one.verilog());
    SerialWrapper ctr =
        SerialWrapper.around("ctr", List.of(CorePort.in("clk", 1), CorePort.out("q", 4)), "clk");
    assertEquals(0, ctr.inputBits());
    assertTrue(
        !ctr.verilog().contains("in_chain") && ctr.verilog().contains("{out_chain[2:0], ser_in}"),
        ctr.verilog());
  }

  @Test
  void badPortListsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> SerialWrapper.around("m", MUL8, "nosuch"));
    assertThrows(
        IllegalArgumentException.class, () -> SerialWrapper.around("m", MUL8, "a"), "8-bit clock");
    assertThrows(
        IllegalArgumentException.class,
        () -> SerialWrapper.around("m", MUL8, "p"),
        "output as clock");
    assertThrows(
        IllegalArgumentException.class,
        () -> SerialWrapper.around("m", List.of(CorePort.in("clk", 1), CorePort.in("a", 1)), "clk"),
        "no output");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SerialWrapper.around(
                "m",
                List.of(CorePort.in("clk", 1), CorePort.in("clk", 1), CorePort.out("q", 1)),
                "clk"),
        "twice");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SerialWrapper.around(
                "m", List.of(CorePort.in("ser_in", 1), CorePort.out("q", 1)), "ser_in"),
        "clock named like a wrapper pin");
    assertThrows(IllegalArgumentException.class, () -> SerialWrapper.around("a b", MUL8, "clk"));
    assertThrows(IllegalArgumentException.class, () -> CorePort.in("a[0]", 1));
    assertThrows(IllegalArgumentException.class, () -> CorePort.out("q", 0));
  }

  @Test
  void wrapperAndCoreAreLintClean(@TempDir Path dir) throws Exception {
    Tools.requireTool("verilator");
    Path core = Fixtures.copy("mul8.v", dir);
    SerialWrapper w = SerialWrapper.around("mul8", MUL8, "clk");
    Path wrap = dir.resolve(w.module() + ".v"); // -Wall wants the file named after the module
    Files.writeString(wrap, w.verilog());
    Process p =
        new ProcessBuilder(
                "verilator",
                "--lint-only",
                "-Wall",
                "--top-module",
                w.module(),
                wrap.toString(),
                core.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), out);
    assertEquals("", out.strip());
  }

  @Test
  void nothingOfTheCoreIsOptimisedAway(@TempDir Path dir) throws Exception {
    // mul8's 16-bit product register must survive iCE40 synthesis inside the wrapper: all
    // flip-flops = the core's 16 + the wrapper's 2 x 16 + 16 = 64
    Path core = Fixtures.copy("mul8.v", dir);
    SerialWrapper w = SerialWrapper.around("mul8", MUL8, "clk");
    Path wrap = dir.resolve("wrap.v");
    Files.writeString(wrap, w.verilog());
    String json =
        XilinxCellsTest.statJson(
            core,
            "read_verilog "
                + ToolProcess.yosysQuote(wrap.toString())
                + "; synth_ice40 -top "
                + w.module(),
            dir);
    Object root = MiniJson.parse(json);
    @SuppressWarnings("unchecked")
    var cells =
        (java.util.Map<String, Object>)
            ((java.util.Map<String, Object>)
                    ((java.util.Map<String, Object>)
                            ((java.util.Map<String, Object>) root).get("modules"))
                        .get("\\" + w.module()))
                .get("num_cells_by_type");
    long ffs =
        cells.entrySet().stream()
            .filter(e -> e.getKey().startsWith("SB_DFF"))
            .mapToLong(e -> ((Number) e.getValue()).longValue())
            .sum();
    assertEquals(16 + w.registers(), ffs, cells.toString());
    assertTrue(
        cells.containsKey("SB_LUT4") && cells.containsKey("SB_CARRY"),
        "the multiplier's logic: " + cells);
  }
}
