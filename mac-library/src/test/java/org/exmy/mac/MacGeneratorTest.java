package org.exmy.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exmy.hdl.Port;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.Formats;
import org.exmy.simulator.Pipeline;
import org.junit.jupiter.api.Test;

class MacGeneratorTest {

  static MacCore generate(String a, String b, int terms, int lanes) {
    return MacGenerator.generate(
        CoreSpec.mac(Formats.parse(a), Formats.parse(b)).withTerms(terms).withLanes(lanes));
  }

  static String name(String a, String b, int terms) {
    return CoreSpec.mac(Formats.parse(a), Formats.parse(b)).withTerms(terms).moduleName();
  }

  @Test
  void e4m3PortsFollowTheAccumulatorSpec() {
    MacCore core = generate("E4M3", "E4M3", 1024, 1);
    // E4M3 (bias 7): significands 4 bits, product 8 bits, shifts up to 14+14 = 28, so |product| <
    // 2^36;
    // + 10 guard bits for 1024 terms + 1 sign bit.
    assertEquals(36, core.geometry().productBits());
    assertEquals(47, core.port("io_acc").width());
    assertEquals(8, core.port("io_a").width());
    assertFalse(core.hasFlags());
    assertEquals(-18, core.geometry().lsbExponent());
  }

  @Test
  void specialsGetStickyFlagPorts() {
    MacCore core = generate("float8_e5m2", "float8_e5m2", 1024, 1);
    assertTrue(core.hasFlags());
    assertEquals(
        java.util.List.of(
            "clk",
            "reset",
            "io_clear",
            "io_valid",
            "io_a",
            "io_b",
            "io_acc",
            "io_nan",
            "io_posInf",
            "io_negInf"),
        core.ports().stream().map(Port::name).toList());
  }

  @Test
  void moduleNamesAreVerilogIdentifiers() {
    assertEquals("exmy_mac_float8_e4m3fn", name("float8_e4m3fn", "float8_e4m3fn", 1024));
    assertEquals("exmy_mac_e4m3_x_e2m1_t64", name("e4m3", "E2M1", 64));
    String n = name("E4M3:bias=8", "E4M3:bias=8", 1024);
    assertTrue(n.matches("[a-z][a-z0-9_]*"), n);
    // an ml_dtypes name and its plain twin are different modules
    assertEquals("exmy_mac_e2m1_x_float4_e2m1fn", name("E2M1", "float4_e2m1fn", 1024));
    CoreSpec s =
        CoreSpec.mac(Formats.parse("E4M3"), Formats.parse("E4M3"))
            .withLanes(4)
            .withPipeline(Pipeline.parse("decode,product,tree=1"));
    assertEquals("exmy_dot4_e4m3_pipe_dp_t1", s.moduleName());
    assertEquals(5, s.latency(), "1 + decode + product + 2 tree levels");
    CoreSpec d = s.withDsp(true);
    assertEquals("exmy_dot4_e4m3_pipe_dp_t1_dsp", d.moduleName());
    assertEquals("E4M3 (4 lanes, pipeline decode,product,tree=1) +DSP", d.label());
    assertEquals(s.latency(), d.latency());
  }

  /** Verilog multiplies outside comments. */
  private static long multiplies(String verilog) {
    return verilog
        .lines()
        .filter(l -> !l.strip().startsWith("//"))
        .filter(l -> l.contains(" * "))
        .count();
  }

  /** INT8 x INT8: Booth rows in LUTs by default, one Verilog '*' for a DSP block with dsp. */
  @Test
  void dspCoresMultiplyWithAStar() {
    CoreSpec s = CoreSpec.mac(Formats.parse("INT8"), Formats.parse("INT8"));
    String lut = MacGenerator.generate(s).verilog();
    String dsp = MacGenerator.generate(s.withDsp(true)).verilog();
    assertTrue(lut.contains("booth") && multiplies(lut) == 0, "LUT core: Booth rows");
    assertTrue(!dsp.contains("booth") && multiplies(dsp) == 1, "DSP core: one multiply");
    assertTrue(dsp.contains("Multiplies as Verilog '*' (for DSP blocks)."), "the header says so");
  }

  /**
   * Verilator finds no top module of 128 characters or more: long names are cut, kept apart by a
   * hash.
   */
  @Test
  void longModuleNamesAreCutAndStayDistinct() {
    CoreSpec s =
        CoreSpec.mac(
                Formats.parse("E4M1:bias=40:specials=ieee:subnormals=off"),
                Formats.parse("E4M3:bias=40:specials=fn:subnormals=off"))
            .withTerms(8)
            .withLanes(5)
            .withPipeline(Pipeline.parse("tree=2"));
    String a = s.withAccumulator(new AccumulatorKind.Fixed(-81, 32, true, false)).moduleName();
    String b = s.withAccumulator(new AccumulatorKind.Fixed(-81, 32, true, true)).moduleName();
    assertTrue(a.length() <= CoreSpec.MAX_NAME && !a.contains("__"), a);
    assertTrue(
        a.startsWith("exmy_dot5_e4m1_bias_40_specials_ieee_subnormals_off_x_e4m3_bias_40_"), a);
    assertTrue(a.matches("[a-z0-9_]+_[0-9a-f]{8}"), a);
    assertFalse(a.equals(b), a);
    assertEquals(
        "exmy_dot5_e4m1_bias_40_specials_ieee_subnormals_off_x_e4m3_bias_40_specials_fn_subnormals_off_t8_pipe_t2",
        s.moduleName(),
        "104 characters stay as they are");
  }

  @Test
  void mixedIntAndFloatUsesTheIntegerAsSignMagnitude() {
    MacCore core = generate("int8", "e4m3", 16, 1);
    // INT8 quantum 2^0, E4M3 quantum 2^-9: product LSB 2^-9. |int8| <= 128 (8 bits), E4M3 max 480 =
    // 15 * 2^14 in units of 2^-9 -> 128 * 15 * 2^14 < 2^25 (product bits 25), + 4 guard + 1 sign.
    assertEquals(-9, core.geometry().lsbExponent());
    assertEquals(25, core.geometry().productBits());
    assertEquals(30, core.port("io_acc").width());
    String v = core.verilog();
    assertTrue(v.contains("a_sig"), v);
    assertTrue(v.contains("operand a: INT8, two's complement"), v);
    assertFalse(core.hasFlags());
  }

  @Test
  void dotCoreHasOneProductUnitPerLaneAndATree() {
    MacCore core = generate("float8_e5m2", "float8_e5m2", 1024, 5);
    assertEquals("exmy_dot5_float8_e5m2", core.moduleName());
    assertEquals(5, core.lanes());
    assertEquals("io_a_4", core.aPort(4));
    assertEquals(
        75,
        core.port("io_acc").width(),
        "same accumulator as the MAC for the same number of terms");
    assertEquals(8, core.port("io_b_4").width());
    assertEquals(5, core.component().instances().size());
    String v = core.verilog();
    assertEquals(
        1, v.split("module exmy_dot5_float8_e5m2_product \\(", -1).length - 1, "product unit once");
    // Products are 64 bits + sign = 65 bits, ones' complement plus a carry-in (io_neg). One chain
    // of
    // adders, one bit wider each: chain0 = lane 0 + its carry-in (66 bits), chain1 = + lane 1 (67),
    // chain2 = + lane 2 + lane 1's carry-in (68), ... chain4 (70 bits); lane 4's carry-in goes to
    // the
    // accumulator adder, where the chain's sum is the signed operand.
    assertTrue(
        v.contains(
            "wire [65:0] chain0 = {lane0_io_prod[64], lane0_io_prod} + {65'd0, lane0_io_neg};"),
        v);
    assertTrue(
        v.contains(
            "wire [66:0] chain1 = {chain0[65], chain0} + {{2{lane1_io_prod[64]}}, lane1_io_prod};"),
        v);
    assertTrue(
        v.contains(
            "wire [69:0] chain4 = ({chain3[68], chain3} + {{5{lane4_io_prod[64]}}, lane4_io_prod})"
                + " + {69'd0, lane3_io_neg};"),
        v);
    assertTrue(
        v.contains("wire [74:0] acc_sum = $signed({{5{chain4[69]}}, chain4}) + $signed(acc_base);"),
        v);
    assertTrue(v.contains("wire [74:0] acc_sum_cin = acc_sum + {74'd0, lane4_io_neg};"), v);
    assertFalse(v.contains("tree1_0"), "5 lanes fit one chain");
    assertEquals("float8_e5m2 (5 lanes)", core.label());
    assertTrue(v.contains("// Latency 1 cycle (pipeline: none)."), v);
    assertTrue(v.contains("// Made by " + MacGenerator.VERSION + "."), v);
  }

  @Test
  void longDotCoresSumChainsOfEightLanesInATree() {
    MacCore core = generate("E2M1", "E2M1", 1024, 20);
    String v = core.verilog();
    // Chains over lanes 0..7, 8..15, 16..19 (E2M1 products: 8 bits + sign); the tree adds the first
    // two chains with the carry-in of lane 7, then that sum and the third chain with lane 15's.
    assertTrue(
        v.contains(
            "wire [9:0]  chain0 = {lane0_io_prod[8], lane0_io_prod} + {9'd0, lane0_io_neg};"),
        v);
    assertTrue(
        v.contains(
            "wire [9:0]  chain8 = {lane8_io_prod[8], lane8_io_prod} + {9'd0, lane8_io_neg};"),
        v);
    assertTrue(
        v.contains(
            "wire [17:0] tree1_0 = ({chain7[16], chain7} + {chain15[16], chain15})"
                + " + {17'd0, lane7_io_neg};"),
        v);
    assertTrue(
        v.contains(
            "wire [18:0] tree2_0 = ({tree1_0[17], tree1_0} + {{6{chain19[12]}}, chain19})"
                + " + {18'd0, lane15_io_neg};"),
        v);
    assertTrue(v.contains("acc_sum_cin = acc_sum + {18'd0, lane19_io_neg};"), v);
  }

  @Test
  void placementPlanFollowsTheProductWidth() {
    // E4M3: 4-bit significands (8-bit product), shift sum 5 bits: chunks of 8 (>= 8 - 1), four
    // coarse
    // positions, pre-shift. E5M2: 6-bit product, 6-bit shift: chunks of 8, no pre-shift (3-bit
    // significands). E2M1: 4-bit product, 3-bit shift: chunks of 4 (at most half of the range),
    // pre-shift.
    assertEquals(new ProductPlacement.Plan(8, true), ProductPlacement.Plan.of(8, 5));
    assertEquals(new ProductPlacement.Plan(8, false), ProductPlacement.Plan.of(6, 6));
    assertEquals(new ProductPlacement.Plan(4, true), ProductPlacement.Plan.of(4, 3));
    // E3M2: 6-bit product, 4-bit shift: chunks of 8 give two coarse positions, no pre-shift.
    assertEquals(new ProductPlacement.Plan(8, false), ProductPlacement.Plan.of(6, 4));
    // E2M3: 8-bit product but a 3-bit shift: chunks of 4 at most.
    assertEquals(new ProductPlacement.Plan(4, false), ProductPlacement.Plan.of(8, 3));
  }

  @Test
  void dotCoreNeedsAtLeastAsManyTermsAsLanes() {
    FormatException e = assertThrows(FormatException.class, () -> generate("e4m3", "e4m3", 3, 4));
    assertTrue(e.getMessage().contains("terms (3) must be at least lanes (4)"), e.getMessage());
    assertThrows(FormatException.class, () -> generate("e4m3", "e4m3", 3, 0));
  }

  @Test
  void dotCoresAreLintClean() {
    org.exmy.testsupport.RequireTools.verilator();
    for (String[] p :
        new String[][] {
          {"float8_e5m2", "float8_e5m2", "3"},
          {"INT8", "INT8", "4"},
          {"INT4", "E2M1", "2"},
          {"E4M3", "E4M3", "8"}
        }) {
      MacCore core = generate(p[0], p[1], 64, Integer.parseInt(p[2]));
      org.exmy.hdl.VerilatorLint.Result r =
          org.exmy.hdl.VerilatorLint.lint(core.verilog(), core.moduleName());
      assertTrue(r.clean(), () -> core.moduleName() + "\n" + String.join("\n", r.messages()));
    }
  }

  @Test
  void pipelinedCoresAreLintClean() {
    org.exmy.testsupport.RequireTools.verilator();
    for (String[] p :
        new String[][] {
          {"float8_e5m2", "1", "4"},
          {"INT8", "3", "decode,product,tree=1"},
          {"E2M1", "5", "tree=2,chunk=4"},
          {"E4M3", "1", "chunk=16"},
          {"INT4", "1", "decode"},
          {"INT3", "2", "2"}
        }) {
      CoreSpec s =
          CoreSpec.mac(Formats.parse(p[0]), Formats.parse(p[0]))
              .withLanes(Integer.parseInt(p[1]))
              .withPipeline(Pipeline.parse(p[2]));
      MacCore core = MacGenerator.generate(s);
      org.exmy.hdl.VerilatorLint.Result r =
          org.exmy.hdl.VerilatorLint.lint(core.verilog(), core.moduleName());
      assertTrue(r.clean(), () -> core.moduleName() + "\n" + String.join("\n", r.messages()));
    }
  }

  /**
   * Found by the 1,000-configuration fuzz campaign (seeds 0x87e1be04a6e3fac0, 0xf62c97b506f748a7):
   * with few terms the accumulator is narrower than a full adder tree's sum, whose top bit was left
   * unused; the tree now adds modulo 2^width, as the register does.
   */
  @Test
  void aPipelinedTreeWiderThanTheAccumulatorIsLintClean() {
    org.exmy.testsupport.RequireTools.verilator();
    for (String[] p :
        new String[][] {
          {"UINT4", "INT2", "7", "decode,multiply,product,tree=1,chunk=16"},
          {"UINT4", "UINT6", "6", "decode,multiply,product,tree=1"}
        }) {
      CoreSpec s =
          CoreSpec.mac(Formats.parse(p[0]), Formats.parse(p[1]))
              .withTerms(7)
              .withLanes(Integer.parseInt(p[2]))
              .withPipeline(Pipeline.parse(p[3]));
      MacCore core = MacGenerator.generate(s);
      org.exmy.hdl.VerilatorLint.Result r =
          org.exmy.hdl.VerilatorLint.lint(core.verilog(), core.moduleName());
      assertTrue(r.clean(), () -> core.moduleName() + "\n" + String.join("\n", r.messages()));
    }
  }

  /** Every non-exact accumulator kind, one lane and several, with each pipeline stage. */
  @Test
  void roundingAndNarrowedCoresAreLintClean() {
    org.exmy.testsupport.RequireTools.verilator();
    AccumulatorKind[] kinds = {
      AccumulatorKind.Floating.FP32,
      AccumulatorKind.Floating.BF16,
      new AccumulatorKind.Floating(6, 5),
      new AccumulatorKind.Fixed(-8, 24, true, true),
      new AccumulatorKind.Fixed(-8, 24, true, false),
      new AccumulatorKind.Fixed(-20, 12, false, true),
      new AccumulatorKind.Fixed(-30, 40, true, false)
    };
    String[][] cores = {
      {"E4M3", "E4M3", "1", "none"},
      {"float8_e5m2", "E2M1", "1", "decode,product"},
      {"INT8", "INT8", "1", "none"},
      {"INT4", "E2M1", "3", "3"},
      {"float8_e4m3fn", "float8_e4m3fn", "4", "product"}
    };
    for (AccumulatorKind k : kinds) {
      for (String[] p : cores) {
        CoreSpec s =
            CoreSpec.mac(Formats.parse(p[0]), Formats.parse(p[1]))
                .withLanes(Integer.parseInt(p[2]))
                .withPipeline(Pipeline.parse(p[3]))
                .withAccumulator(k);
        MacCore core = MacGenerator.generate(s);
        org.exmy.hdl.VerilatorLint.Result r =
            org.exmy.hdl.VerilatorLint.lint(core.verilog(), core.moduleName());
        assertTrue(r.clean(), () -> core.moduleName() + "\n" + String.join("\n", r.messages()));
      }
    }
  }

  @Test
  void accumulatorKindsSetTheOutputWidthAndName() {
    CoreSpec e4m3 = CoreSpec.mac(Formats.parse("E4M3"), Formats.parse("E4M3"));
    MacCore fp16 = MacGenerator.generate(e4m3.withAccumulator(AccumulatorKind.Floating.FP16));
    assertEquals(16, fp16.port("io_acc").width(), "1 sign + 5 exponent + 10 mantissa bits");
    assertEquals("exmy_mac_e4m3_accfp16", fp16.moduleName());
    MacCore fixed = MacGenerator.generate(e4m3.withLanes(4).withFixedAccumulator(-8, 24, false));
    assertEquals(24, fixed.port("io_acc").width());
    assertEquals("exmy_dot4_e4m3_accfixed_lm8_w24_sat_floor", fixed.moduleName());
    assertTrue(
        fixed.verilog().contains("floor = arithmetic shift right by 10"),
        "LSB 2^-8 drops 10 of the 2^-18 bits");
  }

  /**
   * A chunked register defers carries, which a saturating or rounding register cannot do: refused,
   * not ignored.
   */
  @Test
  void chunkedPipelinesAreOnlyForTheExactAccumulator() {
    CoreSpec s =
        CoreSpec.mac(Formats.parse("E4M3"), Formats.parse("E4M3"))
            .withPipeline(Pipeline.parse("chunk=16"));
    FormatException e =
        assertThrows(FormatException.class, () -> s.withAccumulator(AccumulatorKind.Floating.FP32));
    assertTrue(
        e.getMessage().contains("chunk=16 splits only the exact accumulator"), e.getMessage());
    // the pipeline stages that do apply set the latency as for the exact core
    CoreSpec p =
        CoreSpec.mac(Formats.parse("E4M3"), Formats.parse("E4M3"))
            .withLanes(4)
            .withPipeline(Pipeline.parse("3"))
            .withAccumulator(AccumulatorKind.Floating.BF16);
    assertEquals(6, p.latency(), "1 + decode + multiply + product + 2 tree levels");
  }
}
