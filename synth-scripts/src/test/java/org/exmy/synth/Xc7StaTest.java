package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Yosys sta on xc7 netlists (a missing Yosys fails these tests; EXMY_SKIP_TOOLS=1 skips). */
class Xc7StaTest {
  static StaTiming run(Path v, String top, List<CorePort> ports, boolean dsp, Path dir) {
    Tools.requireYosys();
    StaTiming t = new Xc7StaRunner().run(List.of(v), top, ports, "clk", dsp, dir);
    System.out.printf(
        "xc7 sta %s%s: %d ps (%.1f MHz), %d LUT levels, %s -> %s%n",
        top,
        dsp ? "" : " -nodsp",
        t.criticalPs(),
        t.logicMhz(),
        t.lutLevels(),
        t.path(),
        t.endpoint());
    return t;
  }

  @Test
  void aPlainRegisterIsClockToQPlusTheWrappersMultiplexer(@TempDir Path dir) throws IOException {
    StaTiming t = run(Ice40RunnerTest.reg8(dir), "reg8", Ice40RunnerTest.REG8, true, dir);
    // core q (FDRE C->Q) -> out_chain's 2:1 mux (a LUT3) -> out_chain FDRE D. With the delays of
    // Yosys 0.23's cells_sim.v: FDRE C->Q 303 ps, LUT3 I0->O 407 ps, FDRE D setup 0 ps = 710 ps
    assertEquals("FDRE.D", t.endpoint());
    assertTrue(t.exact());
    assertEquals(1, t.lutLevels());
    assertEquals("FDRE.C->Q", t.path().get(1));
    assertTrue(t.path().get(0).endsWith("(primary input)"), t.path().toString());
    if (Tools.yosys023()) {
      assertEquals(710, t.criticalPs());
      assertEquals(List.of("\\clk (primary input)", "FDRE.C->Q", "LUT3.I0->O"), t.path());
      assertEquals(1e6 / 710, t.logicMhz(), 1e-9);
    }
    assertTrue(
        Files.readString(dir.resolve("reg8_xc7sta.ys"))
            .contains("read_verilog -lib -specify +/xilinx/cells_sim.v\nsta\n"));
  }

  @Test
  void aMultiplierInLutsIsDeeperThanInADsp(@TempDir Path dir) throws IOException {
    Path v = Fixtures.copy("mul8.v", dir);
    StaTiming luts = run(v, "mul8", SerialWrapperTest.MUL8, false, dir);
    StaTiming dsp = run(v, "mul8", SerialWrapperTest.MUL8, true, dir);
    assertTrue(luts.lutLevels() >= 2, luts.toString());
    assertTrue(luts.criticalPs() > 710, "longer than the wrapper's own path: " + luts);
    assertTrue(luts.path().stream().anyMatch(a -> a.startsWith("CARRY4.")), luts.toString());
    assertTrue(dsp.path().stream().anyMatch(a -> a.startsWith("DSP48E1.")), dsp.toString());
    assertTrue(Files.exists(dir.resolve("mul8_xc7sta_nodsp.yosys.log")));
  }

  @Test
  void aLatestArrivalOnAnUnusedCarryOutputIsMarkedAsAnUpperBound(@TempDir Path dir)
      throws IOException {
    // A 5-bit accumulator takes two CARRY4; the top one's O[1] (sum bit 5) is unused. sta's latest
    // arrival is on that net, which is no endpoint: FDRE C->Q 303 + LUT2 I0->O 238 + CARRY4 S->CO
    // 528 + CARRY4 CI->O[1] 334 = 1403 ps, while the flip-flop of bit 4 (O[0], CI->O[0] 222 ps)
    // gets its data at 1291 ps. The runner keeps the 1403 ps, marked as not exact.
    Path v = dir.resolve("acc5.v");
    Files.writeString(
        v,
        "module acc5 (input wire clk, input wire [4:0] d, output reg [4:0] q);\n"
            + "  always @(posedge clk) q <= q + d;\nendmodule\n");
    StaTiming t =
        run(
            v,
            "acc5",
            List.of(CorePort.in("clk", 1), CorePort.in("d", 5), CorePort.out("q", 5)),
            true,
            dir);
    assertEquals(false, t.exact());
    assertEquals("<no endpoint>", t.endpoint());
    assertEquals("CARRY4.CI->O", t.path().get(t.path().size() - 1));
    if (Tools.yosys023()) {
      assertEquals(
          List.of(
              "\\clk (primary input)", "FDRE.C->Q", "LUT2.I0->O", "CARRY4.S->CO", "CARRY4.CI->O"),
          t.path());
      assertEquals(303 + 238 + 528 + 334, t.criticalPs());
    }
  }

  @Test
  void aCellWithoutTimingMakesTheEstimateAnError(@TempDir Path dir) throws Exception {
    // A black box has no timing arcs: sta warns and cuts every path through it short (it would
    // report 303 ps here); the runner refuses such an estimate.
    Path v = dir.resolve("withbb.v");
    Files.writeString(
        v,
        "(* blackbox *) module bb (input wire a, output wire y); endmodule\n"
            + "module withbb (input wire clk, input wire [1:0] d, output reg q);\n"
            + "  wire y;\n  bb u (.a(d[0] ^ d[1]), .y(y));\n  always @(posedge clk) q <= y;\nendmodule\n");
    SynthException e =
        assertThrows(
            SynthException.class,
            () ->
                run(
                    v,
                    "withbb",
                    List.of(CorePort.in("clk", 1), CorePort.in("d", 2), CorePort.out("q", 1)),
                    true,
                    dir));
    assertTrue(
        e.getMessage()
            .equals("Yosys sta estimate of withbb is incomplete: Module 'bb' has no timing arcs!"),
        e.getMessage());
    assertThrows(SynthException.class, () -> YosysStaParser.parse("x", true, "no sta here"));
  }
}
