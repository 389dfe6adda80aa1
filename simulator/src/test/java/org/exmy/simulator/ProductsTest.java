package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProductsTest {

  private static void exhaustiveFinite(NumberFormat a, NumberFormat b) {
    int n = 0;
    for (int ca = 0; ca < a.codeCount(); ca++) {
      Value va = a.decode(ca);
      if (!va.isFinite()) {
        continue;
      }
      BigDecimal da = va.toBigDecimal();
      for (int cb = 0; cb < b.codeCount(); cb++) {
        Value vb = b.decode(cb);
        if (!vb.isFinite()) {
          continue;
        }
        Value p = Products.exact(a, ca, b, cb);
        BigDecimal want = da.multiply(vb.toBigDecimal());
        assertTrue(p.isFinite());
        assertEquals(0, want.compareTo(p.toBigDecimal()), a + " " + ca + " x " + b + " " + cb);
        n++;
      }
    }
    assertTrue(n > 0);
  }

  @Test
  void exhaustiveE4M3() {
    exhaustiveFinite(Formats.parse("E4M3"), Formats.parse("E4M3"));
  }

  @Test
  void exhaustiveE2M1() {
    exhaustiveFinite(Formats.parse("E2M1"), Formats.parse("E2M1"));
  }

  @Test
  void exhaustiveInt8() {
    exhaustiveFinite(Formats.parse("INT8"), Formats.parse("INT8"));
  }

  @Test
  void exhaustiveMixed() {
    exhaustiveFinite(Formats.parse("float8_e4m3fn"), Formats.parse("INT4"));
    exhaustiveFinite(Formats.parse("UINT8"), Formats.parse("float8_e5m2"));
  }

  @Test
  void knownProducts() {
    NumberFormat e4 = Formats.parse("float8_e4m3fn");
    assertEquals("200704", Products.exact(e4, 0x7E, e4, 0x7E).toString()); // 448^2
    assertEquals("0.000003814697265625", Products.exact(e4, 0x01, e4, 0x01).toString()); // 2^-18
    assertEquals(
        "-3", Products.exact(Formats.parse("E2M1"), 0x3, Formats.parse("INT3"), 0b110).toString());
    assertEquals(
        "-16256",
        Products.exact(Formats.parse("INT8"), 0x80, Formats.parse("INT8"), 0x7F).toString());
    assertEquals(
        "16384",
        Products.exact(Formats.parse("INT8"), 0x80, Formats.parse("INT8"), 0x80).toString());
  }

  @Test
  void specialRules() {
    NumberFormat e5 = Formats.parse("float8_e5m2");
    NumberFormat e4 = Formats.parse("float8_e4m3fn");
    NumberFormat i8 = Formats.parse("INT8");
    int inf = 0x7C;
    int ninf = 0xFC;
    int nan = 0x7E;
    int one = 0x3C;
    int mone = 0xBC;
    assertTrue(Products.exact(e5, nan, e5, one).isNaN());
    assertTrue(Products.exact(e5, one, e5, nan).isNaN());
    assertTrue(Products.exact(e5, inf, e5, 0x00).isNaN());
    assertTrue(Products.exact(e5, 0x80, e5, ninf).isNaN());
    assertTrue(Products.exact(e5, inf, i8, 0).isNaN());
    assertEquals(Value.Kind.POS_INF, Products.exact(e5, inf, e5, one).kind());
    assertEquals(Value.Kind.NEG_INF, Products.exact(e5, inf, e5, mone).kind());
    assertEquals(Value.Kind.POS_INF, Products.exact(e5, ninf, e5, ninf).kind());
    assertEquals(Value.Kind.NEG_INF, Products.exact(e5, ninf, i8, 3).kind());
    assertEquals(Value.Kind.POS_INF, Products.exact(i8, 0xFF, e5, ninf).kind());
    assertTrue(Products.exact(e4, 0x7F, e4, 0x00).isNaN());
    assertTrue(Products.exact(e4, 0xFF, i8, 1).isNaN());
    // zero signs: XOR of signs
    assertTrue(Products.exact(e4, 0x80, e4, 0x38).isNegativeZero());
    assertTrue(Products.exact(e4, 0x80, e4, 0x00).isNegativeZero());
    assertTrue(!Products.exact(e4, 0x80, e4, 0x80).isNegativeZero());
    assertTrue(Products.exact(e4, 0x80, e4, 0x80).isZero());
  }

  @Test
  void multiplyIsCommutativeOnAllCataloguePairsSample() {
    List<NumberFormat> cat = Formats.catalogue();
    for (NumberFormat a : cat) {
      for (NumberFormat b : cat) {
        for (int i = 0; i < 50; i++) {
          int ca = (i * 37) % a.codeCount();
          int cb = (i * 91 + 5) % b.codeCount();
          assertEquals(Products.exact(a, ca, b, cb), Products.exact(b, cb, a, ca));
        }
      }
    }
  }
}
