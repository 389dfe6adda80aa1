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
    assertEquals("format,top,dsp,luts,ffs,carry4,dsp48,muxf7,muxf8,lut1,lut2,lut3,lut4,lut5,lut6", SynthCsv.header());
    SynthResult r = SynthResult.fromCells("t", false,
        Map.of("LUT2", 3, "LUT6", 2, "INV", 1, "FDRE", 5, "FDCE", 1, "CARRY4", 1, "MUXF7", 4, "MUXF8", 2));
    assertEquals("E4M3,t,no,6,6,1,0,4,2,1,3,0,0,0,2", SynthCsv.row("E4M3", r));
    SynthResult d = YosysStatParser.parse("mul8", true, "=== mul8 ===\n   Number of cells: 1\n     DSP48E1  1\n");
    assertEquals("INT8,mul8,yes,0,0,0,1,0,0,0,0,0,0,0,0", SynthCsv.row("INT8", d));
    assertEquals("\"a,b\",t,no,6,6,1,0,4,2,1,3,0,0,0,2", SynthCsv.row("a,b", r));
    Path csv = dir.resolve("sub/synth.csv");
    SynthCsv.write(csv, List.of(Map.entry("E4M3", r), Map.entry("INT8", d)));
    assertEquals(List.of(SynthCsv.header(), SynthCsv.row("E4M3", r), SynthCsv.row("INT8", d)), Files.readAllLines(csv));
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
