package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Yosys + nextpnr-ice40 runs (a missing tool fails these tests; EXMY_SKIP_TOOLS=1 skips). */
class Ice40RunnerTest {
  static final List<CorePort> REG8 =
      List.of(CorePort.in("clk", 1), CorePort.in("d", 8), CorePort.out("q", 8));

  static Path reg8(Path dir) throws IOException {
    Path v = dir.resolve("reg8.v");
    Files.writeString(
        v,
        "module reg8 (input wire clk, input wire [7:0] d, output reg [7:0] q);\n"
            + "  always @(posedge clk) q <= d;\nendmodule\n");
    return v;
  }

  static Ice40Result run(Path v, String top, List<CorePort> ports, Path dir) {
    Tools.requireYosys();
    Tools.requireNextpnr();
    long t0 = System.nanoTime();
    Ice40Result r = new Ice40Runner().run(List.of(v), top, ports, "clk", dir);
    System.out.printf(
        "ice40 %s: %.2f MHz, %d LCs (%d core + %d wrapper), %.1f s%n",
        top, r.fmaxMhz(), r.lcs(), r.coreLcs(), r.wrapperCells(), (System.nanoTime() - t0) / 1e9);
    return r;
  }

  @Test
  void aPlainRegisterMeasuresTheWrapperItself(@TempDir Path dir) throws IOException {
    Ice40Result r = run(reg8(dir), "reg8", REG8, dir);
    // wrapper: in_chain 8 + in_q 8 flip-flops, out_chain 8 multiplexer+flip-flop cells = 24;
    // core: its 8 flip-flops, plus nextpnr's constant drivers ($PACKER_GND/VCC: at most 2)
    assertEquals(24, r.wrapperCells());
    assertTrue(r.coreLcs() >= 8 && r.coreLcs() <= 10, "core cells " + r.coreLcs());
    assertEquals(7680, r.available().get("ICESTORM_LC"), "HX8K");
    assertEquals(4, r.used().get("SB_IO"), "clk, ser_in, ser_load, ser_out");
    assertEquals(0, r.rams());
    assertEquals(Ice40Runner.DEFAULT_SEED, r.seed());
    // the wrapper's own paths (register -> 2:1 mux -> register) are short: far above any core's
    // Fmax
    assertTrue(r.fmaxMhz() > 200, "wrapper ceiling " + r.fmaxMhz());
    assertTrue(
        Files.readString(dir.resolve("reg8_ice40.ys"))
            .contains("synth_ice40 -top reg8_serial_wrap -json"));
    assertTrue(Files.exists(dir.resolve("reg8_ice40_wrap.v")));
  }

  @Test
  void aMultiplierIsSlowerThanTheWrapperAndCostsMore(@TempDir Path dir) throws IOException {
    Ice40Result reg = run(reg8(dir), "reg8", REG8, dir.resolve("reg"));
    Ice40Result mul =
        run(Fixtures.copy("mul8.v", dir), "mul8", SerialWrapperTest.MUL8, dir.resolve("mul"));
    assertTrue(mul.fmaxMhz() < reg.fmaxMhz(), mul.fmaxMhz() + " vs " + reg.fmaxMhz());
    assertEquals(2 * 16 + 16, mul.wrapperCells());
    // an 8x8 array multiplier needs far more than its 16 product flip-flops
    assertTrue(mul.coreLcs() > 50, "mul8 cells " + mul.coreLcs());
  }

  @Test
  void aDesignTooBigForTheDeviceSaysSo(@TempDir Path dir) throws IOException {
    // 3,900 input bits: the wrapper alone needs 2 x 3900 + 1 = 7,801 cells > 7,680
    Path v = dir.resolve("wide.v");
    Files.writeString(
        v,
        "module wide (input wire clk, input wire [3899:0] d, output reg q);\n"
            + "  always @(posedge clk) q <= ^d;\nendmodule\n");
    SynthException e =
        assertThrows(
            SynthException.class,
            () ->
                run(
                    v,
                    "wide",
                    List.of(CorePort.in("clk", 1), CorePort.in("d", 3900), CorePort.out("q", 1)),
                    dir));
    assertTrue(
        e.getMessage().startsWith("wide does not fit the iCE40 HX8K: the wrapped design needs "),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                " ICESTORM_LC, the device has 7680 (the serial wrapper takes 7801 logic cells)"),
        e.getMessage());
    int needed = Integer.parseInt(e.getMessage().replaceAll(".*needs (\\d+) ICESTORM_LC.*", "$1"));
    assertTrue(needed >= 7801, "at least the wrapper: " + needed);
  }

  @Test
  void brokenVerilogIsAYosysError(@TempDir Path dir) throws IOException {
    Tools.requireYosys();
    Tools.requireNextpnr();
    Path v = dir.resolve("bad.v");
    Files.writeString(
        v, "module bad (input wire clk, output reg q); always @(posedge clk) q <= ; endmodule\n");
    SynthException e =
        assertThrows(
            SynthException.class,
            () ->
                new Ice40Runner()
                    .run(
                        List.of(v),
                        "bad",
                        List.of(CorePort.in("clk", 1), CorePort.out("q", 1)),
                        "clk",
                        dir));
    assertTrue(
        e.getMessage().startsWith("yosys (synth_ice40) failed on bad (exit 1"), e.getMessage());
    assertTrue(e.getMessage().contains("ERROR:"), e.getMessage());
  }

  @Test
  void timeoutAndMissingToolAreOneLineErrors(@TempDir Path dir) throws IOException {
    Tools.requireYosys();
    Tools.requireNextpnr();
    Path v = Fixtures.copy("mul8.v", dir);
    SynthException slow =
        assertThrows(
            SynthException.class,
            () ->
                new Ice40Runner(Duration.ofMillis(200), 1, 100)
                    .run(List.of(v), "mul8", SerialWrapperTest.MUL8, "clk", dir));
    assertTrue(
        slow.getMessage().startsWith("yosys (synth_ice40) timed out after 0.2 s on mul8"),
        slow.getMessage());
    String old = System.getProperty("exmy.nextpnr");
    System.setProperty("exmy.nextpnr", dir.resolve("no-nextpnr").toString());
    try {
      SynthException missing =
          assertThrows(
              SynthException.class,
              () -> new Ice40Runner().run(List.of(v), "mul8", SerialWrapperTest.MUL8, "clk", dir));
      assertTrue(
          missing.getMessage().contains("apt-get install -y nextpnr-ice40"), missing.getMessage());
    } finally {
      if (old == null) System.clearProperty("exmy.nextpnr");
      else System.setProperty("exmy.nextpnr", old);
    }
  }

  @Test
  void reportOfARealRun() {
    // nextpnr_reg8_report.json: written by nextpnr-ice40 0.4 (--report) for reg8 in its wrapper
    // (aPlainRegisterMeasuresTheWrapperItself, seed 1); values read off the file.
    NextpnrReport.Parsed p = NextpnrReport.parse(Fixtures.text("nextpnr_reg8_report.json"), "clk");
    assertEquals("clk$SB_IO_IN_$glb_clk", p.clockNet());
    assertEquals(508.3883972167969, p.fmaxMhz());
    assertEquals(
        Map.of(
            "ICESTORM_LC",
            34,
            "ICESTORM_PLL",
            0,
            "ICESTORM_RAM",
            0,
            "SB_GB",
            1,
            "SB_IO",
            4,
            "SB_WARMBOOT",
            0),
        p.used());
    assertEquals(7680, p.available().get("ICESTORM_LC"));
    assertEquals(32, p.available().get("ICESTORM_RAM"));
    SynthException other =
        assertThrows(
            SynthException.class,
            () -> NextpnrReport.parse(Fixtures.text("nextpnr_reg8_report.json"), "clk2"));
    assertTrue(other.getMessage().contains("no clock net for port 'clk2'"), other.getMessage());
    assertThrows(SynthException.class, () -> NextpnrReport.parse("{\"fmax\": {}}", "clk"));
    SynthException none =
        assertThrows(
            SynthException.class,
            () -> NextpnrReport.parse("{\"fmax\": {}, \"utilization\": {}}", "clk"));
    assertTrue(none.getMessage().contains("no register-to-register path"), none.getMessage());
  }
}
