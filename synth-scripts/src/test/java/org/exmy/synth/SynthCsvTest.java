package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCsvTest {
  @Test
  void headerAndRows(@TempDir Path dir) throws IOException {
    assertEquals(
        "format,top,dsp,luts,ffs,carry4,dsp48,muxf7,muxf8,lut_mem,lut1,lut2,lut3,lut4,lut5,lut6,"
            + "ice40_core_lcs,ice40_wrap_lcs,ice40_fmax_mhz,xc7_logic_ns,xc7_logic_mhz,xc7_lut_levels,xc7_exact",
        SynthCsv.header());
    SynthResult r =
        SynthResult.fromCells(
            "t",
            false,
            Map.of(
                "LUT2", 3, "LUT6", 2, "INV", 1, "FDRE", 5, "FDCE", 1, "CARRY4", 1, "MUXF7", 4,
                "MUXF8", 2));
    assertEquals("E4M3,t,no,6,6,1,0,4,2,0,1,3,0,0,0,2,,,,,,,", SynthCsv.row("E4M3", r));
    SynthResult d =
        YosysStatParser.parse(
            "mul8", true, "=== mul8 ===\n   Number of cells: 1\n     DSP48E1  1\n");
    assertEquals("INT8,mul8,yes,0,0,0,1,0,0,0,0,0,0,0,0,0,,,,,,,", SynthCsv.row("INT8", d));
    assertEquals("\"a,b\",t,no,6,6,1,0,4,2,0,1,3,0,0,0,2,,,,,,,", SynthCsv.row("a,b", r));
    Path csv = dir.resolve("sub/synth.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "old content that must be replaced whole\n");
    SynthCsv.write(
        csv,
        List.of(new SynthCsv.Row("E4M3", r, null, null), new SynthCsv.Row("INT8", d, null, null)));
    assertEquals(
        List.of(SynthCsv.header(), SynthCsv.row("E4M3", r), SynthCsv.row("INT8", d)),
        Files.readAllLines(csv));
    try (var files = Files.list(csv.getParent())) {
      assertEquals(List.of(csv), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void timingColumns() {
    SynthResult r = SynthResult.fromCells("t", true, Map.of("LUT2", 1, "SRLC32E", 2, "RAM32M", 1));
    assertEquals(2 + 4, r.lutMemory(), "SRLC32E: 1 LUT site each, RAM32M: 4");
    // 34 cells used, 24 of them the wrapper's: 10 for the core; 508.388... MHz to 2 decimals
    Ice40Result ice =
        new Ice40Result(
            "t",
            508.3883972167969,
            Map.of("ICESTORM_LC", 34),
            Map.of("ICESTORM_LC", 7680),
            24,
            1,
            100);
    // 710 ps = 0.710 ns; 1e6 / 710 = 1408.45 MHz; the path has one LUT arc
    StaTiming sta =
        new StaTiming(
            "t",
            true,
            710,
            true,
            "FDRE.D",
            List.of("clk (primary input)", "FDRE.C->Q", "LUT3.I0->O"));
    assertEquals(
        "X,t,yes,1,0,0,0,0,0,6,0,1,0,0,0,0,10,24,508.39,0.710,1408.5,1,yes",
        SynthCsv.row(new SynthCsv.Row("X", r, ice, sta)));
  }

  @Test
  void resultMapsAreImmutableCopies() {
    java.util.HashMap<String, Integer> cells = new java.util.HashMap<>(Map.of("LUT3", 2));
    SynthResult r = SynthResult.fromCells("t", true, cells);
    cells.put("LUT3", 9);
    assertEquals(2, r.lut(3));
    assertThrows(UnsupportedOperationException.class, () -> r.cells().put("X", 1));
  }
}
