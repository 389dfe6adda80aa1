package org.exmy.testbench;

import static org.exmy.simulator.MxCoreSpec.ScaleRange.FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.mac.MxCore;
import org.exmy.mac.MxGenerator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.testbench.MxCrossCheck.Report;
import org.exmy.testbench.MxCrossCheck.Step;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MX dot-product cores in Verilator against the model (exhaustive element pairs under extreme and
 * NaN scales, random blocks and scales) and against the spec reference ({@link MxSpecRef}: the
 * worst case, maximum magnitudes at the largest scales for all the blocks the core holds, then the
 * smallest at the smallest), and a tampered core that the cross-check must catch. Three cores,
 * chosen to cover the datapaths: float x float one lane flat, float x float of different formats
 * with 4 lanes and every pipeline stage (decode, multiply, product, chunked accumulator), integer x
 * integer with 4 lanes; and two float registers (FP32 with 4 lanes, BF16 pipelined).
 */
class MxCoreTest {

  /**
   * Scale pairs of the exhaustive runs: unit, both smallest, both largest, mixed, NaN either side.
   */
  private static final int[][] SCALES = {
    {127, 127}, {0, 0}, {0xFE, 0xFE}, {0, 0xFE}, {0xFF, 127}, {127, 0xFF}
  };

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  private static MxCore core(String a, String b, int blocks, int lanes, String pipeline) {
    return MxGenerator.generate(
        new MxCoreSpec(
            MxFormat.parse(a),
            MxFormat.parse(b),
            blocks,
            lanes,
            new AccumulatorKind.Exact(),
            Pipeline.parse(pipeline),
            false,
            FULL));
  }

  @Test
  void e4m3OneLane() {
    MxCore core = core("MXFP8_E4M3", "MXFP8_E4M3", 8, 1, "none");
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      Report ex = cc.run("exhaustive pairs", MxCrossCheck.exhaustivePairs(core, SCALES));
      assertEquals(1 + 6 * 65536 + 1, ex.vectors());
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(core, 1, 150, 10, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
      worstCase(cc, core, 0x7E, 0x7E, 0x01, 0x01); // 448 x 448; smallest subnormal 2^-9
      worstCase(cc, core, 0xFE, 0x7E, 0x01, 0x81); // -448 x 448
    }
  }

  @Test
  void e5m2TimesE2m3FourLanesPipelined() {
    MxCore core = core("MXFP8_E5M2", "MXFP6_E2M3", 4, 4, "decode,multiply,product,chunk=32");
    assertEquals(5, core.latency());
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      Report ex =
          cc.run(
              "exhaustive pairs",
              MxCrossCheck.exhaustivePairs(core, new int[][] {{127, 127}, {0xFE, 0}}));
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(core, 2, 400, 6, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
      worstCase(cc, core, 0x7B, 0x1F, 0x01, 0x01); // 57344 x 7.5; 2^-16 x 2^-3
      worstCase(cc, core, 0xFB, 0x1F, 0x81, 0x01);
    }
  }

  @Test
  void mxint8FourLanes() {
    MxCore core = core("MXINT8", "MXINT8", 4, 4, "none");
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      Report ex =
          cc.run(
              "exhaustive pairs",
              MxCrossCheck.exhaustivePairs(core, new int[][] {{0xFE, 0xFE}, {0, 127}}));
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(core, 3, 400, 6, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
      worstCase(cc, core, 0x80, 0x80, 0x01, 0x01); // -2 x -2 = 4; 2^-6 x 2^-6
      worstCase(cc, core, 0x80, 0x7F, 0x01, 0xFF); // -2 x 127/64; 2^-6 x -2^-6
    }
  }

  @Test
  void floatRegisters() {
    MxCore fp32 =
        MxGenerator.generate(
            new MxCoreSpec(
                MxFormat.parse("MXFP8_E4M3"),
                MxFormat.parse("MXFP8_E4M3"),
                8,
                4,
                AccumulatorKind.Floating.FP32,
                Pipeline.NONE,
                false,
                FULL));
    try (MxCrossCheck cc = new MxCrossCheck(fp32)) {
      Report ex =
          cc.run(
              "exhaustive pairs",
              MxCrossCheck.exhaustivePairs(
                  fp32, new int[][] {{127, 127}, {0xFE, 0xFE}, {0, 0}, {0xFF, 127}}));
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(fp32, 4, 300, 6, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
    }
    MxCore bf16 =
        MxGenerator.generate(
            new MxCoreSpec(
                MxFormat.parse("MXINT8"),
                MxFormat.parse("MXFP8_E5M2"),
                8,
                1,
                AccumulatorKind.Floating.BF16,
                Pipeline.parse("decode,multiply,product"),
                false,
                FULL));
    assertEquals(4, bf16.latency());
    try (MxCrossCheck cc = new MxCrossCheck(bf16)) {
      Report ex =
          cc.run(
              "exhaustive pairs",
              MxCrossCheck.exhaustivePairs(
                  bf16, new int[][] {{127, 127}, {0xFE, 0xFE}, {0, 0}, {127, 0xFF}}));
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(bf16, 5, 100, 6, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
    }
  }

  /**
   * The core's full capacity: {@code blocks} blocks of {@code big x big} at scales 0xFE, 0xFE, then
   * one block of {@code small x small} at scales 0, 0. The hardware's io_acc, read as the header
   * says (signed, times 2^lsb), must equal the spec reference's exact sum: neither end may be lost.
   */
  private static void worstCase(
      MxCrossCheck cc, MxCore core, int bigA, int bigB, int smallA, int smallB) {
    worstCase(cc, core, bigA, bigB, smallA, smallB, new int[] {0xFE, 0xFE, 0, 0});
  }

  /**
   * The same with the big blocks' scales {@code scales[0..1]} and the small block's {@code
   * scales[2..3]}.
   */
  private static void worstCase(
      MxCrossCheck cc, MxCore core, int bigA, int bigB, int smallA, int smallB, int[] scales) {
    MxCoreSpec s = core.spec();
    String na = s.a().name();
    String nb = s.b().name();
    int k = s.blockSize();
    int n = s.blocks() + 1;
    int[] sa = new int[n];
    int[] sb = new int[n];
    int[][] ca = new int[n][k];
    int[][] cb = new int[n][k];
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(true, false, false, new int[s.lanes()], new int[s.lanes()], 0, 0));
    for (int q = 0; q < n; q++) {
      boolean last = q == n - 1;
      sa[q] = last ? scales[2] : scales[0];
      sb[q] = last ? scales[3] : scales[1];
      Arrays.fill(ca[q], last ? smallA : bigA);
      Arrays.fill(cb[q], last ? smallB : bigB);
      int[] va = new int[s.lanes()];
      int[] vb = new int[s.lanes()];
      Arrays.fill(va, ca[q][0]);
      Arrays.fill(vb, cb[q][0]);
      for (int c = 0; c < k / s.lanes(); c++)
        steps.add(new Step(false, q == 0 && c == 0, true, va, vb, sa[q], sb[q]));
    }
    for (int i = 0; i < core.latency(); i++) {
      steps.add(new Step(false, false, false, new int[s.lanes()], new int[s.lanes()], 0, 0));
    }
    BigDecimal want = (BigDecimal) MxSpecRef.dot(na, nb, sa, sb, ca, cb);
    MxCrossCheck.Sample got = cc.last(steps);
    assertEquals(0, got.flags());
    int w = s.accWidth();
    BigInteger signed =
        got.acc().testBit(w - 1) ? got.acc().subtract(BigInteger.ONE.shiftLeft(w)) : got.acc();
    BigDecimal value = new BigDecimal(signed).multiply(MxSpecRef.pow2(s.lsbExponent()));
    assertNotEquals(0, want.signum());
    assertEquals(
        0, want.compareTo(value), core.moduleName() + " worst case: " + want + " vs " + value);
    Report r = cc.run("worst case", steps);
    assertTrue(r.passed(), r::toString);
  }

  @Test
  void aNarrowScaleRange() {
    MxCore core =
        MxGenerator.generate(
            new MxCoreSpec(
                MxFormat.parse("MXFP8_E4M3"),
                MxFormat.parse("MXFP4_E2M1"),
                8,
                4,
                new AccumulatorKind.Exact(),
                Pipeline.parse("product,chunk=16"),
                false,
                new MxCoreSpec.ScaleRange(-16, 15)));
    // E4M3 x E2M1 products: 448 x 6 = 2688 = 2688 * 2^10 units of 2^-10 (22 bits); 31 scale
    // positions,
    // 8 guard bits (256 products), sign: 62 bits
    assertEquals(62, core.spec().accWidth());
    assertEquals(3, core.latency());
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      // in range: x = 0, -15 and 15 (the ends); out: -17, 16; NaN
      Report ex =
          cc.run(
              "exhaustive pairs",
              MxCrossCheck.exhaustivePairs(
                  core,
                  new int[][] {
                    {127, 127}, {119, 120}, {135, 134}, {110, 127}, {143, 127}, {0xFF, 127}
                  }));
      assertTrue(ex.passed(), ex::toString);
      Report rnd = cc.run("random blocks", MxCrossCheck.randomBlocks(core, 6, 300, 6, 0.05));
      assertTrue(rnd.passed(), rnd::toString);
      // the register's ends: all blocks at max magnitude at Xa + Xb = 15, then the smallest at -16
      worstCase(cc, core, 0x7E, 0x7, 0x01, 0x01, new int[] {135, 134, 119, 119});
      worstCase(cc, core, 0xFE, 0x7, 0x01, 0x09, new int[] {134, 135, 110, 128});
    }
  }

  @Test
  void tamperedCoresAreCaught() {
    MxCore core = core("MXFP4_E2M1", "MXFP4_E2M1", 8, 2, "none");
    String good = core.verilog();
    // the shifter's last level (a shift by 256) never taken
    String bad = good.replaceFirst("scaled8 = scale_sum\\[8\\] \\?", "scaled8 = 1'b0 ?");
    assertNotEquals(good, bad, "tamper target not found in:\n" + good);
    // b's NaN code ignored
    String bad2 = bad.replaceFirst("\\(io_scale_b == 8'(hff|d255)\\)", "1'b0");
    assertNotEquals(bad, bad2, "tamper target not found in:\n" + good);
    try (MxCrossCheck cc = new MxCrossCheck(core, bad2)) {
      // 16 x 16 pairs under scales (0xFE, 0xFE): every non-zero product is shifted wrong (14 x 14
      // non-zero
      // codes), and the drain cycle still shows the last one (-6 x -6)
      Report r =
          cc.run(
              "exhaustive, big scales",
              MxCrossCheck.exhaustivePairs(core, new int[][] {{0xFE, 0xFE}}));
      assertEquals(14 * 14 + 1, r.mismatches(), r::toString);
      // under (127, 0xFF) every pair is NaN in the model; the tampered core adds it and keeps
      // io_nan low
      // (256 pairs and the drain cycle)
      Report n =
          cc.run(
              "exhaustive, NaN scale b",
              MxCrossCheck.exhaustivePairs(core, new int[][] {{127, 0xFF}}));
      assertEquals(256 + 1, n.mismatches(), n::toString);
    }
    try (MxCrossCheck cc = new MxCrossCheck(core)) {
      Report r =
          cc.run(
              "exhaustive",
              MxCrossCheck.exhaustivePairs(core, new int[][] {{0xFE, 0xFE}, {127, 0xFF}}));
      assertTrue(r.passed(), r::toString);
    }
  }
}
