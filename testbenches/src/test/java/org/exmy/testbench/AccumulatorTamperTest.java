package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.Predicate;
import org.exmy.mac.MacCore;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Value;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cross-check catches a rounding accumulator that is wrong in one place. Each test changes one
 * line of the generated Verilog and predicts, from the operand values alone, on how many of the
 * operand pairs the core must then differ from the model (each step of the exhaustive run clears
 * the register, so a step shows exactly its own products, rounded).
 */
class AccumulatorTamperTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  /**
   * Mismatches of the exhaustive pairs through {@code core}'s Verilog with {@code from} replaced by
   * {@code to}.
   */
  private static CrossCheck.Report tampered(MacCore core, String from, String to) {
    String good = core.verilog();
    // a space in the pattern matches any whitespace: the emitter folds long lines
    String bad = good.replaceAll(from.replace(" ", "\\s+"), to);
    assertNotEquals(good, bad, "tamper target " + from + " not found in:\n" + good);
    try (CrossCheck cc = new CrossCheck(core, bad)) {
      return cc.exhaustivePairs();
    }
  }

  /**
   * Operand pairs of {@code a x b} whose exact product (both operands finite) satisfies {@code p}.
   */
  private static long pairs(String a, String b, Predicate<BigDecimal> p) {
    NumberFormat fa = Formats.parse(a);
    NumberFormat fb = Formats.parse(b);
    long n = 0;
    for (int ca = 0; ca < fa.codeCount(); ca++) {
      Value va = fa.decode(ca);
      for (int cb = 0; cb < fb.codeCount(); cb++) {
        Value vb = fb.decode(cb);
        if (va.isFinite()
            && vb.isFinite()
            && p.test(va.toBigDecimal().multiply(vb.toBigDecimal()))) {
          n++;
        }
      }
    }
    return n;
  }

  /** {@code x * 2^k}, which must be an integer. */
  private static BigInteger units(BigDecimal x, int k) {
    BigDecimal s =
        k >= 0 ? x.multiply(BigDecimal.valueOf(2).pow(k)) : x.divide(BigDecimal.valueOf(2).pow(-k));
    return s.toBigIntegerExact();
  }

  /**
   * Round half up (away from zero on the magnitude) instead of half to even: the products of INT8 x
   * INT8 rounded to multiples of 16 differ exactly on the ties whose truncated magnitude is even,
   * |ab| mod 32 = 8.
   */
  @Test
  void fixedHalfUpInsteadOfHalfEvenIsCaught() {
    MacCore core = AccumulatorProofs.core("INT8|INT8|1|fixed:4:16:rne|none");
    long predicted =
        pairs("INT8", "INT8", p -> units(p.abs(), 0).mod(BigInteger.valueOf(32)).intValue() == 8);
    assertEquals(4096, predicted, "a tie every 32 of |ab|, counted over the 65,536 pairs");
    CrossCheck.Report r =
        tampered(
            core, "rnd_up = rnd_guard & \\(rnd_sticky \\| rnd_q\\[0\\]\\);", "rnd_up = rnd_guard;");
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  /**
   * Floor of a negative product done as truncation (-q instead of -(q + 1)): wrong exactly on the
   * negative products that are not multiples of 16.
   */
  @Test
  void fixedFloorTruncatingTowardZeroIsCaught() {
    MacCore core = AccumulatorProofs.core("INT8|INT8|1|fixed:4:16:floor|none");
    long predicted =
        pairs(
            "INT8",
            "INT8",
            p -> p.signum() < 0 && units(p.abs(), 0).mod(BigInteger.valueOf(16)).signum() != 0);
    CrossCheck.Report r =
        tampered(core, "rnd_cin = prod_neg & \\(~rnd_inexact\\);", "rnd_cin = prod_neg;");
    assertTrue(predicted > 0);
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  /**
   * A dot core whose lane 0 never rounds up: wrong exactly where lane 0's product, in units of the
   * register's 2^-8 (E4M3 products are multiples of 2^-18: 10 bits dropped), has a remainder above
   * half, or exactly half with an odd quotient (floor-based, on the two's complement value). Lane 0
   * sees every pair once; 40 bits never saturate.
   */
  @Test
  void aDotLaneThatNeverRoundsUpIsCaught() {
    MacCore core = AccumulatorProofs.core("E4M3|E4M3|4|fixed:-8:40:rne|none");
    long predicted =
        pairs(
            "E4M3",
            "E4M3",
            p -> {
              BigInteger[] qr = units(p, 18).divideAndRemainder(BigInteger.valueOf(1024));
              BigInteger q = qr[0];
              BigInteger r = qr[1];
              if (r.signum() < 0) { // floor division
                r = r.add(BigInteger.valueOf(1024));
                q = q.subtract(BigInteger.ONE);
              }
              return r.intValue() > 512 || (r.intValue() == 512 && q.testBit(0));
            });
    assertTrue(predicted > 0);
    CrossCheck.Report r = tampered(core, "(wire\\s+lane0_up = )[^;]+;", "$11'b0;");
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  // float8_e5m2 x float8_e5m2 into FP16: every product is a 6-bit significand times a power of two,
  // exact in FP16 from 2^-14 up (11 bits) and a multiple of 2^-32. Below 2^-14 the result is
  // subnormal and rounds to a multiple of 2^-24. With n = |p| * 2^32, bit 8 of n is that LSB,
  // bit 7 the guard, bit 6 the next (round) bit, bits 5..0 the rest.

  /** Half up instead of half even: wrong on the exact ties (n mod 256 = 128) with an even LSB. */
  @Test
  void floatHalfUpInsteadOfHalfEvenIsCaught() {
    MacCore core = AccumulatorProofs.core("float8_e5m2|float8_e5m2|1|fp16|none");
    long predicted =
        pairs(
            "float8_e5m2",
            "float8_e5m2",
            p -> {
              BigInteger n = units(p.abs(), 32);
              return n.signum() != 0 && n.bitLength() <= 18 && n.intValue() % 512 == 128;
            });
    CrossCheck.Report r =
        tampered(core, "r_up = r_guard & \\(r_sticky \\| r_man\\[0\\]\\);", "r_up = r_guard;");
    assertTrue(predicted > 0);
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  /**
   * No alignment sticky bit. The register (+0 after each clear) sits at the smallest normal
   * exponent, 2^-14; a product below 2^-14 is aligned to it in an 11-bit window (2^-14 .. 2^-24)
   * plus guard (2^-25) and round (2^-26) bits, and its bits from 2^-27 down only reach the sticky
   * bit. Without it, a product just above a tie (guard 1, round 0, lower bits non-zero) looks like
   * a tie and goes to even: wrong when the LSB (bit 8 of n) is even. And a product entirely below
   * 2^-26 becomes an exact zero, +0, where a negative one must round to -0.
   */
  @Test
  void aMissingAlignmentStickyBitIsCaught() {
    MacCore core = AccumulatorProofs.core("float8_e5m2|float8_e5m2|1|fp16|none");
    long predicted =
        pairs(
            "float8_e5m2",
            "float8_e5m2",
            p -> {
              BigInteger n = units(p.abs(), 32);
              int low = n.intValue() & 0x1ff;
              boolean aboveTie = n.bitLength() <= 18 && (low & 0x1c0) == 0x080 && (low & 0x3f) != 0;
              boolean negativeZero = p.signum() < 0 && n.bitLength() <= 6;
              return aboveTie || negativeZero;
            });
    CrossCheck.Report r = tampered(core, "(wire\\s+align_sticky = )[^;]+;", "$11'b0;");
    assertTrue(predicted > 0);
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  /**
   * No rounding sticky (the OR of everything below the guard): every product above a tie below
   * 2^-14 (guard 1, any lower bit set) is taken for a tie: wrong when the LSB is even.
   */
  @Test
  void aMissingRoundingStickyBitIsCaught() {
    MacCore core = AccumulatorProofs.core("float8_e5m2|float8_e5m2|1|fp16|none");
    long predicted =
        pairs(
            "float8_e5m2",
            "float8_e5m2",
            p -> {
              BigInteger n = units(p.abs(), 32);
              int low = n.intValue() & 0x1ff;
              return n.bitLength() <= 18 && (low & 0x180) == 0x080 && (low & 0x7f) != 0;
            });
    CrossCheck.Report r = tampered(core, "(wire\\s+r_sticky = )[^;]+;", "$11'b0;");
    assertTrue(predicted > 0);
    assertEquals(predicted, r.mismatches(), r::toString);
  }

  /**
   * The model-free oracle catches a rounding bug too: 256 largest E4M3 products (480^2 = 225 *
   * 2^10) summed in E8M9 (10 significant bits) round from the fifth on, and with ties to even
   * against half up the sums part on 32 of the 256 cycles of the positive run (the count of an
   * exact rational simulation of both rules), as many in the negative run, none in the alternating
   * one (p, 0, p, 0, ... is exact). BF16 or FP32 would not do: their sums of this product never tie
   * before they stop growing or stay exact.
   */
  @Test
  void theWorstCaseOracleCatchesHalfUpRoundingWithoutTheModel() {
    MacCore core = AccumulatorProofs.core("E4M3|E4M3|1|e8m9|none");
    String bad =
        core.verilog()
            .replaceAll("r_up = r_guard & \\(r_sticky \\| r_man\\[0\\]\\);", "r_up = r_guard;");
    assertNotEquals(core.verilog(), bad);
    assertTrue(WorstCaseOracle.check(core).passed());
    CrossCheck.Report r =
        WorstCaseOracle.check(core, bad, core.spec().terms(), core.geometry().lsbExponent());
    assertEquals(64, r.mismatches(), r::toString);
  }
}
