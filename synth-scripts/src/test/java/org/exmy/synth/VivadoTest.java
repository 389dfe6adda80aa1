package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The emitted Vivado TCL, run by a real Tcl interpreter (tclsh) with the Vivado commands replaced
 * by stubs that record their arguments: every variant must run to its end and hand Vivado exactly
 * the intended file names.
 */
class VivadoTest {
  /** A Vivado command as the stub saw it. */
  record Call(String name, List<String> args) {}

  /** Defines a recording stub per Vivado command, sources the script, then writes END. */
  static final String HARNESS =
      """
      set log [open [lindex $argv 1] w]
      proc record {name args} {
        global log
        puts $log "CALL $name"
        foreach a $args { puts $log "ARG $a" }
      }
      foreach cmd {read_verilog synth_design create_clock set_input_delay set_output_delay opt_design
                   place_design route_design report_utilization report_timing_summary write_checkpoint} {
        proc $cmd {args} "record $cmd {*}\\$args"
      }
      proc get_ports {args} { record get_ports {*}$args; return [list stub_port] }
      proc get_clocks {args} { record get_clocks {*}$args; return [list stub_clock] }
      source [lindex $argv 0]
      puts $log END
      close $log
      """;

  /** Runs {@code script} under the stubs; returns the calls, or throws with tclsh's message. */
  static List<Call> runTcl(String script, Path dir) throws IOException, InterruptedException {
    Tools.requireTclsh();
    Path harness = dir.resolve("harness.tcl");
    Path s = dir.resolve("script.tcl");
    Path log = dir.resolve("calls.txt");
    Files.writeString(harness, HARNESS);
    Files.writeString(s, script);
    Process p =
        new ProcessBuilder("tclsh", harness.toString(), s.toString(), log.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tclsh hangs");
    if (p.exitValue() != 0) throw new IllegalStateException("tclsh failed: " + out);
    List<String> lines = Files.readAllLines(log);
    assertEquals("END", lines.get(lines.size() - 1), "the script ran to its end");
    List<Call> calls = new ArrayList<>();
    for (String l : lines.subList(0, lines.size() - 1)) {
      if (l.startsWith("CALL ")) calls.add(new Call(l.substring(5), new ArrayList<>()));
      else calls.get(calls.size() - 1).args().add(l.substring(4)); // "ARG "
    }
    return calls;
  }

  static List<Call> named(List<Call> calls, String name) {
    return calls.stream().filter(c -> c.name().equals(name)).toList();
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("plain", "core.v", "xc7z020clg400-1", true, "clk"),
        Arguments.of("plain", "core.v", "xc7z020clg400-1", false, "clk"),
        Arguments.of("with space", "my core.v", "xc7a35tcpg236-1", true, "clk"),
        Arguments.of("br[ack]ets", "c[1].v", "xczu3eg-sbva484-1-e", false, "clk"),
        Arguments.of("dollar$HOME", "$x.v", "xcku040-ffva1156-2-e", true, "clock_in"),
        Arguments.of("{braces}", "{a}b.v", "xcvu9p-flga2104-2L-e", true, "clk"),
        Arguments.of("quote\"back\\slash", "q\"uote.v", "xcvc1902-vsva2197-2MP-e-S", false, "clk"),
        Arguments.of("semi;colon #hash", "comb.v", "xc7k325tffg900-2", true, null));
  }

  @ParameterizedTest(name = "{0} / {1} / {2} / dsp={3} / clock={4}")
  @MethodSource("variants")
  void everyVariantRunsToTheEndAndNamesTheIntendedFiles(
      String dirName, String fileName, String part, boolean dsp, String clock, @TempDir Path tmp)
      throws Exception {
    Path reportDir = tmp.resolve(dirName).resolve("reports");
    Path v1 = tmp.resolve(fileName);
    Path v2 = tmp.resolve("second.v");
    String tcl = VivadoTcl.emit(List.of(v1, v2), "core", part, dsp, reportDir, clock, 2.5);
    List<Call> calls = runTcl(tcl, tmp);
    assertTrue(Files.isDirectory(reportDir), "'file mkdir' (real Tcl) created " + reportDir);
    List<String> order = calls.stream().map(Call::name).filter(n -> !n.startsWith("get_")).toList();
    List<String> expected =
        new ArrayList<>(List.of("read_verilog", "read_verilog", "synth_design"));
    if (clock != null)
      expected.addAll(List.of("create_clock", "set_input_delay", "set_output_delay"));
    expected.addAll(
        List.of(
            "opt_design",
            "place_design",
            "route_design",
            "report_utilization",
            "report_timing_summary",
            "write_checkpoint"));
    assertEquals(expected, order);
    assertEquals(List.of(v1.toString()), named(calls, "read_verilog").get(0).args());
    assertEquals(List.of(v2.toString()), named(calls, "read_verilog").get(1).args());
    List<String> synth =
        new ArrayList<>(List.of("-top", "core", "-part", part, "-mode", "out_of_context"));
    if (!dsp) synth.addAll(List.of("-max_dsp", "0"));
    assertEquals(synth, named(calls, "synth_design").get(0).args());
    assertEquals(
        List.of("-file", reportDir.resolve("core_utilization.rpt").toString()),
        named(calls, "report_utilization").get(0).args());
    assertEquals(
        List.of("-file", reportDir.resolve("core_timing.rpt").toString()),
        named(calls, "report_timing_summary").get(0).args());
    assertEquals(
        List.of("-force", reportDir.resolve("core_routed.dcp").toString()),
        named(calls, "write_checkpoint").get(0).args());
    if (clock != null) {
      // [get_ports clk] is the stub's "stub_port"
      assertEquals(
          List.of("-name", clock, "-period", "2.500", "stub_port"),
          named(calls, "create_clock").get(0).args());
      assertEquals(List.of(clock), named(calls, "get_ports").get(0).args());
      assertEquals(
          List.of("-quiet", "-filter", "DIRECTION == IN && NAME != \"" + clock + "\""),
          named(calls, "get_ports").get(1).args());
      assertEquals(
          List.of("-clock", "stub_clock", "0.000", "stub_port"),
          named(calls, "set_input_delay").get(0).args());
      assertEquals(
          List.of("-quiet", "-filter", "DIRECTION == OUT"),
          named(calls, "get_ports").get(2).args());
      assertEquals(
          List.of("-clock", "stub_clock", "0.000", "stub_port"),
          named(calls, "set_output_delay").get(0).args());
      assertEquals(
          List.of(clock, clock),
          named(calls, "get_clocks").stream().map(c -> c.args().get(0)).toList());
    } else {
      assertTrue(named(calls, "get_ports").isEmpty());
    }
  }

  @Test
  void theHarnessRejectsTheOldBraceQuoting(@TempDir Path tmp) {
    // The form every script had before: Tcl stops with "extra characters after close-brace".
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> runTcl("report_utilization -file {/w/r}/core_utilization.rpt\n", tmp));
    assertTrue(e.getMessage().contains("extra characters after close-brace"), e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    List<Path> core = List.of(Path.of("/w/core.v"));
    Path r = Path.of("/w/r");
    assertThrows(
        IllegalArgumentException.class,
        () -> VivadoTcl.emit(core, "a;b", "xc7z020clg400-1", true, r, "clk", 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> VivadoTcl.emit(core, "a", "xc7z020clg400-1", true, r, "clk", 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> VivadoTcl.emit(List.of(), "a", "xc7z020clg400-1", true, r, "clk", 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> VivadoTcl.emit(core, "a", "xc7z020clg400-1", true, r, "c k", 4));
    assertThrows(
        IllegalArgumentException.class, () -> VivadoTcl.emit(core, "a", "p", true, r, "clk", 4));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VivadoTcl.emit(
                List.of(Path.of("/w/a\nb.v")), "a", "xc7z020clg400-1", true, r, "clk", 4));
  }

  @Test
  void partNamesByFamily() {
    for (String p :
        List.of(
            "xc7z020clg400-1",
            "xc7a35tcpg236-1",
            "xc7k325tffg900-2",
            "xc7s50csga324-1",
            "xc7vx485tffg1761-2",
            "xc7a35ticsg324-1L",
            "XC7A100TCSG324-1")) {
      assertEquals(XilinxPart.Family.SERIES7, XilinxPart.family(p), p);
    }
    for (String p :
        List.of(
            "xcku040-ffva1156-2-e",
            "xcvu9p-flga2104-2L-e",
            "xczu3eg-sbva484-1-e",
            "xcau25p-ffvb676-2-e",
            "xck26-sfvc784-2LV-c",
            "xcu280-fsvh2892-2L-e",
            "xczu7ev-ffvc1156-2-e")) {
      assertEquals(XilinxPart.Family.ULTRASCALE, XilinxPart.family(p), p);
    }
    for (String p :
        List.of(
            "xcvc1902-vsva2197-2MP-e-S", "xcve2302-sfva784-1LP-e-S", "xcvp1202-vsva2785-2MP-e-S")) {
      assertEquals(XilinxPart.Family.VERSAL, XilinxPart.family(p), p);
    }
    for (String p :
        List.of(
            "",
            "xc7z020",
            "7z020clg400-1",
            "xc6slx9-2tqg144",
            "EP4CE22F17C6",
            "xc7z020clg400-1;x",
            "xczu3eg",
            "ice40hx8k")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> XilinxPart.family(p), p);
      assertTrue(e.getMessage().contains("xc7*"), e.getMessage());
    }
  }

  // --- report_utilization: real reports, see FIXTURES.md; expected values read off the files ---

  @Test
  void utilizationOfA7SeriesPlacedDesign() {
    // oneblink on xc7a35tcpg236-1 (Vivado 2017.2): Slice LUTs 1 (LUT as Logic 1), Register as Flip
    // Flop 24, DSPs 0; CARRY4 only in the Primitives table: 6.
    SynthResult r =
        VivadoUtilizationParser.parse(
            "top", true, Fixtures.text("vivado_xc7a35t_oneblink_utilization_placed.rpt"));
    assertEquals(1, r.luts());
    assertEquals(24, r.ffs());
    assertEquals(6, r.carry4());
    assertEquals(0, r.dsp48());
    assertEquals(0, r.bram());
    assertEquals(0, r.lutMemory());
    assertEquals(0, r.muxf7());
    assertEquals(java.util.Map.of(1, 1), r.lutsBySize());
    assertEquals(
        java.util.Map.of("FDRE", 24, "CARRY4", 6, "OBUF", 1, "LUT1", 1, "IBUF", 1, "BUFG", 1),
        r.cells());
  }

  @Test
  void utilizationOfA7SeriesSynthesizedDesignWithShiftRegistersAndDsps() {
    // hls4ml test report, xc7z020clg400-1 (Vivado 2020.1): Slice LUTs 1526 = LUT as Logic 1478 +
    // LUT as Memory 48 (all shift registers: SRL16E 48); Register as Flip Flop 2428 (FDRE 2410 +
    // FDSE 18); DSPs 66; CARRY4 295 primitives; 2174 LUT primitives packed into 1478 sites.
    SynthResult r =
        VivadoUtilizationParser.parse(
            "myproject", true, Fixtures.text("vivado_xc7z020_hls4ml_utilization_synth.rpt"));
    assertEquals(1478, r.luts());
    assertEquals(48, r.lutMemory());
    assertEquals(2428, r.ffs());
    assertEquals(66, r.dsp48());
    assertEquals(295, r.carry4());
    assertEquals(0, r.bram());
    assertEquals(java.util.Map.of(1, 63, 2, 864, 3, 671, 4, 499, 5, 43, 6, 34), r.lutsBySize());
    assertEquals(
        63 + 864 + 671 + 499 + 43 + 34, SynthResult.fromPrimitives("x", true, r.cells()).luts());
    assertEquals(
        48,
        SynthResult.fromPrimitives("x", true, r.cells()).lutMemory(),
        "SRL16E: one LUT site each");
    assertEquals(2410 + 18, SynthResult.fromPrimitives("x", true, r.cells()).ffs());
    assertEquals(280, r.cell("IBUF"));
  }

  @Test
  void utilizationOfAnUltraScalePlusPipelinedMac() {
    // lakeroad-evaluation pipelined-mac, xczu3eg-sbva484-1-e (Vivado 2021.2, routed): CLB LUTs 220
    // (all logic), CLB Registers 179, CARRY8 6, DSPs 3 (DSP48E2); 284 LUT primitives in 220 sites.
    SynthResult r =
        VivadoUtilizationParser.parse(
            "main", true, Fixtures.text("vivado_xczu3eg_pipelined_mac_utilization_routed.rpt"));
    assertEquals(220, r.luts());
    assertEquals(179, r.ffs());
    assertEquals(6, r.carry4());
    assertEquals(3, r.dsp48());
    assertEquals(0, r.lutMemory());
    assertEquals(java.util.Map.of(2, 38, 3, 38, 4, 10, 5, 148, 6, 50), r.lutsBySize());
    assertEquals(3, r.cell("DSP48E2"));
    assertEquals(
        "Routed",
        designState(Fixtures.text("vivado_xczu3eg_pipelined_mac_utilization_routed.rpt")));
  }

  @Test
  void utilizationCountsLutSitesNotPrimitives() {
    // lakeroad add32 on xczu3eg: 32 LUT5 + 32 LUT6 primitives share 32 sites ("using O5 and O6":
    // 32)
    SynthResult r =
        VivadoUtilizationParser.parse(
            "add", true, Fixtures.text("vivado_xczu3eg_add32_utilization_routed.rpt"));
    assertEquals(32, r.luts());
    assertEquals(java.util.Map.of(5, 32, 6, 32), r.lutsBySize());
    assertEquals(4, r.carry4(), "CARRY8 row");
    assertEquals(0, r.ffs());
  }

  @Test
  void utilizationWithoutSummaryOrPrimitivesIsAnError() {
    String summaryOnly =
        Fixtures.text("vivado_xc7a35t_oneblink_utilization_placed.rpt")
            .replaceAll("(?s)\\n8\\. Primitives\\R-{5}.*", "\n");
    SynthResult s = VivadoUtilizationParser.parse("top", false, summaryOnly);
    assertEquals(24, s.ffs());
    assertEquals(0, s.carry4(), "7-series: CARRY4 only in the Primitives table");
    assertEquals(java.util.Map.of(), s.cells());
    assertThrows(SynthException.class, () -> VivadoUtilizationParser.parse("x", true, "hello"));
  }

  // --- report_timing_summary ---

  @Test
  void timingSummaryMet() {
    // pipelined-mac, routed: WNS 2.221, TNS 0.000, 0 failing of 459, WHS 0.057; clk period 5.000
    VivadoTiming t =
        VivadoTimingParser.parse(
            Fixtures.text("vivado_xczu3eg_pipelined_mac_timing_summary_routed.rpt"));
    assertEquals("main", t.design());
    assertEquals("xczu3eg-sbva484", t.device());
    assertEquals(2.221, t.wns().getAsDouble());
    assertEquals(0.0, t.tns().getAsDouble());
    assertEquals(0.057, t.whs().getAsDouble());
    assertEquals(0.0, t.ths().getAsDouble());
    assertEquals(0, t.tnsFailingEndpoints());
    assertEquals(java.util.Map.of("clk", 5.0), t.periods());
    assertEquals(java.util.Map.of("clk", 2.221), t.clockWns());
    assertTrue(t.met());
    // 1000 / (5.000 - 2.221) = 1000 / 2.779
    assertEquals(359.84167, t.fmaxMhz(), 1e-5);
    assertEquals(t.fmaxMhz(), t.fmaxMhz("clk"));
  }

  @Test
  void timingSummaryViolated() {
    // inlining, routed: WNS -0.063, TNS -0.458 over 17 failing endpoints, WHS 0.048; period 5.000
    VivadoTiming t =
        VivadoTimingParser.parse(
            Fixtures.text("vivado_xczu3eg_inlining_timing_summary_routed.rpt"));
    assertEquals(-0.063, t.wns().getAsDouble());
    assertEquals(-0.458, t.tns().getAsDouble());
    assertEquals(17, t.tnsFailingEndpoints());
    assertEquals(0.048, t.whs().getAsDouble());
    assertFalse(t.met());
    // 1000 / (5.000 + 0.063) = 1000 / 5.063
    assertEquals(197.51136, t.fmaxMhz(), 1e-5);
  }

  @Test
  void timingSummaryWithoutConstraints() {
    // oneblink on xc7a35t (Vivado 2017.2): no clock was created, every summary field is NA
    VivadoTiming t =
        VivadoTimingParser.parse(
            Fixtures.text("vivado_xc7a35t_oneblink_timing_summary_routed.rpt"));
    assertEquals("top", t.design());
    assertEquals("7a35t-cpg236", t.device());
    assertTrue(t.wns().isEmpty() && t.tns().isEmpty() && t.whs().isEmpty());
    assertEquals(java.util.Map.of(), t.periods());
    assertFalse(t.met());
    SynthException e = assertThrows(SynthException.class, t::fmaxMhz);
    assertTrue(e.getMessage().contains("exactly one clock"), e.getMessage());
    assertThrows(SynthException.class, () -> t.fmaxMhz("clk"));
    assertThrows(
        SynthException.class,
        () ->
            VivadoTimingParser.parse(
                Fixtures.text("vivado_xc7a35t_oneblink_utilization_placed.rpt")));
  }

  private static String designState(String report) {
    return report
        .lines()
        .filter(l -> l.startsWith("| Design State"))
        .map(l -> l.split(":", 2)[1].strip())
        .findFirst()
        .orElse("");
  }
}
