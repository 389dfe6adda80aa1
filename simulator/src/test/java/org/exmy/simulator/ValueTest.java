package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ValueTest {

  @Test
  void normalizationAndToString() {
    Value v = Value.finite(BigInteger.valueOf(448), 0);
    assertEquals(BigInteger.valueOf(7), v.significand());
    assertEquals(6, v.exponent());
    assertEquals("448", v.toString());
    assertEquals("0.001953125", Value.finite(BigInteger.ONE, -9).toString());
    assertEquals("-1.5", Value.finite(BigInteger.valueOf(-3), -1).toString());
    assertEquals("0", Value.finite(BigInteger.ZERO, 5).toString());
    assertEquals("-0", Value.zero(true).toString());
    assertEquals("nan", Value.nan().toString());
    assertEquals("inf", Value.inf(false).toString());
    assertEquals("-inf", Value.inf(true).toString());
    assertEquals(new BigDecimal("0.001953125"), Value.finite(BigInteger.ONE, -9).toBigDecimal());
    assertEquals(Math.scalb(1.0, -100), Value.finite(BigInteger.ONE, -100).toDouble());
  }

  @Test
  void equality() {
    assertEquals(Value.finite(BigInteger.valueOf(6), 0), Value.finite(BigInteger.valueOf(3), 1));
    assertEquals(Value.zero(true), Value.zero(false)); // documented: +0 equals -0
    assertTrue(Value.zero(true).isNegativeZero());
    assertFalse(Value.zero(false).isNegativeZero());
    assertEquals(Value.nan(), Value.nan());
    assertNotEquals(Value.inf(true), Value.inf(false));
    assertNotEquals(Value.finite(BigInteger.ONE, 0), Value.finite(BigInteger.ONE, 1));
    assertEquals(-0.0, Value.zero(true).toDouble());
    assertEquals(
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Value.zero(true).toDouble()));
  }

  @Test
  void nonFiniteAccessorsThrow() {
    assertThrows(ArithmeticException.class, () -> Value.nan().toBigDecimal());
    assertThrows(ArithmeticException.class, () -> Value.inf(true).significand());
    assertThrows(ArithmeticException.class, () -> Value.inf(false).exponent());
    assertTrue(Double.isNaN(Value.nan().toDouble()));
    assertEquals(Double.NEGATIVE_INFINITY, Value.inf(true).toDouble());
  }
}
