package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Yosys runs on small hand-written cores (a missing yosys fails them, see RequireTools). Exact
 * cell counts are asserted for Yosys 0.23 (the Debian 12 package these were cross-checked with);
 * other versions get the structural checks only.
 */
class YosysRunnerTest {
  static boolean is023;

  @BeforeAll
  static void yosys() {
    org.exmy.testsupport.RequireTools.yosys();
    is023 = YosysRunner.version().orElse("").startsWith("Yosys 0.23 ");
  }

  static SynthResult run(Path v, String top, boolean dsp, Path dir) {
    long t0 = System.nanoTime();
    SynthResult r = new YosysRunner().synthesize(v, top, dsp, dir);
    System.out.printf(
        "yosys %s%s: %.2f s, %s%n",
        top, dsp ? "" : " -nodsp", (System.nanoTime() - t0) / 1e9, r.cells());
    return r;
  }

  @Test
  void eightByEightMultiplierGoesIntoOneDsp48WithItsOutputRegister(@TempDir Path dir)
      throws IOException {
    SynthResult r = run(Fixtures.copy("mul8.v", dir), "mul8", true, dir);
    assertEquals(1, r.dsp48());
    // the product register p is absorbed into the DSP48E1 (PREG=1): no fabric flip-flops or LUTs
    assertEquals(0, r.ffs());
    assertEquals(0, r.luts());
    assertEquals(Map.of("DSP48E1", 1), r.cells(), "-noiopad -noclkbuf: no IBUF/OBUF/BUFG");
    assertTrue(r.dsp());
    assertTrue(
        Files.readString(dir.resolve("mul8.ys"))
            .contains("synth_xilinx -top mul8 -family xc7 -flatten"));
    assertTrue(Files.readString(dir.resolve("mul8.yosys.log")).contains("End of script."));
  }

  @Test
  void eightByEightMultiplierWithoutDspIsLutsCarriesAndSixteenFlipFlops(@TempDir Path dir)
      throws IOException {
    SynthResult r = run(Fixtures.copy("mul8.v", dir), "mul8", false, dir);
    assertEquals(0, r.dsp48());
    assertEquals(16, r.ffs(), "the 16-bit product register");
    assertEquals(16, r.cell("FDRE"));
    assertTrue(r.luts() > 50, "an 8x8 multiplier in LUTs: " + r.luts());
    assertTrue(r.carry4() > 0);
    assertEquals(r.luts(), r.lutsBySize().values().stream().mapToInt(Integer::intValue).sum());
    if (is023) {
      assertEquals(114, r.luts());
      assertEquals(Map.of(2, 16, 3, 6, 4, 13, 5, 7, 6, 72), r.lutsBySize());
      assertEquals(4, r.carry4());
      assertEquals(23, r.muxf7());
      assertEquals(1, r.muxf8());
      assertEquals(
          98,
          YosysStatParser.estimatedLcs(Files.readString(dir.resolve("mul8_nodsp.yosys.log")))
              .getAsInt());
    }
    assertTrue(Files.readString(dir.resolve("mul8_nodsp.ys")).contains(" -nodsp"));
    assertTrue(Files.exists(dir.resolve("mul8_nodsp.stat.json")));
    // the text statistics in the log say the same as the JSON the runner read
    assertEquals(
        r,
        YosysStatParser.parse(
            "mul8", false, Files.readString(dir.resolve("mul8_nodsp.yosys.log"))));
  }

  @Test
  void fourByFourMultiplierIsBelowTheDspThreshold(@TempDir Path dir) throws IOException {
    // synth_xilinx (xc7) maps $mul to DSP48E1 only when both operands have >= 2 bits and the
    // product >= 9 bits (mul2dsp DSP_Y_MINWIDTH=9): 4x4 -> 8 bits stays in LUTs, 4x5 would not.
    Path v = dir.resolve("mul4.v");
    Files.writeString(
        v,
        "module mul4 (input wire clk, input wire [3:0] a, input wire [3:0] b, output reg [7:0] p);\n"
            + "  always @(posedge clk) p <= a * b;\nendmodule\n");
    SynthResult r = run(v, "mul4", true, dir);
    assertEquals(0, r.dsp48());
    assertEquals(8, r.ffs());
    assertTrue(r.luts() > 0);
  }

  @Test
  void fourBitCounterIsFourFlipFlopsOneCarry4AndAnInverter(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("with space"); // file names are quoted in the script
    Files.createDirectories(dir);
    SynthResult r = run(Fixtures.copy("cnt4.v", dir), "cnt4", true, dir);
    assertEquals(4, r.ffs());
    assertEquals(0, r.dsp48());
    assertEquals(1, r.carry4(), "q + 1 on one CARRY4");
    if (is023) {
      // bit 0 of q+1 is ~q[0]: an INV cell, which takes a LUT1 site (counted as one LUT)
      assertEquals(Map.of("CARRY4", 1, "FDRE", 4, "INV", 1), r.cells());
      assertEquals(1, r.luts());
      assertEquals(1, r.lut(1));
    }
  }

  @Test
  void hierarchicalDesignIsFlattenedAndCountedWhole(@TempDir Path dir) {
    SynthResult r = run(Fixtures.copy("hier.v", dir), "hier", true, dir);
    assertEquals(10, r.ffs());
    assertTrue(r.carry4() >= 2 && r.luts() >= 8, r.cells().toString());
    assertTrue(
        r.cells().keySet().stream().noneMatch(c -> c.contains("add4")),
        "no sub-module instances left");
  }

  @Test
  void brokenVerilogGivesYosysErrorAndTheLogTail(@TempDir Path dir) throws IOException {
    Path v = dir.resolve("bad.v");
    Files.writeString(v, "module bad(input a, output y); assign y = a +; endmodule\n");
    SynthException e =
        assertThrows(SynthException.class, () -> new YosysRunner().synthesize(v, "bad", true, dir));
    assertTrue(e.getMessage().startsWith("yosys failed on bad (exit 1, log "), e.getMessage());
    assertTrue(
        e.getMessage().contains("ERROR:") && e.getMessage().contains("syntax error"),
        e.getMessage());
    assertTrue(Files.exists(dir.resolve("bad.yosys.log")));
  }

  @Test
  void wrongTopIsAnError(@TempDir Path dir) {
    Path v = Fixtures.copy("cnt4.v", dir);
    SynthException e =
        assertThrows(
            SynthException.class, () -> new YosysRunner().synthesize(v, "nosuch", true, dir));
    assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
  }

  @Test
  void timeoutKillsYosys(@TempDir Path dir) {
    Path v = Fixtures.copy("mul8.v", dir);
    SynthException e =
        assertThrows(
            SynthException.class,
            () -> new YosysRunner(Duration.ofMillis(300)).synthesize(v, "mul8", false, dir));
    assertTrue(e.getMessage().startsWith("yosys timed out after 0.3 s on mul8"), e.getMessage());
  }

  @Test
  void shellWrapperRunsTheSameScript(@TempDir Path dir) throws Exception {
    Path sh = Path.of("yosys/synth_xilinx.sh").toAbsolutePath();
    assumeTrue(
        Files.isExecutable(sh) && Files.isExecutable(Path.of("/bin/bash")),
        "run from the module folder");
    Path v = Fixtures.copy("mul8.v", dir);
    Process p =
        new ProcessBuilder("/bin/bash", sh.toString(), v.toString(), "mul8", "--nodsp")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("=== mul8 ===") && out.contains("yosys time:"), out);
    SynthResult fromWrapper = YosysStatParser.parse("mul8", false, out);
    SynthResult fromRunner = new YosysRunner().synthesize(v, "mul8", false, dir.resolve("runner"));
    assertEquals(fromRunner, fromWrapper);
  }
}
