package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exmy.synth.Ice40Runner;
import org.exmy.synth.YosysRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  /** A missing tool fails the test, unless EXMY_SKIP_TOOLS=1 (then it is skipped). */
  static void requireTool(boolean present, String name) {
    if (present) return;
    if ("1".equals(System.getenv("EXMY_SKIP_TOOLS")))
      Assumptions.abort(name + " not installed; EXMY_SKIP_TOOLS=1");
    fail(name + " is not installed (./setup.sh); set EXMY_SKIP_TOOLS=1 to skip");
  }

  @Test
  void badPartTimingOrPeriodExitTwoBeforeAnyWork(@TempDir Path dir) {
    Path out = dir.resolve("out");
    CliTest.Run part = CliTest.run("", "synth", "E2M1", "--part", "xc7z020", "-o", out.toString());
    assertEquals(2, part.exit());
    assertTrue(
        part.err().startsWith("exmy: error: --part: unknown Xilinx part 'xc7z020'"), part.err());
    assertEquals(1, part.err().lines().count(), part.err());
    CliTest.Run timing =
        CliTest.run("", "synth", "E2M1", "--timing", "ice40,vivado", "-o", out.toString());
    assertEquals(2, timing.exit());
    assertTrue(
        timing.err().contains("--timing: unknown flow 'vivado' (ice40, xc7 or none)"),
        timing.err());
    CliTest.Run none =
        CliTest.run("", "synth", "E2M1", "--timing", "none,xc7", "-o", out.toString());
    assertEquals(2, none.exit());
    CliTest.Run period = CliTest.run("", "synth", "E2M1", "--period", "0", "-o", out.toString());
    assertEquals(2, period.exit());
    assertFalse(Files.exists(out), "nothing was written");
  }

  @Test
  void synthReportsCellsIce40AndXc7Timing(@TempDir Path dir) throws Exception {
    requireTool(YosysRunner.available(), "yosys");
    requireTool(Ice40Runner.available(), "nextpnr-ice40");
    CliTest.Run r =
        CliTest.run(
            "",
            "synth",
            "E2M1",
            "--timing",
            "ice40,xc7",
            "--part",
            "xczu3eg-sbva484-1-e",
            "-o",
            dir.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    List<String> csv = Files.readAllLines(dir.resolve("synth.csv"));
    assertEquals(r.lines().subList(0, 3), csv, "stdout shows the CSV");
    List<String> head = List.of(csv.get(0).split(","));
    assertEquals(3, csv.size());
    String[] dsp = csv.get(1).split(",", -1);
    String[] nodsp = csv.get(2).split(",", -1);
    assertEquals("yes", dsp[head.indexOf("dsp")]);
    assertEquals("no", nodsp[head.indexOf("dsp")]);
    // E2M1's accumulator: 19 bits, one flip-flop each (README, catalogue.csv)
    assertEquals("19", dsp[head.indexOf("ffs")]);
    // wrapper: inputs reset 1 + io_clear 1 + io_valid 1 + io_a 4 + io_b 4 = 11, io_acc 19: 2 x 11 +
    // 19
    assertEquals("41", dsp[head.indexOf("ice40_wrap_lcs")]);
    assertTrue(Integer.parseInt(dsp[head.indexOf("ice40_core_lcs")]) >= 19, csv.get(1));
    double fmax = Double.parseDouble(dsp[head.indexOf("ice40_fmax_mhz")]);
    assertTrue(fmax > 10 && fmax < 500, csv.get(1));
    // with DSP blocks allowed the core's multiplies are written for them: a core of its own
    assertEquals("exmy_mac_e2m1_dsp", dsp[head.indexOf("top")]);
    assertEquals("exmy_mac_e2m1", nodsp[head.indexOf("top")]);
    // logic delay: longer than the wrapper's own register -> mux -> register path (0.710 ns), and
    // the MHz column is 1000 / ns
    double ns = Double.parseDouble(dsp[head.indexOf("xc7_logic_ns")]);
    assertTrue(ns > 0.710, csv.get(1));
    assertEquals(1000 / ns, Double.parseDouble(dsp[head.indexOf("xc7_logic_mhz")]), 0.1);
    assertTrue(Integer.parseInt(dsp[head.indexOf("xc7_lut_levels")]) >= 1);
    // the Vivado script names the part given
    assertTrue(
        Files.readString(dir.resolve("exmy_mac_e2m1_dsp.vivado.tcl"))
            .contains(
                "synth_design -top exmy_mac_e2m1_dsp -part xczu3eg-sbva484-1-e -mode out_of_context\n"));
    assertTrue(r.err().contains("synth: E2M1: iCE40 HX8K: "), r.err());
  }

  /**
   * An 8 x 8 multiply fits one DSP48E1 (25 x 18): with DSP blocks allowed the INT8 core uses one
   * and fewer LUTs; without, its Booth rows use none.
   */
  @Test
  void dspModeMapsTheInt8MultiplyToOneDsp48(@TempDir Path dir) throws Exception {
    requireTool(YosysRunner.available(), "yosys");
    CliTest.Run r = CliTest.run("", "synth", "INT8", "--timing", "none", "-o", dir.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("synth.csv"));
    List<String> head = List.of(csv.get(0).split(","));
    String[] dsp = csv.get(1).split(",", -1);
    String[] nodsp = csv.get(2).split(",", -1);
    assertEquals("1", dsp[head.indexOf("dsp48")], csv.get(1));
    assertEquals("0", nodsp[head.indexOf("dsp48")], csv.get(2));
    assertTrue(
        Integer.parseInt(dsp[head.indexOf("luts")]) < Integer.parseInt(nodsp[head.indexOf("luts")]),
        csv.toString());
  }

  @Test
  void timingNoneLeavesTheTimingColumnsEmpty(@TempDir Path dir) throws Exception {
    requireTool(YosysRunner.available(), "yosys");
    CliTest.Run r =
        CliTest.run(
            "", "synth", "INT4", "--timing", "none", "--dsp", "nodsp", "-o", dir.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("synth.csv"));
    assertEquals(2, csv.size());
    assertTrue(csv.get(1).endsWith(",,,,,,,"), csv.get(1));
  }

  @Test
  void missingNextpnrIsANoteByDefaultAndAnErrorWhenAskedFor(@TempDir Path dir) throws Exception {
    requireTool(YosysRunner.available(), "yosys");
    String old = System.getProperty("exmy.nextpnr");
    System.setProperty("exmy.nextpnr", dir.resolve("no-nextpnr").toString());
    try {
      CliTest.Run asked =
          CliTest.run("", "synth", "INT4", "--timing", "ice40", "-o", dir.resolve("a").toString());
      assertEquals(2, asked.exit());
      assertTrue(asked.err().contains("--timing ice40 needs nextpnr-ice40"), asked.err());
      assertFalse(Files.exists(dir.resolve("a")));
      CliTest.Run byDefault =
          CliTest.run("", "synth", "INT4", "--dsp", "nodsp", "-o", dir.resolve("b").toString());
      assertEquals(0, byDefault.exit(), byDefault.err());
      assertTrue(byDefault.err().contains("note: nextpnr-ice40 is not installed"), byDefault.err());
      List<String> csv = Files.readAllLines(dir.resolve("b/synth.csv"));
      List<String> head = List.of(csv.get(0).split(","));
      String[] row = csv.get(1).split(",", -1);
      assertEquals("", row[head.indexOf("ice40_fmax_mhz")]);
      assertFalse(row[head.indexOf("xc7_logic_ns")].isEmpty(), csv.get(1));
    } finally {
      if (old == null) System.clearProperty("exmy.nextpnr");
      else System.setProperty("exmy.nextpnr", old);
    }
  }
}
