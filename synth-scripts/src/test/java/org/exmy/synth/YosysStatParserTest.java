package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Parser tests on output captured from Yosys 0.23 (synth-scripts/yosys/synth_xilinx.sh and the
 * runner's script); the expected numbers were read off the files by hand.
 */
class YosysStatParserTest {
  @Test
  void wholeLogOfTheEightBitMultiplierWithoutDsp() {
    // yosys_mul8_nodsp.log: the complete log; synth_xilinx prints stat itself (2.43), then the
    // script's "stat -tech xilinx" (3.) follows; both list the same 158 cells.
    String log = Fixtures.text("yosys_mul8_nodsp.log");
    SynthResult r = YosysStatParser.parse("mul8", false, log);
    assertEquals(
        Map.of(
            "CARRY4", 4, "FDRE", 16, "LUT2", 16, "LUT3", 6, "LUT4", 13, "LUT5", 7, "LUT6", 72,
            "MUXF7", 23, "MUXF8", 1),
        r.cells());
    assertEquals(16 + 6 + 13 + 7 + 72, r.luts());
    assertEquals(Map.of(2, 16, 3, 6, 4, 13, 5, 7, 6, 72), r.lutsBySize());
    assertEquals(0, r.lut(1));
    assertEquals(16, r.ffs());
    assertEquals(4, r.carry4());
    assertEquals(0, r.dsp48());
    assertEquals(0, r.bram());
    assertEquals(23, r.muxf7());
    assertEquals(1, r.muxf8());
    assertEquals("mul8", r.top());
    assertEquals(false, r.dsp());
    assertEquals(OptionalInt.of(98), YosysStatParser.estimatedLcs(log));
  }

  @Test
  void jsonOfTheSameRunGivesTheSameResult() {
    assertEquals(
        YosysStatParser.parse("mul8", false, Fixtures.text("yosys_mul8_nodsp.log")),
        YosysStatParser.parse("mul8", false, Fixtures.text("yosys_mul8_nodsp_stat.json")));
  }

  @Test
  void statisticsOfTheE4m3MacCore() {
    // yosys_e4m3_stat.txt: verilog-out/exmy_mac_e4m3.v, DSP allowed (it uses none: the 4x4-bit
    // significand product is below the DSP threshold)
    String text = Fixtures.text("yosys_e4m3_stat.txt");
    SynthResult r = YosysStatParser.parse("exmy_mac_e4m3", true, text);
    assertEquals(6 + 10 + 70 + 6 + 76 + 35 + 80, r.luts(), "INV + LUT1..LUT6");
    assertEquals(6 + 10, r.lut(1), "6 INV + 10 LUT1");
    assertEquals(70, r.lut(2));
    assertEquals(6, r.lut(3));
    assertEquals(76, r.lut(4));
    assertEquals(35, r.lut(5));
    assertEquals(80, r.lut(6));
    assertEquals(47, r.ffs());
    assertEquals(30, r.carry4());
    assertEquals(59, r.muxf7());
    assertEquals(17, r.muxf8());
    assertEquals(0, r.dsp48());
    assertEquals(6, r.cell("INV"));
    assertEquals(
        436, r.cells().values().stream().mapToInt(Integer::intValue).sum(), "Number of cells: 436");
    assertEquals(OptionalInt.of(197), YosysStatParser.estimatedLcs(text));
    SynthException e =
        assertThrows(SynthException.class, () -> YosysStatParser.parse("other", true, text));
    assertTrue(
        e.getMessage().contains("'other'") && e.getMessage().contains("[exmy_mac_e4m3]"),
        e.getMessage());
  }

  @Test
  void hierarchicalStatisticsUseTheDesignTotals() {
    // yosys_hier_stat.txt / .json: hier.v synthesized WITHOUT -flatten (two add4 instances)
    Map<String, Integer> totals = Map.of("CARRY4", 4, "FDRE", 10, "LUT2", 8);
    SynthResult text = YosysStatParser.parse("hier", true, Fixtures.text("yosys_hier_stat.txt"));
    assertEquals(totals, text.cells());
    assertEquals(8, text.luts());
    assertEquals(10, text.ffs());
    assertEquals(4, text.carry4());
    assertEquals(text, YosysStatParser.parse("hier", true, Fixtures.text("yosys_hier_stat.json")));
    assertEquals(
        OptionalInt.of(4), YosysStatParser.estimatedLcs(Fixtures.text("yosys_hier_stat.txt")));
  }

  @Test
  void lastStatisticsWin() {
    String first =
        "1. Printing statistics.\n\n=== \\x ===\n\n   Number of cells:   3\n     FDRE   3\n\n";
    String second =
        "2. Printing statistics.\n\n=== x ===\n\n   Number of cells:   2\n     LUT6   1\n     FDSE   1\n";
    SynthResult r = YosysStatParser.parse("x", true, first + "some other output\n" + second);
    assertEquals(Map.of("LUT6", 1, "FDSE", 1), r.cells());
    assertEquals(1, r.ffs());
  }

  @Test
  void otherPrimitiveNamesAreSummedIntoTheirKinds() {
    String s =
        """
        === t ===

           Number of cells:     12
             CARRY8              1
             CARRY4              2
             DSP48E2             1
             DSP48E1             1
             FDCE                1
             FDPE                1
             FDRE_1              1
             FDSE                1
             RAMB18E1            1
             RAMB36E1            1
             LUT1                1
        """;
    SynthResult r = YosysStatParser.parse("t", true, s);
    assertEquals(3, r.carry4());
    assertEquals(2, r.dsp48());
    assertEquals(4, r.ffs());
    assertEquals(2, r.bram());
    assertEquals(1, r.luts());
  }

  @Test
  void anUnclassifiedCellIsAnErrorNamingIt() {
    String s =
        """
        === t ===

           Number of cells:      3
             FDRE                1
             $_DFF_P_            1
             LDCE                1
        """;
    SynthException e =
        assertThrows(SynthException.class, () -> YosysStatParser.parse("t", true, s));
    assertTrue(
        e.getMessage().contains("$_DFF_P_, LDCE") && e.getMessage().contains("generic Yosys cell"),
        e.getMessage());
  }

  @Test
  void badInputIsASynthException() {
    assertThrows(
        SynthException.class, () -> YosysStatParser.parse("t", true, "no statistics here"));
    assertThrows(SynthException.class, () -> YosysStatParser.parse("t", true, "{\"creator\": 1}"));
    assertThrows(SynthException.class, () -> YosysStatParser.parse("t", true, "{\"modules\": {"));
    // a histogram that does not add up to "Number of cells" means the format is not understood
    assertThrows(
        SynthException.class,
        () ->
            YosysStatParser.parse(
                "t", true, "=== t ===\n   Number of cells:  5\n     LUT2  4\n\n"));
  }
}
