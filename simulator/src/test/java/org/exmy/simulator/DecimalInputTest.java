package org.exmy.simulator;

import static org.exmy.simulator.Overflow.NONSAT;
import static org.exmy.simulator.Overflow.SATURATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalInputTest {
  private static final NumberFormat E4M3FN = Formats.parse("float8_e4m3fn");

  private static int code(String text, NumberFormat f) {
    return DecimalInput.parse(text).encode(f, NONSAT);
  }

  @Test
  void negativeDecimalZeroIsNegativeZeroWhereTheFormatHasOne() {
    for (String z : List.of("-0", "-0.0", "-.0", "-0.", "-0e5", "-000.000E-99999999999")) {
      assertTrue(DecimalInput.parse(z).isNegativeZero(), z);
      assertEquals(0x80, code(z, E4M3FN), z);
      assertEquals(
          0x8, code(z, Formats.parse("E2M1")), z + ": plain minifloats have -0 (code 1000)");
      assertEquals(
          0x00, code(z, Formats.parse("float8_e4m3fnuz")), z + ": fnuz has no -0 (0x80 is NaN)");
      assertEquals(0x00, code(z, Formats.parse("INT8")), z);
    }
    for (String z : List.of("0", "+0", "0.000", "0e-7")) assertEquals(0x00, code(z, E4M3FN), z);
    // consistent with negative values that round to zero
    assertEquals(0x80, code("-1e-30", E4M3FN));
  }

  @Test
  void negativeNanKeepsItsSignAsInMlDtypes() {
    // ml_dtypes 0.6: np.array([float('-nan')]).astype(t).view(np.uint8) gives 0xff (e4m3fn),
    // 0xfe (e5m2), 0x00 (float6_e3m2fn: its NaN input code is the -0 code 0x20, negated),
    // 0x80 (e4m3fnuz: one NaN)
    assertEquals(0xff, code("-nan", E4M3FN));
    assertEquals(0xfe, code("-NaN", Formats.parse("float8_e5m2")));
    assertEquals(0x00, code("-nan", Formats.parse("float6_e3m2fn")));
    assertEquals(0x80, code("-nan", Formats.parse("float8_e4m3fnuz")));
    assertEquals(0x7f, code("+nan", E4M3FN));
    assertEquals(0x20, code("nan", Formats.parse("float6_e3m2fn")));
  }

  @Test
  void onlyAsciiDecimalSyntax() {
    for (String bad :
        List.of(
            "\uff11",
            "1\uff10",
            "\u0661",
            "1_000",
            "0x10",
            "1,5",
            "e5",
            ".",
            "-",
            "+-1",
            "1e",
            "1e+",
            "1.2.3",
            "--1",
            "1 2",
            "",
            "infinit",
            "nanx",
            "1d",
            "1f",
            "\u00bd",
            "Infinity\u0000")) {
      assertThrows(NumberFormatException.class, () -> DecimalInput.parse(bad), bad);
    }
    assertEquals(new BigDecimal("0.5"), DecimalInput.parse(".5").magnitude());
    assertEquals(new BigDecimal("5"), DecimalInput.parse("5.").magnitude());
    assertEquals(new BigDecimal("1.5E-3"), DecimalInput.parse("+1.5e-3").magnitude());
    assertEquals(DecimalInput.Kind.INFINITE, DecimalInput.parse("-Infinity").kind());
    assertTrue(DecimalInput.parse("-INF").negative());
    assertEquals(DecimalInput.Kind.NAN, DecimalInput.parse("NaN").kind());
    NumberFormatException e =
        assertThrows(NumberFormatException.class, () -> DecimalInput.parse("\uff11"));
    assertEquals("'\uff11' is not a decimal number", e.getMessage());
  }

  @Test
  void exponentsBeyondLongAreAstronomicalNotErrors() {
    // e4m3fn: finite overflow is NaN (0x7f / 0xff) when not saturating, max 0x7e when saturating.
    assertEquals(0x7f, code("1e99999999999", E4M3FN));
    assertEquals(0xff, code("-1e99999999999999999999999999", E4M3FN));
    assertEquals(0x7e, DecimalInput.parse("1e99999999999").encode(E4M3FN, SATURATE));
    assertEquals(0x80, code("-1e-99999999999", E4M3FN));
    assertEquals(0x00, code("1e-99999999999", E4M3FN));
    assertEquals(0x00, code("0e99999999999", E4M3FN));
    assertEquals(0x7f, code("0.000001e99999999999", E4M3FN));
    assertEquals(
        0x7f,
        Formats.parse("INT8").encode(DecimalInput.parse("1e99999999999").magnitude(), NONSAT));
    // leading zeros do not make an exponent large: 1e000000000000000000000002 is 100
    assertEquals(
        new BigDecimal("1E+2"), DecimalInput.parse("1e000000000000000000000002").magnitude());
    assertEquals(
        E4M3FN.encode(new BigDecimal("100"), NONSAT), code("1e000000000000000000000002", E4M3FN));
  }

  @Test
  void nearestDoubleAtTheEdgesOfBinary64() {
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal halfMinSubnormal = BigDecimal.ONE.divide(two.pow(1075)); // exact: 2^-1075
    BigDecimal tiny = new BigDecimal("1e-400");
    // exactly half the smallest subnormal: a tie, to even (0); a hair above: the subnormal
    assertEquals(0.0, DecimalInput.nearestDouble(halfMinSubnormal));
    assertEquals(Double.MIN_VALUE, DecimalInput.nearestDouble(halfMinSubnormal.add(tiny)));
    assertEquals(
        2 * Double.MIN_VALUE,
        DecimalInput.nearestDouble(halfMinSubnormal.multiply(BigDecimal.valueOf(3))),
        "1.5 units of the smallest subnormal: a tie between 1 and 2 units, to the even one, 2");
    // MAX_VALUE = (2^53 - 1) 2^971; the midpoint to 2^1024 is a tie and goes up (MAX is odd)
    BigDecimal max = new BigDecimal(Double.MAX_VALUE);
    BigDecimal mid = max.add(two.pow(970));
    assertEquals(Double.POSITIVE_INFINITY, DecimalInput.nearestDouble(mid));
    assertEquals(Double.MAX_VALUE, DecimalInput.nearestDouble(mid.subtract(tiny)));
    assertEquals(Double.POSITIVE_INFINITY, DecimalInput.parse("1e99999").toDouble());
    assertEquals(-0.0, DecimalInput.parse("-1e-99999").toDouble());
    assertEquals(
        Double.doubleToRawLongBits(-0.0),
        Double.doubleToRawLongBits(DecimalInput.parse("-0").toDouble()));
  }

  @Test
  void nearestDoubleAgreesWithTheJdkOnRandomDecimals() {
    // The JDK's parser as a second opinion on 20,000 random decimals of 1..25 digits, wide
    // exponents.
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder digits = new StringBuilder();
      int n = 1 + r.nextInt(25);
      for (int k = 0; k < n; k++) digits.append((char) ('0' + r.nextInt(10)));
      String text = digits + "e" + (r.nextInt(660) - 340);
      assertEquals(Double.parseDouble(text), DecimalInput.parse(text).toDouble(), text);
    }
    // and on the midpoints between neighbouring doubles, plus and minus a hair: exact ties matter
    for (int i = 0; i < 2000; i++) {
      double x = Double.longBitsToDouble(r.nextLong(0x7fefffffffffffffL));
      BigDecimal lo = new BigDecimal(x);
      BigDecimal mid = lo.add(new BigDecimal(Math.nextUp(x))).divide(BigDecimal.valueOf(2));
      BigDecimal hair = mid.ulp().max(mid.round(MathContext.DECIMAL32).ulp().movePointLeft(40));
      for (BigDecimal v : List.of(mid, mid.add(hair), mid.subtract(hair))) {
        assertEquals(Double.parseDouble(v.toString()), DecimalInput.nearestDouble(v), v.toString());
      }
    }
  }
}
