package org.exmy.testbench;

import static org.exmy.simulator.MxCoreSpec.ScaleRange.FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.MxCoreSpec;
import org.exmy.simulator.MxDotModel;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.simulator.Value;
import org.junit.jupiter.api.Test;

/**
 * The MX dot-product model against the reference written from the OCP MX v1.0 text ({@link
 * MxSpecRef}).
 */
class MxDotModelTest {
  private static final AccumulatorKind EXACT = new AccumulatorKind.Exact();

  private static final String[] NAMES = {
    "MXFP8_E4M3", "MXFP8_E5M2", "MXFP6_E3M2", "MXFP6_E2M3", "MXFP4_E2M1", "MXINT8"
  };

  /** Feeds blocks to the model, {@code lanes} elements a cycle, and compares with the reference. */
  private static void check(
      String na, String nb, int lanes, int blocks, long seed, double nanRate) {
    MxCoreSpec spec =
        new MxCoreSpec(
            MxFormat.parse(na), MxFormat.parse(nb), 8, lanes, EXACT, Pipeline.NONE, false, FULL);
    MxDotModel m = new MxDotModel(spec);
    SplittableRandom r = new SplittableRandom(seed);
    int k = spec.blockSize();
    int[] sa = new int[blocks];
    int[] sb = new int[blocks];
    int[][] ca = new int[blocks][k];
    int[][] cb = new int[blocks][k];
    int codesA = 1 << spec.a().element().bits();
    int codesB = 1 << spec.b().element().bits();
    for (int q = 0; q < blocks; q++) {
      sa[q] = MxCrossCheck.randomScale(r, nanRate);
      sb[q] = MxCrossCheck.randomScale(r, nanRate);
      for (int i = 0; i < k; i++) {
        ca[q][i] = r.nextInt(codesA);
        cb[q][i] = r.nextInt(codesB);
      }
    }
    m.step(true, false, new int[lanes], new int[lanes], 0, 0);
    for (int q = 0; q < blocks; q++) {
      for (int c = 0; c < k / lanes; c++) {
        int[] xa = new int[lanes];
        int[] xb = new int[lanes];
        for (int i = 0; i < lanes; i++) {
          xa[i] = ca[q][c * lanes + i];
          xb[i] = cb[q][c * lanes + i];
        }
        m.step(false, true, xa, xb, sa[q], sb[q]);
      }
    }
    Object want = MxSpecRef.dot(na, nb, sa, sb, ca, cb);
    Value got = m.result();
    String what = na + " x " + nb + " lanes " + lanes + " seed " + seed;
    if (want == null) {
      assertTrue(got.isNaN(), what + ": NaN expected, got " + got);
    } else if (want instanceof Integer s) {
      assertEquals(Value.inf(s < 0), got, what);
    } else {
      assertEquals(
          0, ((BigDecimal) want).compareTo(got.toBigDecimal()), what + ": " + want + " vs " + got);
    }
  }

  @Test
  void everyFormatPairAgainstTheSpecReference() {
    int n = 0;
    for (String a : NAMES) {
      for (String b : NAMES) {
        for (int seed = 0; seed < 6; seed++) {
          // finite scales for most runs (the E5M2 specials still make some NaN / inf)
          check(
              a,
              b,
              seed % 2 == 0 ? 1 : 4,
              1 + seed % 3,
              31L * seed + a.hashCode() + 7L * b.hashCode(),
              seed < 4 ? 0 : 0.2);
          n++;
        }
      }
    }
    assertEquals(6 * 6 * 6, n);
  }

  /**
   * A float register: every cycle {@code acc = RNE(acc + 2^(Xa + Xb) * lane sum)}, against the spec
   * elements and an independent rounding ({@link MxSpecRef#roundFloat}); finite elements and scales
   * (NaN and inf codes replaced by +0), so that the register's own overflow to inf is what is
   * tested.
   */
  @Test
  void floatRegistersRoundOncePerCycle() {
    String[][] pairs = {
      {"MXFP8_E4M3", "MXFP8_E4M3"},
      {"MXFP8_E5M2", "MXFP6_E2M3"},
      {"MXINT8", "MXFP4_E2M1"},
      {"MXFP6_E3M2", "MXINT8"}
    };
    AccumulatorKind.Floating[] kinds = {
      AccumulatorKind.Floating.FP32, AccumulatorKind.Floating.BF16, AccumulatorKind.Floating.FP16
    };
    int checked = 0;
    for (String[] pr : pairs) {
      for (AccumulatorKind.Floating kind : kinds) {
        for (int lanes : new int[] {1, 4, 32}) {
          for (int seed = 0; seed < 3; seed++) {
            floatCase(pr[0], pr[1], kind, lanes, seed);
            checked++;
          }
        }
      }
    }
    assertEquals(4 * 3 * 3 * 3, checked);
  }

  private static void floatCase(
      String na, String nb, AccumulatorKind.Floating kind, int lanes, long seed) {
    MxCoreSpec spec =
        new MxCoreSpec(
            MxFormat.parse(na), MxFormat.parse(nb), 8, lanes, kind, Pipeline.NONE, false, FULL);
    MxDotModel m = new MxDotModel(spec);
    SplittableRandom r = new SplittableRandom(seed * 7919 + lanes);
    int codesA = 1 << spec.a().element().bits();
    int codesB = 1 << spec.b().element().bits();
    Object ref = BigDecimal.ZERO;
    m.step(true, false, new int[lanes], new int[lanes], 0, 0);
    String what = na + " x " + nb + " " + kind.tag() + " lanes " + lanes + " seed " + seed;
    for (int q = 0; q < 4; q++) {
      // scales near 127 mostly (rounding at work), sometimes extreme (underflow, overflow)
      int sa = r.nextInt(4) == 0 ? MxCrossCheck.randomScale(r, 0) : 127 + r.nextInt(-6, 7);
      int sb = r.nextInt(4) == 0 ? MxCrossCheck.randomScale(r, 0) : 127 + r.nextInt(-6, 7);
      for (int c = 0; c < spec.blockSize() / lanes; c++) {
        int[] xa = new int[lanes];
        int[] xb = new int[lanes];
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < lanes; i++) {
          MxSpecRef.Elem ea = MxSpecRef.element(na, xa[i] = r.nextInt(codesA));
          MxSpecRef.Elem eb = MxSpecRef.element(nb, xb[i] = r.nextInt(codesB));
          if (ea.value() == null) xa[i] = 0;
          if (eb.value() == null) xb[i] = 0;
          if (ea.value() != null && eb.value() != null)
            sum = sum.add(ea.value().multiply(eb.value()));
        }
        m.step(false, true, xa, xb, sa, sb);
        if (ref instanceof BigDecimal acc && sum.signum() != 0) {
          ref =
              MxSpecRef.roundFloat(
                  acc.add(
                      sum.multiply(MxSpecRef.pow2(sa - 127)).multiply(MxSpecRef.pow2(sb - 127))),
                  kind.exponentBits(),
                  kind.mantissaBits());
        }
        Value got = m.result();
        if (ref instanceof Integer s) {
          assertEquals(Value.inf(s < 0), got, what);
        } else {
          assertEquals(
              0,
              ((BigDecimal) ref).compareTo(got.toBigDecimal()),
              what + ": " + ref + " vs " + got);
        }
      }
    }
  }

  @Test
  void mxint8HasTheImplicitScaleAndScalesShift() {
    MxCoreSpec spec = MxCoreSpec.of(MxFormat.parse("MXINT8"), MxFormat.parse("MXINT8"));
    MxDotModel m = new MxDotModel(spec);
    // code 64 is 64 * 2^-6 = 1.0; 1.0 * 1.0 under scales 2^1 and 2^-3 is 2^-2
    m.step(true, true, new int[] {64}, new int[] {64}, 128, 124);
    assertEquals(
        0, new BigDecimal("0.25").compareTo(m.result().toBigDecimal()), m.result().toString());
    // code 0x80 is -2.0: -2 * 1.0 * 2^0 * 2^0 added: -1.75
    m.step(false, true, new int[] {0x80}, new int[] {64}, 127, 127);
    assertEquals(
        0, new BigDecimal("-1.75").compareTo(m.result().toBigDecimal()), m.result().toString());
  }

  @Test
  void aNanScaleIsStickyUntilClear() {
    MxCoreSpec spec = MxCoreSpec.of(MxFormat.parse("MXFP4_E2M1"), MxFormat.parse("MXFP4_E2M1"));
    MxDotModel m = new MxDotModel(spec);
    m.step(true, true, new int[] {2}, new int[] {2}, 127, 127); // 1.0 * 1.0
    assertEquals(0, BigDecimal.ONE.compareTo(m.result().toBigDecimal()));
    m.step(false, true, new int[] {0}, new int[] {0}, 0xFF, 127); // zeros, but a NaN scale
    assertTrue(m.result().isNaN());
    m.step(false, true, new int[] {2}, new int[] {2}, 127, 127);
    assertTrue(m.result().isNaN());
    m.step(false, false, new int[] {2}, new int[] {2}, 127, 0xFF); // not valid: nothing
    m.step(true, true, new int[] {2}, new int[] {2}, 127, 127);
    assertEquals(0, BigDecimal.ONE.compareTo(m.result().toBigDecimal()));
  }

  @Test
  void aNarrowScaleRangeFlagsWhatItCannotHold() {
    MxCoreSpec spec =
        MxCoreSpec.of(MxFormat.parse("MXFP8_E4M3"), MxFormat.parse("MXFP8_E4M3"))
            .withScaleRange(MxCoreSpec.ScaleRange.parse("-10..10"));
    // 36 product bits + 20 scale positions + 10 guard bits + sign; LSB 2^(-18 - 10)
    assertEquals(67, spec.accWidth());
    assertEquals(-28, spec.lsbExponent());
    assertEquals("exmy_mxmac_mxfp8_e4m3_k32_xm10_10", spec.moduleName());
    MxDotModel m = new MxDotModel(spec);
    // 0x38 = 1.0: 1 * 1 * 2^10 + 1 * 1 * 2^-10 held exactly
    m.step(true, true, new int[] {0x38}, new int[] {0x38}, 132, 132);
    m.step(false, true, new int[] {0x38}, new int[] {0x38}, 117, 127);
    assertEquals(
        0,
        new BigDecimal("1024.0009765625").compareTo(m.result().toBigDecimal()),
        m.result().toString());
    assertTrue(!m.rangeFlag());
    m.step(
        false, true, new int[] {0}, new int[] {0}, 138, 128); // Xa + Xb = 12: out, even for zeros
    assertTrue(m.rangeFlag() && m.result().isNaN());
    m.step(true, true, new int[] {0x38}, new int[] {0x38}, 127, 127);
    assertTrue(!m.rangeFlag());
    assertEquals(0, BigDecimal.ONE.compareTo(m.result().toBigDecimal()));
    assertThrows(FormatException.class, () -> spec.withAccumulator(AccumulatorKind.Floating.FP32));
    assertThrows(FormatException.class, () -> MxCoreSpec.ScaleRange.parse("5..4"));
    assertThrows(FormatException.class, () -> MxCoreSpec.ScaleRange.parse("-255..0"));
    assertThrows(FormatException.class, () -> MxCoreSpec.ScaleRange.parse("x"));
  }

  @Test
  void refusals() {
    MxFormat e4 = MxFormat.parse("MXFP8_E4M3");
    assertThrows(
        FormatException.class,
        () ->
            new MxCoreSpec(
                e4,
                MxFormat.parse("MXFP8_E4M3:block=16"),
                8,
                1,
                EXACT,
                Pipeline.NONE,
                false,
                FULL));
    assertThrows(
        FormatException.class,
        () -> new MxCoreSpec(e4, e4, 8, 3, EXACT, Pipeline.NONE, false, FULL));
    assertThrows(
        FormatException.class,
        () -> new MxCoreSpec(e4, e4, 0, 1, EXACT, Pipeline.NONE, false, FULL));
    assertThrows(
        FormatException.class,
        () -> new MxCoreSpec(e4, e4, 8, 4, EXACT, Pipeline.preset(3), false, FULL));
  }

  @Test
  void geometryFromTheSpec() {
    // E4M3 elements: quantum 2^-9, max 448 = 229376 quanta (18 bits); products 36 bits, 2^-18;
    // 32 blocks of 32 = 2^10 products: 36 + 508 + 10 + 1 = 555 bits, LSB 2^(-18 - 254)
    MxCoreSpec s = MxCoreSpec.of(MxFormat.parse("MXFP8_E4M3"), MxFormat.parse("MXFP8_E4M3"));
    assertEquals(555, s.accWidth());
    assertEquals(-272, s.lsbExponent());
    // MXINT8: |product| <= 128 * 128 = 2^14 (15 bits), implicit 2^-6 twice
    MxCoreSpec i = MxCoreSpec.of(MxFormat.parse("MXINT8"), MxFormat.parse("MXINT8")).withLanes(4);
    assertEquals(15 + 508 + 10 + 1, i.accWidth());
    assertEquals(-12 - 254, i.lsbExponent());
    assertEquals("exmy_mxdot4_mxint8_k32", i.moduleName());
  }
}
