package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code exmy quantize} with E8M0 and MX formats; expected values derived by hand from the OCP MX
 * rules.
 */
class QuantizeMxTest {

  @Test
  void mxBlockPerLine() {
    // amax 8: X = floor(log2 8) - emax(E2M1) = 3 - 2 = 1; x / 2 = 0.5 1 1.5 2 2.5 3 3.5 4;
    // E2M1 grid 0 0.5 1 1.5 2 3 4 6: 2.5 -> 2 and 3.5 -> 4 (ties to the even code); times 2
    CliTest.Run r = CliTest.run("1 2 3 4 5 6 7 8\n0,0\n1 nan\n", "quantize", "MXFP4_E2M1:block=8");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        List.of(
            "block,scale_code,scale,codes,values",
            "0,0x80,2,0x1 0x2 0x3 0x4 0x4 0x5 0x6 0x6,1.0 2.0 3.0 4.0 4.0 6.0 8.0 8.0",
            "1,0x00,"
                + new java.math.BigDecimal(Math.scalb(1.0, -127)).toPlainString()
                + ",0x0 0x0,0.0 0.0",
            "2,0xff,nan,0x0 0x0,NaN NaN"),
        r.lines());
    // MXINT8: amax 1 -> X = 0; 0.5 * 64 = 32 (0x20); -1 * 64 = -64 (0xc0)
    CliTest.Run i = CliTest.run("0.5 -1\n", "quantize", "MXINT8");
    assertEquals(
        List.of("block,scale_code,scale,codes,values", "0,0x7f,1,0x20 0xc0,0.5 -1.0"), i.lines());
  }

  @Test
  void e8m0ValuePerLine() {
    CliTest.Run r = CliTest.run("1.5\n3\n1\n0\n-2\n", "quantize", "float8_e8m0fnu");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        List.of(
            "input,code,value", "1.5,0x80,2", "3,0x81,4", "1,0x7f,1", "0,0xff,nan", "-2,0xff,nan"),
        r.lines());
  }

  @Test
  void badBlocksAreReportedAndTheRestConverted() {
    CliTest.Run r = CliTest.run("1 x\n1 2 3\n4\n", "quantize", "MXFP8_E4M3:block=2");
    assertEquals(2, r.exit());
    assertTrue(
        r.err().contains("line 1:")
            && r.err().contains("line 2: 3 values, more than the block size 2"),
        r.err());
    // 4: X = 2 - 8 = -6; 4 * 64 = 256 = 1.0 * 2^8: code 0 1111 000 = 0x78
    assertEquals(
        List.of("block,scale_code,scale,codes,values", "0,0x79,0.015625,0x78,4.0"), r.lines());
    CliTest.Run b = CliTest.run("", "quantize", "MXFP8_E4M3:block=5");
    assertEquals(2, b.exit());
    assertTrue(b.err().startsWith("exmy: error: MX block size must be a power of two"), b.err());
  }
}
