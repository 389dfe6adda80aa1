package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DecodeTablesTest {

  static Stream<FloatFormat> allFloatFormats() {
    List<FloatFormat> out = new ArrayList<>();
    for (NumberFormat f : Formats.catalogue()) {
      if (f instanceof FloatFormat) {
        out.add((FloatFormat) f);
      }
    }
    for (String n :
        List.of(
            "float8_e5m2fnuz",
            "float8_e3m4",
            "float8_e4m3",
            "float8_e4m3b11fnuz",
            "E4M3:subnormals=off",
            "E3M2:bias=5:specials=fn",
            "E2M2:specials=fnuz:subnormals=off",
            "E5M2:specials=ieee:subnormals=off",
            "E1M2",
            "E3M3:bias=-2",
            "E2M0",
            "E7M0",
            "E1M6:specials=fn")) {
      out.add((FloatFormat) Formats.parse(n));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("allFloatFormats")
  void exhaustiveDecodeMatchesReferenceFormula(FloatFormat f) {
    for (int c = 0; c < f.codeCount(); c++) {
      Ref.R r = Ref.decode(f, c);
      Value v = f.decode(c);
      String where = f.name() + " code 0x" + Integer.toHexString(c);
      switch (r.kind()) {
        case "nan":
          assertTrue(v.isNaN(), where);
          assertTrue(f.isNaN(c), where);
          break;
        case "inf":
          assertEquals(Value.Kind.POS_INF, v.kind(), where);
          assertTrue(f.isInf(c), where);
          break;
        case "-inf":
          assertEquals(Value.Kind.NEG_INF, v.kind(), where);
          break;
        default:
          assertTrue(v.isFinite(), where);
          assertTrue(Ref.eq(r.value(), v.toBigDecimal()), where + ": " + r.value() + " vs " + v);
          assertEquals(r.negZero(), v.isNegativeZero(), where + " negative zero");
          double expectedDouble = r.negZero() ? -0.0 : r.value().doubleValue();
          assertEquals(expectedDouble, v.toDouble(), where + " toDouble");
      }
      // fields
      assertEquals(c >> (f.bits() - 1), f.signBit(c));
      assertEquals((c >> f.mantissaBits()) & ((1 << f.exponentBits()) - 1), f.exponentField(c));
      assertEquals(c & ((1 << f.mantissaBits()) - 1), f.mantissaField(c));
    }
  }

  @ParameterizedTest
  @MethodSource("allFloatFormats")
  void maxFiniteAndMinPositiveAreExtremesOfTheTable(FloatFormat f) {
    BigDecimal max = null;
    BigDecimal minPos = null;
    for (int c = 0; c < f.codeCount(); c++) {
      Ref.R r = Ref.decode(f, c);
      if (!r.kind().equals("finite")) {
        continue;
      }
      BigDecimal v = r.value();
      if (max == null || v.compareTo(max) > 0) {
        max = v;
      }
      if (v.signum() > 0 && (minPos == null || v.compareTo(minPos) < 0)) {
        minPos = v;
      }
    }
    assertTrue(Ref.eq(max, f.maxFinite().toBigDecimal()), f.name());
    assertTrue(Ref.eq(max, f.decode(f.maxFiniteCode()).toBigDecimal()), f.name());
    assertTrue(Ref.eq(minPos, f.minPositive().toBigDecimal()), f.name());
    // sign-symmetric: the negated max is the most negative value
    assertTrue(
        Ref.eq(max.negate(), f.decode(f.maxFiniteCode() | (1 << (f.bits() - 1))).toBigDecimal()));
  }

  private static FloatFormat ff(String n) {
    return (FloatFormat) Formats.parse(n);
  }

  private static void assertValue(String expected, NumberFormat f, int code) {
    assertEquals(expected, f.decode(code).toString(), f.name() + " 0x" + Integer.toHexString(code));
  }

  @Test
  void float8E4m3fnPublishedConstants() {
    FloatFormat f = ff("float8_e4m3fn");
    assertValue("448", f, 0x7E);
    assertValue("-448", f, 0xFE);
    assertValue("0.001953125", f, 0x01); // 2^-9
    assertValue("0.015625", f, 0x08); // 2^-6 min normal
    assertValue("1", f, 0x38);
    assertValue("-0", f, 0x80);
    assertValue("nan", f, 0x7F);
    assertValue("nan", f, 0xFF);
    assertEquals(2, countNaN(f));
    assertFalse(f.hasInf());
    assertTrue(f.hasNaN());
    assertTrue(f.hasNegativeZero());
    assertEquals(0x7E, f.maxFiniteCode());
    assertEquals("448", f.maxFinite().toString());
    assertEquals("0.001953125", f.minPositive().toString());
  }

  @Test
  void float8E5m2PublishedConstants() {
    FloatFormat f = ff("float8_e5m2");
    assertValue("inf", f, 0x7C);
    assertValue("-inf", f, 0xFC);
    assertValue("57344", f, 0x7B);
    assertValue("nan", f, 0x7D);
    assertValue("nan", f, 0x7E);
    assertValue("nan", f, 0xFF);
    assertValue("0.0000152587890625", f, 0x01); // 2^-16
    assertValue("0.00006103515625", f, 0x04); // 2^-14
    assertEquals(6, countNaN(f));
    assertTrue(f.hasInf());
  }

  @Test
  void fnuzConstants() {
    FloatFormat f = ff("float8_e4m3fnuz");
    assertValue("nan", f, 0x80);
    assertEquals(1, countNaN(f));
    assertValue("240", f, 0x7F);
    assertValue("-240", f, 0xFF);
    assertValue("0.0009765625", f, 0x01); // 2^-10
    for (int c = 0; c < 256; c++) {
      assertFalse(f.decode(c).isNegativeZero());
      if (c != 0 && c != 0x80) {
        assertFalse(f.decode(c).isZero(), "only code 0 is zero");
      }
    }
    assertFalse(f.hasNegativeZero());
    FloatFormat g = ff("float8_e5m2fnuz");
    assertValue("57344", g, 0x7F);
    assertValue("0.00000762939453125", g, 0x01); // 2^-17
    assertValue("nan", g, 0x80);
    FloatFormat b11 = ff("float8_e4m3b11fnuz");
    assertValue("30", b11, 0x7F);
    assertValue("0.0001220703125", b11, 0x01); // 2^-13
  }

  @Test
  void ieeeE3m4AndE4m3() {
    assertValue("15.5", ff("float8_e3m4"), 0x6F);
    assertValue("inf", ff("float8_e3m4"), 0x70);
    assertValue("0.015625", ff("float8_e3m4"), 0x01); // 2^-6
    assertValue("240", ff("float8_e4m3"), 0x77);
    assertValue("inf", ff("float8_e4m3"), 0x78);
    assertValue("nan", ff("float8_e4m3"), 0x79);
  }

  @Test
  void plainE2m1IsTheFp4Grid() {
    FloatFormat f = ff("E2M1");
    String[] expected = {"0", "0.5", "1", "1.5", "2", "3", "4", "6"};
    for (int c = 0; c < 8; c++) {
      assertValue(expected[c], f, c);
      assertValue(c == 0 ? "-0" : "-" + expected[c], f, c | 8);
    }
    assertEquals(0, countNaN(f));
    assertEquals(ff("float4_e2m1fn"), f);
  }

  @Test
  void mxFormatsAndPlainMaxima() {
    assertEquals("7.5", ff("float6_e2m3fn").maxFinite().toString());
    assertEquals("0.125", ff("float6_e2m3fn").minPositive().toString());
    assertEquals("28", ff("float6_e3m2fn").maxFinite().toString());
    assertEquals("0.0625", ff("float6_e3m2fn").minPositive().toString());
    assertEquals("6", ff("float4_e2m1fn").maxFinite().toString());
    // Plain ExMy: no reserved codes, so the all-ones code is finite.
    assertEquals("480", ff("E4M3").maxFinite().toString()); // 1.875 * 2^8
    assertEquals(0x7F, ff("E4M3").maxFiniteCode());
    assertEquals("114688", ff("E5M2").maxFinite().toString()); // 1.75 * 2^16
    assertEquals("31", ff("E3M4").maxFinite().toString()); // 1.9375 * 2^4
    assertEquals("28", ff("E3M2").maxFinite().toString());
  }

  @Test
  void subnormalsOffMeansZeroForExponentFieldZero() {
    FloatFormat f = ff("E4M3:subnormals=off");
    for (int m = 0; m < 8; m++) {
      assertTrue(f.decode(m).isZero());
      assertFalse(f.decode(m).isNegativeZero());
      assertTrue(f.decode(0x80 | m).isNegativeZero());
    }
    assertEquals("0.015625", f.minPositive().toString());
    FloatFormat g = ff("E2M2:specials=fnuz:subnormals=off");
    assertFalse(g.decode(0x11).isNegativeZero(), "FNUZ never has -0");
    assertTrue(g.decode(0x10).isNaN());
  }

  @Test
  void decodeRejectsOutOfRangeCodes() {
    assertThrows(IllegalArgumentException.class, () -> ff("E4M3").decode(256));
    assertThrows(IllegalArgumentException.class, () -> ff("E4M3").decode(-1));
    assertThrows(IllegalArgumentException.class, () -> ff("E2M1").decode(16));
    assertThrows(IllegalArgumentException.class, () -> new IntFormat(4, true).decode(16));
  }

  @Test
  void intTables() {
    IntFormat i8 = new IntFormat(8, true);
    for (int c = 0; c < 256; c++) {
      int expected = c < 128 ? c : c - 256;
      assertEquals(String.valueOf(expected), i8.decode(c).toString());
    }
    IntFormat u4 = new IntFormat(4, false);
    for (int c = 0; c < 16; c++) {
      assertEquals(String.valueOf(c), u4.decode(c).toString());
    }
    assertEquals(-4, new IntFormat(3, true).min());
    assertEquals(3, new IntFormat(3, true).max());
    assertEquals(255, new IntFormat(8, false).max());
    assertEquals(-128, i8.min());
  }

  @Test
  void catalogueValueSetsHaveExpectedSizes() {
    // Number of distinct finite values (counting +0/-0 once) per catalogue float.
    int[] expectedDistinct = {15, 63, 63, 255, 255, 255, 253, 247, 255, 63, 63, 15};
    int i = 0;
    for (NumberFormat f : Formats.catalogue()) {
      if (!(f instanceof FloatFormat)) {
        continue;
      }
      TreeSet<BigDecimal> set = new TreeSet<>();
      for (int c = 0; c < f.codeCount(); c++) {
        if (f.decode(c).isFinite()) {
          set.add(f.decode(c).toBigDecimal());
        }
      }
      assertEquals(expectedDistinct[i++], set.size(), f.name());
    }
  }

  private static int countNaN(FloatFormat f) {
    int n = 0;
    for (int c = 0; c < f.codeCount(); c++) {
      if (f.decode(c).isNaN()) {
        n++;
      }
    }
    return n;
  }
}
