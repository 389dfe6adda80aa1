package org.exmy.simulator;

import static org.exmy.simulator.Overflow.NONSAT;
import static org.exmy.simulator.Overflow.SATURATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodeTest {

  private static FloatFormat ff(String n) {
    return (FloatFormat) Formats.parse(n);
  }

  static List<NumberFormat> roundTripFormats() {
    List<NumberFormat> out = new ArrayList<>(Formats.catalogue());
    for (String n :
        List.of(
            "float8_e5m2fnuz",
            "float8_e3m4",
            "float8_e4m3",
            "float8_e4m3b11fnuz",
            "UINT8",
            "UINT2",
            "INT2",
            "E3M3:bias=-2",
            "E2M2:specials=fnuz")) {
      out.add(Formats.parse(n));
    }
    return out;
  }

  @Test
  void roundTripEveryNonNaNCode() {
    int checked = 0;
    for (NumberFormat f : roundTripFormats()) {
      for (int c = 0; c < f.codeCount(); c++) {
        Value v = f.decode(c);
        if (v.isNaN()) {
          continue;
        }
        for (Overflow p : Overflow.values()) {
          // The double path covers -0 and +-inf.
          assertEquals(c, f.encode(v.toDouble(), p), f.name() + " code " + c + " " + p);
          if (v.isFinite() && !v.isNegativeZero()) {
            assertEquals(c, f.encode(v.toBigDecimal(), p), f.name() + " code " + c + " " + p);
          }
        }
        checked++;
      }
    }
    assertTrue(checked > 3000);
  }

  @Test
  void e4m3fnOverflowAndTies() {
    FloatFormat f = ff("float8_e4m3fn");
    // 464 is the tie between 448 (mantissa 110, even) and 480 (the NaN pattern): stays 448.
    assertEquals(0x7E, f.encode(464.0, NONSAT));
    assertEquals(0x7E, f.encode(new BigDecimal("464"), NONSAT));
    assertEquals(0x7F, f.encode(new BigDecimal("464.0000001"), NONSAT));
    assertEquals(0x7E, f.encode(new BigDecimal("464.0000001"), SATURATE));
    assertEquals(0xFF, f.encode(-1000.0, NONSAT)); // ml_dtypes applies the sign: -NaN = 0xFF
    assertEquals(0xFE, f.encode(-1000.0, SATURATE));
    // Infinite inputs: ml_dtypes returns +-infinity() == NaN regardless of saturation.
    assertEquals(0x7F, f.encode(Double.POSITIVE_INFINITY, SATURATE));
    assertEquals(0xFF, f.encode(Double.NEGATIVE_INFINITY, SATURATE));
    assertEquals(0x7F, f.encode(Double.POSITIVE_INFINITY, NONSAT));
    assertEquals(0x7F, f.encode(Double.NaN, NONSAT));
    assertEquals(0x7F, f.encode(Double.NaN, SATURATE));
    // Underflow keeps the sign.
    assertEquals(0x80, f.encode(-0.0001, NONSAT));
    assertEquals(0x80, f.encode(-0.0, NONSAT));
    assertEquals(0x00, f.encode(0.0001, NONSAT));
    // Half of the smallest subnormal (2^-10) ties to 0; just above it goes to 2^-9.
    assertEquals(0x00, f.encode(Math.scalb(1.0, -10), NONSAT));
    assertEquals(0x01, f.encode(Math.nextUp(Math.scalb(1.0, -10)), NONSAT));
    // 1.5 * 2^-9 ties between 0x01 (odd) and 0x02 (even).
    assertEquals(0x02, f.encode(1.5 * Math.scalb(1.0, -9), NONSAT));
    // 1 + 1/16 ties between 1 (0x38) and 1.125 (0x39): even is 0x38.
    assertEquals(0x38, f.encode(1.0625, NONSAT));
    assertEquals(0x3A, f.encode(1.1875, NONSAT));
    // Between subnormal max 7*2^-9 and min normal 2^-6 = 8*2^-9: tie 7.5 -> 8 (even).
    assertEquals(0x08, f.encode(7.5 * Math.scalb(1.0, -9), NONSAT));
  }

  @Test
  void e5m2OverflowToInfinity() {
    FloatFormat f = ff("float8_e5m2");
    assertEquals(0x7B, f.encode(61439.0, NONSAT));
    // 61440 ties between 57344 (mantissa 11, odd) and 65536 -> overflow.
    assertEquals(0x7C, f.encode(61440.0, NONSAT));
    assertEquals(0x7B, f.encode(61440.0, SATURATE));
    assertEquals(0xFC, f.encode(-1e9, NONSAT));
    assertEquals(0xFB, f.encode(-1e9, SATURATE));
    assertEquals(0x7C, f.encode(Double.POSITIVE_INFINITY, SATURATE)); // ml_dtypes keeps inf
    assertEquals(0xFC, f.encode(Double.NEGATIVE_INFINITY, NONSAT));
    assertEquals(0x7E, f.encode(Double.NaN, NONSAT)); // quiet NaN 0b0'11111'10
    assertEquals(0x7C, ff("float8_e4m3").encode(Double.NaN, NONSAT)); // 0b0'1111'100
    assertEquals(0x78, ff("float8_e4m3").encode(1e6, NONSAT));
  }

  @Test
  void fnuzSpecials() {
    FloatFormat f = ff("float8_e4m3fnuz");
    assertEquals(0x80, f.encode(1e6, NONSAT));
    assertEquals(0x80, f.encode(-1e6, NONSAT));
    assertEquals(0x7F, f.encode(1e6, SATURATE));
    assertEquals(0xFF, f.encode(-1e6, SATURATE));
    assertEquals(0x80, f.encode(Double.NEGATIVE_INFINITY, SATURATE));
    assertEquals(0x80, f.encode(Double.NaN, SATURATE));
    assertEquals(0x00, f.encode(-0.0, NONSAT)); // no negative zero
    assertEquals(0x00, f.encode(-1e-9, NONSAT));
    // 248 ties between 240 (mantissa 111, odd) and 256 -> overflow
    assertEquals(0x80, f.encode(248.0, NONSAT));
    assertEquals(0x7F, f.encode(247.9, NONSAT));
  }

  @Test
  void mxFormatsSaturateLikeMlDtypes() {
    FloatFormat f = ff("float4_e2m1fn");
    assertEquals(0x2, f.encode(1.0, NONSAT));
    assertEquals(0x6, f.encode(5.0, NONSAT)); // tie 4 (m=0) vs 6 (m=1) -> 4 = 0x6
    assertEquals(0x7, f.encode(5.0000001, NONSAT));
    assertEquals(0x7, f.encode(6.9, NONSAT));
    assertEquals(0x7, f.encode(7.0, NONSAT)); // overflow, no inf/NaN: max
    assertEquals(0x7, f.encode(100.0, NONSAT));
    assertEquals(0xF, f.encode(-100.0, NONSAT));
    assertEquals(0x7, f.encode(Double.POSITIVE_INFINITY, NONSAT));
    assertEquals(0xF, f.encode(Double.NEGATIVE_INFINITY, SATURATE));
    assertEquals(0x8, f.encode(Double.NaN, NONSAT)); // ml_dtypes quiet_NaN() = 0b1'00'0
    assertEquals(0x1, f.encode(0.25000001, NONSAT));
    assertEquals(0x0, f.encode(0.25, NONSAT)); // tie between 0 and 0.5 -> 0
    assertEquals(0x1F, ff("float6_e3m2fn").encode(29.0, NONSAT));
    assertEquals(0x20, ff("float6_e2m3fn").encode(Double.NaN, SATURATE));
  }

  @Test
  void subnormalsOffFlushRegion() {
    FloatFormat f = ff("E4M3:subnormals=off"); // min normal 2^-6
    double minNormal = Math.scalb(1.0, -6);
    assertEquals(0x00, f.encode(minNormal / 2, NONSAT)); // tie -> 0
    assertEquals(0x08, f.encode(Math.nextUp(minNormal / 2), NONSAT));
    assertEquals(0x88, f.encode(-0.75 * minNormal, NONSAT));
    assertEquals(0x80, f.encode(-0.25 * minNormal, NONSAT));
    assertEquals(0x08, f.encode(minNormal, NONSAT));
  }

  @Test
  void bigDecimalAndDoublePathsAgreeOnExamples() {
    FloatFormat f = ff("E3M2:bias=5:specials=fn");
    for (double d : new double[] {0.1, 0.3, 1.0 / 3, 2.5, 3.75, 7.0, 7.5, 1e-3, 12345.0}) {
      for (Overflow p : Overflow.values()) {
        assertEquals(f.encode(new BigDecimal(d), p), f.encode(d, p));
        assertEquals(
            f.encode(new BigDecimal(d).negate(), p), f.encode(-d, p), "negative " + d + " " + p);
      }
    }
  }

  @Test
  void intEncodeRoundsHalfEvenAndSaturates() {
    IntFormat i8 = new IntFormat(8, true);
    assertEquals(2, i8.encode(2.5, NONSAT));
    assertEquals(4, i8.encode(3.5, NONSAT));
    assertEquals(0xFE, i8.encode(-2.5, NONSAT)); // -2
    assertEquals(0xFC, i8.encode(-3.5, SATURATE)); // -4
    assertEquals(0x7F, i8.encode(127.5, NONSAT)); // 128 saturates
    assertEquals(0x7F, i8.encode(1e9, NONSAT));
    assertEquals(0x80, i8.encode(-1e9, NONSAT));
    assertEquals(0x7F, i8.encode(Double.POSITIVE_INFINITY, NONSAT));
    assertEquals(0x80, i8.encode(Double.NEGATIVE_INFINITY, SATURATE));
    assertEquals(0, i8.encode(-0.0, NONSAT));
    assertEquals(0, i8.encode(-0.5, NONSAT));
    assertEquals(0xFF, i8.encode(-0.5000001, NONSAT));
    assertEquals(3, i8.encode(new BigDecimal("2.5000000000000000001"), NONSAT));
    assertEquals(2, i8.encode(new BigDecimal("2.5"), NONSAT));
    assertEquals(0x80, i8.encode(new BigDecimal("-1E+40"), SATURATE));
    ArithmeticException e =
        assertThrows(ArithmeticException.class, () -> i8.encode(Double.NaN, NONSAT));
    assertEquals("INT8 cannot represent NaN", e.getMessage());
    IntFormat u4 = new IntFormat(4, false);
    assertEquals(0, u4.encode(-3.0, NONSAT));
    assertEquals(15, u4.encode(15.5, NONSAT));
    assertEquals(14, u4.encode(14.5, NONSAT));
    IntFormat i3 = new IntFormat(3, true);
    assertEquals(0b100, i3.encode(-4.4, NONSAT));
    assertEquals(0b011, i3.encode(3.4, NONSAT));
  }

  @Test
  void astronomicalDecimalsOverflowOrRoundToZeroInsteadOfFailing() {
    FloatFormat e4m3fn = ff("float8_e4m3fn");
    assertEquals(0x7F, e4m3fn.encode(new BigDecimal("1e999999999"), NONSAT));
    assertEquals(0xFE, e4m3fn.encode(new BigDecimal("-1e999999999"), SATURATE));
    assertEquals(0x80, e4m3fn.encode(new BigDecimal("-1e-999999999"), NONSAT), "-0 keeps its sign");
    assertEquals(0x00, e4m3fn.encode(new BigDecimal("1e-999999999"), NONSAT));
    NumberFormat int8 = Formats.parse("int8");
    assertEquals(0x7F, int8.encode(new BigDecimal("1e999999999"), SATURATE));
    assertEquals(0x80, int8.encode(new BigDecimal("-1e999999999"), SATURATE));
    assertEquals(0x00, int8.encode(new BigDecimal("-1e-999999999"), SATURATE));
  }

  @Test
  void theFarBoundLiesBeyondTheWidestFormats() {
    // E7M0 with bias -4096: max = 2^(126 + 4096) (exponent field 127 is the largest, M = 0).
    FloatFormat wide = ff("E7M0:bias=-4096");
    BigDecimal max = wide.decode(wide.maxFiniteCode()).toBigDecimal();
    assertTrue(
        max.compareTo(BigDecimal.ONE.scaleByPowerOfTen(Decimals.FAR)) < 0,
        "max " + max.precision());
    assertEquals(wide.maxFiniteCode(), wide.encode(max, NONSAT));
    assertEquals(
        wide.maxFiniteCode(), wide.encode(new BigDecimal("1e99999"), NONSAT), "saturates (NONE)");
    // E7M0 with bias 4096: the smallest positive value 2^(1 - 4096) is above 10^-FAR.
    FloatFormat narrow = ff("E7M0:bias=4096");
    BigDecimal min = narrow.decode(0x01).toBigDecimal(); // exponent field 1, M = 0: 2^(1 - 4096)
    assertTrue(min.compareTo(BigDecimal.ONE.scaleByPowerOfTen(-Decimals.FAR)) > 0);
    assertEquals(0x01, narrow.encode(min, NONSAT));
    assertEquals(0, narrow.encode(new BigDecimal("1e-99999"), NONSAT));
  }
}
