package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class MacModelTest {

  @Test
  void wrapsPastWidthLikeHardware() {
    NumberFormat i8 = Formats.parse("INT8");
    MacModel mac = new MacModel(i8, i8, 1); // width 16
    assertEquals(16, mac.geometry().width());
    mac.step(false, true, 127, 127); // 16129
    mac.step(false, true, 127, 127); // 32258
    assertEquals(BigInteger.valueOf(32258), mac.accumulator());
    mac.step(false, true, 127, 127); // 48387 -> 48387 - 65536
    assertEquals(BigInteger.valueOf(-17149), mac.accumulator());
    assertEquals(BigInteger.valueOf(48387), mac.accumulatorBits());
    assertEquals("-17149", mac.result().toString());
    // negative wrap: -128*127 = -16256, three times = -48768 -> +16768
    mac.reset();
    for (int i = 0; i < 3; i++) {
      mac.step(false, true, 0x80, 127);
    }
    assertEquals(BigInteger.valueOf(16768), mac.accumulator());
    assertEquals(BigInteger.valueOf(16768), mac.accumulatorBits());
  }

  @Test
  void clearValidAndFlags() {
    NumberFormat e5 = Formats.parse("float8_e5m2");
    MacModel mac = new MacModel(e5, e5, 8);
    mac.step(false, true, 0x3C, 0x40); // 1 * 2
    assertEquals("2", mac.result().toString());
    mac.step(false, false, 0x7C, 0x00); // not valid: ignored
    assertFalse(mac.nanFlag());
    assertEquals("2", mac.result().toString());
    mac.step(false, true, 0x7C, 0x3C); // +inf
    assertTrue(mac.posInfFlag());
    assertEquals("inf", mac.result().toString());
    mac.step(false, true, 0xFC, 0x3C); // -inf
    assertTrue(mac.negInfFlag());
    assertEquals("nan", mac.result().toString()); // +inf + -inf
    assertFalse(mac.nanFlag());
    mac.step(true, true, 0x3C, 0xBC); // clear and load -1
    assertFalse(mac.posInfFlag());
    assertFalse(mac.negInfFlag());
    assertEquals("-1", mac.result().toString());
    mac.step(false, true, 0x7C, 0x00); // inf * 0 -> NaN
    assertTrue(mac.nanFlag());
    assertEquals("nan", mac.result().toString());
    mac.step(true, false, 0, 0); // clear only
    assertFalse(mac.nanFlag());
    assertEquals("0", mac.result().toString());
    assertEquals(BigInteger.ZERO, mac.accumulatorBits());
    mac.step(false, true, 0x01, 0x01); // 2^-16 * 2^-16
    assertEquals(BigInteger.ONE, mac.accumulator());
    assertEquals(Value.finite(BigInteger.ONE, -32), mac.result());
    mac.reset();
    assertEquals(BigInteger.ZERO, mac.accumulator());
  }

  @Test
  void dotProducts() {
    NumberFormat e2 = Formats.parse("E2M1");
    // 6*6 + 0.5*(-4) + 1.5*3 = 36 - 2 + 4.5 = 38.5
    assertEquals(
        "38.5",
        MacModel.dot(e2, new int[] {0x7, 0x1, 0x3}, e2, new int[] {0x7, 0xE, 0x5}).toString());
    assertEquals("0", MacModel.dot(e2, new int[0], e2, new int[0]).toString());
    NumberFormat fn = Formats.parse("float8_e4m3fn");
    assertTrue(MacModel.dot(fn, new int[] {0x38, 0x7F}, fn, new int[] {0x38, 0x38}).isNaN());
    assertThrows(
        IllegalArgumentException.class,
        () -> MacModel.dot(e2, new int[] {1}, e2, new int[] {1, 2}));
  }
}
