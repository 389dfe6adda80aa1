package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VivadoTest {
  static final List<Path> CORE = List.of(Path.of("/w/core.v"));

  @Test
  void tclWithDsp() {
    String t = VivadoTcl.emit(CORE, "core", VivadoTcl.DEFAULT_PART, true, Path.of("/w/r"), 4);
    List<String> lines = t.lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(List.of(
        "file mkdir {/w/r}",
        "read_verilog {/w/core.v}",
        "synth_design -top core -part xc7z020clg400-1 -mode out_of_context",
        "if {[llength [get_ports -quiet clk]] > 0} {",
        "  create_clock -name clk -period 4.000 [get_ports clk]",
        "}",
        "report_utilization -file {/w/r}/core_utilization.rpt",
        "report_timing_summary -file {/w/r}/core_timing.rpt"), lines);
    assertFalse(t.contains("-max_dsp"));
    assertEquals(t, VivadoTcl.emit(CORE, "core", true, Path.of("/w/r"), 4), "default part");
  }

  @Test
  void tclWithoutDspForbidsDsps() {
    String t = VivadoTcl.emit(List.of(Path.of("/w/a.v"), Path.of("/w/b c.v")), "core", "xc7a35tcpg236-1", false,
        Path.of("/w/r"), 2.5);
    assertTrue(t.contains("\nsynth_design -top core -part xc7a35tcpg236-1 -mode out_of_context -max_dsp 0\n"), t);
    assertTrue(t.contains("read_verilog {/w/a.v}\nread_verilog {/w/b c.v}\n"), t);
    assertTrue(t.contains("-period 2.500 [get_ports clk]"), t);
    assertThrows(IllegalArgumentException.class, () -> VivadoTcl.emit(CORE, "a;b", "p", true, Path.of("/r"), 4));
    assertThrows(IllegalArgumentException.class, () -> VivadoTcl.emit(CORE, "a", "p", true, Path.of("/r"), 0));
    assertThrows(IllegalArgumentException.class, () -> VivadoTcl.emit(List.of(), "a", "p", true, Path.of("/r"), 4));
    assertThrows(IllegalArgumentException.class,
        () -> VivadoTcl.emit(List.of(Path.of("/w/{x}.v")), "a", "p", true, Path.of("/r"), 4));
  }

  @Test
  void utilizationReport() {
    SynthResult r = VivadoUtilizationParser.parse("exmy_mac_int8", true, Fixtures.text("vivado_utilization.rpt"));
    assertEquals(43, r.luts(), "Slice LUTs");
    assertEquals(26, r.ffs(), "Register as Flip Flop");
    assertEquals(1, r.dsp48(), "DSPs");
    assertEquals(7, r.carry4(), "CARRY4 primitive");
    assertEquals(2, r.muxf7());
    assertEquals(1, r.muxf8());
    assertEquals(0, r.bram());
    assertEquals(Map.of(2, 17, 3, 8, 4, 12, 5, 2, 6, 4), r.lutsBySize());
    assertEquals(Map.of("FDRE", 26, "LUT2", 17, "LUT4", 12, "LUT3", 8, "CARRY4", 7, "LUT6", 4, "LUT5", 2,
        "MUXF7", 2, "MUXF8", 1, "DSP48E1", 1), r.cells());
    assertEquals("7,exmy_mac_int8,yes,43,26,7,1,2,1,0,17,8,12,2,4",
        SynthCsv.row("7", r));
  }

  @Test
  void utilizationSummaryWithoutPrimitives() {
    String summaryOnly = Fixtures.text("vivado_utilization.rpt").replaceAll("(?s)\\n7\\. Primitives\\R-{5}.*", "\n");
    assertFalse(summaryOnly.contains("CARRY4"));
    SynthResult s = VivadoUtilizationParser.parse("exmy_mac_int8", false, summaryOnly);
    assertEquals(43, s.luts());
    assertEquals(26, s.ffs());
    assertEquals(1, s.dsp48());
    assertEquals(0, s.carry4(), "only in the Primitives table");
    assertEquals(Map.of(), s.lutsBySize());
    assertEquals(Map.of("DSP48E1", 1, "MUXF7", 2, "MUXF8", 1), s.cells());
    assertThrows(SynthException.class, () -> VivadoUtilizationParser.parse("x", true, "hello"));
  }

  @Test
  void ultraScaleReportWithProhibitedColumnAndHalfBram() {
    String rpt = """
        1. CLB Logic
        ------------

        +-------------------------+------+-------+------------+-----------+-------+
        |        Site Type        | Used | Fixed | Prohibited | Available | Util% |
        +-------------------------+------+-------+------------+-----------+-------+
        | CLB LUTs*               |   30 |     0 |          0 |    230400 |  0.01 |
        |   LUT as Logic          |   30 |     0 |          0 |    230400 |  0.01 |
        | CLB Registers           |   21 |     0 |          0 |    460800 | <0.01 |
        |   Register as Flip Flop |   20 |     0 |          0 |    460800 | <0.01 |
        |   Register as Latch     |    1 |     0 |          0 |    460800 | <0.01 |
        | CARRY8                  |    2 |     0 |          0 |     28800 | <0.01 |
        | F7 Muxes                |    0 |     0 |          0 |    115200 |  0.00 |
        +-------------------------+------+-------+------------+-----------+-------+

        2. BLOCKRAM
        -----------

        +----------------+------+-------+------------+-----------+-------+
        |    Site Type   | Used | Fixed | Prohibited | Available | Util% |
        +----------------+------+-------+------------+-----------+-------+
        | Block RAM Tile |  0.5 |     0 |          0 |       312 |  0.16 |
        |   RAMB18       |    1 |     0 |          0 |       624 |  0.16 |
        +----------------+------+-------+------------+-----------+-------+

        3. ARITHMETIC
        -------------

        +----------------+------+-------+------------+-----------+-------+
        |    Site Type   | Used | Fixed | Prohibited | Available | Util% |
        +----------------+------+-------+------------+-----------+-------+
        | DSPs           |    2 |     0 |          0 |      1728 |  0.12 |
        |   DSP48E2 only |    2 |       |            |           |       |
        +----------------+------+-------+------------+-----------+-------+

        7. Primitives
        -------------

        +----------+------+---------------------+
        | Ref Name | Used | Functional Category |
        +----------+------+---------------------+
        | LUT6     |   18 |                 CLB |
        | FDRE     |   20 |            Register |
        | LUT3     |   12 |                 CLB |
        | DSP48E2  |    2 |          Arithmetic |
        | CARRY8   |    2 |                 CLB |
        | LDCE     |    1 |            Register |
        | RAMB18E2 |    1 |            BLOCKRAM |
        +----------+------+---------------------+
        """;
    SynthResult r = VivadoUtilizationParser.parse("u", true, rpt);
    assertEquals(30, r.luts());
    assertEquals(20, r.ffs(), "the latch is not a flip-flop");
    assertEquals(2, r.carry4(), "CARRY8");
    assertEquals(2, r.dsp48());
    assertEquals(1, r.bram(), "half a tile rounds up");
    assertEquals(Map.of(3, 12, 6, 18), r.lutsBySize());
  }
}
