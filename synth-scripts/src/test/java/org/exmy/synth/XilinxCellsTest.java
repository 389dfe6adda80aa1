package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cell classification on statistics that Yosys produces in the test itself, from tiny designs:
 * zoo.v (one of each inferred primitive class, with I/O buffers), a latch, and generic (unmapped)
 * netlists.
 */
class XilinxCellsTest {
  /** Runs Yosys on {@code v} with {@code synthCommand} and returns its {@code stat -json}. */
  static String statJson(Path v, String synthCommand, Path dir)
      throws IOException, InterruptedException {
    Tools.requireYosys();
    Path json = dir.resolve("stat.json");
    Path log = dir.resolve("yosys.log");
    String script =
        "read_verilog "
            + ToolProcess.yosysQuote(v.toString())
            + "; "
            + synthCommand
            + "; tee -q -o "
            + json.getFileName()
            + " stat -json";
    int exit =
        ToolProcess.run(
            List.of(YosysRunner.executable(), "-p", script),
            dir,
            log,
            YosysRunner.DEFAULT_TIMEOUT,
            "yosys",
            v.getFileName().toString());
    assertEquals(0, exit, ToolProcess.tail(log));
    return Files.readString(json);
  }

  @Test
  void everyPrimitiveClassOfTheZooIsCounted(@TempDir Path dir) throws Exception {
    // Without -noiopad: every port bit gets an IBUF / OBUF and the clock a BUFG.
    String json =
        statJson(Fixtures.copy("zoo.v", dir), "synth_xilinx -top zoo -family xc7 -flatten", dir);
    SynthResult r = YosysStatParser.parse("zoo", true, json);
    // I/O buffers, one per port bit (widths from zoo.v): inputs clk 1, we 1, wa 5, ra 5, wd 4, sd
    // 1,
    // bwe 1, ba 10, bd 16, ma 16, mb 16, sel 8, w 256 = 340; outputs rd 4, sq 1, bq 16, mp 32, y 1
    // = 54
    assertEquals(340, r.cell("IBUF"));
    assertEquals(54, r.cell("OBUF"));
    assertEquals(1, r.cell("BUFG"));
    // the 1024 x 16 memory with registered read: one 18-kbit block RAM (its output register inside)
    assertEquals(1, r.bram());
    assertEquals(1, r.cell("RAMB18E1"));
    // 16 x 16 product: one DSP48E1 that also holds the product register mp
    assertEquals(1, r.dsp48());
    // 32 x 4 distributed RAM: one RAM32M (4 LUT sites); 24-stage shift register: one SRLC32E (1
    // site)
    assertEquals(1, r.cell("RAM32M"));
    assertEquals(1, r.cell("SRLC32E"));
    assertEquals(4 + 1, r.lutMemory());
    // the 256:1 multiplexer goes to LUT6 + MUXF7; only its output register y is a fabric flip-flop
    assertTrue(r.muxf7() > 0);
    assertEquals(1, r.ffs());
    assertEquals(r.luts(), r.lutsBySize().values().stream().mapToInt(Integer::intValue).sum());
    for (String t : r.cells().keySet()) assertTrue(XilinxCells.kind(t).isPresent(), t);
    if (Tools.yosys023()) {
      assertEquals(
          Map.ofEntries(
              Map.entry("BUFG", 1),
              Map.entry("DSP48E1", 1),
              Map.entry("FDRE", 1),
              Map.entry("IBUF", 340),
              Map.entry("LUT3", 3),
              Map.entry("LUT4", 43),
              Map.entry("LUT5", 3),
              Map.entry("LUT6", 59),
              Map.entry("MUXF7", 47),
              Map.entry("OBUF", 54),
              Map.entry("RAM32M", 1),
              Map.entry("RAMB18E1", 1),
              Map.entry("SRLC32E", 1)),
          r.cells());
      assertEquals(3 + 43 + 3 + 59, r.luts());
    }
  }

  @Test
  void aLatchIsNotCountedSilently(@TempDir Path dir) throws Exception {
    Path v = dir.resolve("latch.v");
    Files.writeString(
        v,
        "module latch (input wire en, input wire d, output reg q);\n  always @* if (en) q = d;\nendmodule\n");
    String json = statJson(v, "synth_xilinx -top latch -family xc7 -flatten -noiopad", dir);
    SynthException e =
        assertThrows(SynthException.class, () -> YosysStatParser.parse("latch", true, json));
    assertTrue(e.getMessage().contains("unclassified cell type LDCE"), e.getMessage());
  }

  @Test
  void genericCellsOfAnUnmappedNetlistAreErrors(@TempDir Path dir) throws Exception {
    Path v = Fixtures.copy("cnt4.v", dir);
    // generic gate-level synthesis: $_AND_, $_NOT_, $_XOR_ and flip-flop cells
    SynthException gates =
        assertThrows(
            SynthException.class,
            () -> YosysStatParser.parse("cnt4", true, statJson(v, "synth -top cnt4", dir)));
    assertTrue(
        gates.getMessage().contains("$_AND_") && gates.getMessage().contains("not fully mapped"),
        gates.getMessage());
    // generic LUT mapping: $lut cells
    SynthException luts =
        assertThrows(
            SynthException.class,
            () -> YosysStatParser.parse("cnt4", true, statJson(v, "synth -top cnt4 -lut 4", dir)));
    assertTrue(luts.getMessage().contains("$lut"), luts.getMessage());
  }

  @Test
  void tableKindsAndSites() {
    assertEquals(XilinxCells.Kind.LUT, XilinxCells.kind("LUT6_2").orElseThrow());
    assertEquals(XilinxCells.Kind.LUT, XilinxCells.kind("INV").orElseThrow());
    for (String f : Set.of("FDRE", "FDSE", "FDCE", "FDPE", "FDRE_1", "FDPE_1")) {
      assertEquals(XilinxCells.Kind.FLIP_FLOP, XilinxCells.kind(f).orElseThrow(), f);
    }
    assertEquals(XilinxCells.Kind.CONSTANT, XilinxCells.kind("VCC").orElseThrow());
    assertTrue(XilinxCells.kind("LDCE").isEmpty());
    assertTrue(XilinxCells.kind("MUXCY").isEmpty());
    assertTrue(XilinxCells.kind("$lut").isEmpty());
    // LUT sites (7-series CLB: a SLICEM LUT holds 64 x 1 RAM bits or 32 shift-register stages)
    assertEquals(1, XilinxCells.lutSites("SRL16E"));
    assertEquals(2, XilinxCells.lutSites("RAM64X1D"));
    assertEquals(4, XilinxCells.lutSites("RAM128X1D"));
    assertEquals(4, XilinxCells.lutSites("RAM64M"));
    assertEquals(0, XilinxCells.lutSites("LUT6"));
    SynthResult r =
        SynthResult.fromCells(
            "t",
            true,
            Map.of(
                "LUT6_2",
                2,
                "INV",
                1,
                "RAM64X1D",
                1,
                "VCC",
                1,
                "GND",
                1,
                "IBUF",
                3,
                "BUFGCTRL",
                1,
                "MUXF8",
                1));
    assertEquals(3, r.luts());
    assertEquals(Map.of(1, 1, 6, 2), r.lutsBySize());
    assertEquals(2, r.lutMemory());
    assertEquals(1, r.muxf8());
    assertEquals(0, r.ffs());
  }
}
