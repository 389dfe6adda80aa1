package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccumulatorSpecTest {

  /** Catalogue self-pairs plus some mixed pairs and non-catalogue formats. */
  static List<NumberFormat[]> pairs() {
    List<NumberFormat[]> out = new ArrayList<>();
    for (NumberFormat f : Formats.catalogue()) {
      out.add(new NumberFormat[] {f, f});
    }
    String[][] mixed = {
      {"float8_e4m3fn", "float8_e5m2"},
      {"E2M1", "INT4"},
      {"INT8", "E4M3"},
      {"UINT8", "UINT4"},
      {"float8_e4m3fnuz", "float8_e5m2fnuz"},
      {"E4M3:subnormals=off", "E3M3:bias=-2"},
      {"float8_e4m3b11fnuz", "UINT2"}
    };
    for (String[] m : mixed) {
      out.add(new NumberFormat[] {Formats.parse(m[0]), Formats.parse(m[1])});
    }
    return out;
  }

  @Test
  void productBitsMatchesBruteForceAndFixedProductIsExact() {
    for (NumberFormat[] p : pairs()) {
      NumberFormat a = p[0];
      NumberFormat b = p[1];
      AccumulatorSpec s = AccumulatorSpec.of(a, b, 1);
      BigDecimal unit = Ref.pow2(s.lsbExponent());
      BigInteger maxAbs = BigInteger.ZERO;
      for (int ca = 0; ca < a.codeCount(); ca++) {
        Value va = a.decode(ca);
        for (int cb = 0; cb < b.codeCount(); cb++) {
          Value vb = b.decode(cb);
          BigInteger fp = s.fixedProduct(ca, cb);
          if (!va.isFinite() || !vb.isFinite()) {
            assertEquals(BigInteger.ZERO, fp);
            continue;
          }
          // fixedProduct * 2^lsb == exact product (computed with BigDecimal)
          BigDecimal want = va.toBigDecimal().multiply(vb.toBigDecimal());
          assertEquals(0, want.compareTo(new BigDecimal(fp).multiply(unit)), a + "x" + b);
          assertEquals(0, want.compareTo(Products.exact(a, ca, b, cb).toBigDecimal()));
          maxAbs = maxAbs.max(fp.abs());
        }
      }
      assertEquals(maxAbs.bitLength(), s.productBits(), a + " x " + b);
    }
  }

  @Test
  void lsbExponents() {
    assertEquals(
        -18, AccumulatorSpec.of(Formats.parse("E4M3"), Formats.parse("E4M3"), 1).lsbExponent());
    assertEquals(
        -18,
        AccumulatorSpec.of(Formats.parse("float8_e4m3fn"), Formats.parse("float8_e4m3fn"), 1)
            .lsbExponent());
    assertEquals(
        -32,
        AccumulatorSpec.of(Formats.parse("float8_e5m2"), Formats.parse("float8_e5m2"), 1)
            .lsbExponent());
    assertEquals(
        -2, AccumulatorSpec.of(Formats.parse("E2M1"), Formats.parse("E2M1"), 1).lsbExponent());
    assertEquals(
        0, AccumulatorSpec.of(Formats.parse("INT8"), Formats.parse("INT4"), 1).lsbExponent());
    assertEquals(
        -9,
        AccumulatorSpec.of(Formats.parse("float8_e4m3fn"), Formats.parse("INT8"), 1).lsbExponent());
    // subnormals off uses the same lsb as subnormals on
    assertEquals(
        -18,
        AccumulatorSpec.of(Formats.parse("E4M3:subnormals=off"), Formats.parse("E4M3"), 1)
            .lsbExponent());
  }

  @Test
  void knownGeometries() {
    // INT8 x INT8: max |p| = 128*128 = 2^14 -> 15 bits
    AccumulatorSpec i8 = AccumulatorSpec.of(Formats.parse("INT8"), Formats.parse("INT8"), 1);
    assertEquals(15, i8.productBits());
    assertEquals(16, i8.width());
    // E2M1 x E2M1: max 6 = 12 * 2^-1 -> 12*12 = 144 -> 8 bits
    AccumulatorSpec e2 = AccumulatorSpec.of(Formats.parse("E2M1"), Formats.parse("E2M1"), 16);
    assertEquals(8, e2.productBits());
    assertEquals(4, e2.guardBits());
    assertEquals(13, e2.width());
    // float8_e4m3fn: 448 = 448*2^9 units = 229376 (18 bits) -> product 36 bits
    AccumulatorSpec fn =
        AccumulatorSpec.of(Formats.parse("float8_e4m3fn"), Formats.parse("float8_e4m3fn"), 32);
    assertEquals(36, fn.productBits());
    assertEquals(36 + 5 + 1, fn.width());
    assertTrue(fn.hasSpecials());
    assertFalse(AccumulatorSpec.of(Formats.parse("E4M3"), Formats.parse("INT8"), 1).hasSpecials());
    assertTrue(
        AccumulatorSpec.of(Formats.parse("INT8"), Formats.parse("float8_e4m3fnuz"), 1)
            .hasSpecials());
  }

  @Test
  void guardBitsIsCeilLog2() {
    NumberFormat f = Formats.parse("INT4");
    int[][] cases = {
      {1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {1024, 10}, {1025, 11}
    };
    for (int[] c : cases) {
      AccumulatorSpec s = AccumulatorSpec.of(f, f, c[0]);
      assertEquals(c[1], s.guardBits(), "terms " + c[0]);
      assertEquals(c[0], s.terms());
      assertEquals(s.productBits() + c[1] + 1, s.width());
    }
    assertThrows(IllegalArgumentException.class, () -> AccumulatorSpec.of(f, f, 0));
  }

  @Test
  void widthHoldsWorstCaseSumOfTerms() {
    // terms copies of the most negative and most positive product must fit in width bits.
    for (NumberFormat[] p : pairs()) {
      for (int terms : new int[] {1, 3, 4, 7}) {
        AccumulatorSpec s = AccumulatorSpec.of(p[0], p[1], terms);
        BigInteger maxP = BigInteger.ONE.shiftLeft(s.productBits()).subtract(BigInteger.ONE);
        BigInteger worst = maxP.multiply(BigInteger.valueOf(terms));
        assertTrue(worst.bitLength() + 1 <= s.width());
      }
    }
  }
}
