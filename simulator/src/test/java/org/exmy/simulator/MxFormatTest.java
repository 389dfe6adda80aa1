package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * E8M0 against ml_dtypes' table, and MX block quantization against an independent model written
 * from the OCP MX v1.0 text (element values from the spec's formulas, emax from its tables, the
 * nearest element by exact BigDecimal search with ties to the even code, saturation to max normal).
 */
class MxFormatTest {

  // ------------------------------------------------------------------ E8M0 vs ml_dtypes

  @Test
  void e8m0MatchesMlDtypesTable() throws Exception {
    int checked = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                MxFormatTest.class.getResourceAsStream("/mx/e8m0_ml_dtypes.csv"),
                StandardCharsets.US_ASCII))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] p = line.split(",");
        if (p[0].startsWith("d") && p[0].length() <= 4) {
          int code = Integer.parseInt(p[0].substring(1));
          float want = Float.intBitsToFloat((int) Long.parseLong(p[1], 16));
          double got = E8M0.toDouble(code);
          if (Float.isNaN(want)) {
            assertTrue(Double.isNaN(got) && E8M0.decode(code).isNaN(), "decode " + code);
          } else {
            assertEquals((double) want, got, "decode " + code);
            assertEquals(
                0,
                new BigDecimal(want).compareTo(E8M0.decode(code).toBigDecimal()),
                "decode " + code);
          }
        } else {
          float x = Float.intBitsToFloat((int) Long.parseLong(p[0], 16));
          assertEquals(Integer.parseInt(p[1]), E8M0.encode(x), "encode " + x + " (0x" + p[0] + ")");
        }
        checked++;
      }
    }
    assertEquals(2307 + 256, checked);
  }

  @Test
  void e8m0Names() {
    assertTrue(E8M0.isName("E8M0") && E8M0.isName(" float8_e8m0fnu "));
    assertEquals(127, E8M0.codeOfExponent(0));
    assertThrows(IllegalArgumentException.class, () -> E8M0.codeOfExponent(128));
    assertThrows(IllegalArgumentException.class, () -> E8M0.decode(256));
  }

  // ------------------------------------------------------------------ names

  @Test
  void namesAndBlocks() {
    MxFormat f = MxFormat.parse("mxfp4_e2m1");
    assertEquals("MXFP4_E2M1", f.name());
    assertEquals(32, f.blockSize());
    assertEquals(2, f.emax());
    assertEquals(16, MxFormat.parse("MXFP8_E4M3:block=16").blockSize());
    assertEquals("MXFP8_E4M3:block=16", MxFormat.parse("MXFP8_E4M3:block=16").name());
    MxFormat e = MxFormat.parse("E4M3:block=64");
    assertEquals("E4M3:block=64", e.name());
    assertEquals(8, e.emax()); // plain E4M3: max 480 = 1.875 * 2^8
    assertEquals(MxFormat.parse("MXINT8").element(), MxFormat.parse("INT8:block=32").element());
    assertEquals("INT8:block=32", MxFormat.parse("int8:block=32").name()); // never just "INT8"
    assertEquals("MXINT8", MxFormat.parse("MXINT8:block=32").name());
    assertEquals(-6, MxFormat.parse("MXINT8").implicitExponent());
    assertEquals(15, MxFormat.parse("MXFP8_E5M2").emax());
    assertEquals(4, MxFormat.parse("MXFP6_E3M2").emax());
    assertEquals(2, MxFormat.parse("MXFP6_E2M3").emax());
    for (String bad :
        List.of(
            "E4M3:block=3",
            "E4M3:block=2048",
            "E4M3:block=1",
            "E4M3:block=x",
            "UINT8:block=32",
            "MXFP4_E2M1:bias=3",
            "E9M9:block=32",
            "E4M3:block=8:block=8")) {
      FormatException ex = assertThrows(FormatException.class, () -> MxFormat.parse(bad), bad);
      assertTrue(
          ex.getMessage().contains(bad.trim()) || ex.getMessage().contains("block"),
          ex.getMessage());
    }
    assertTrue(!MxFormat.isMx("E4M3") && MxFormat.isMx("mxint8") && MxFormat.isMx("INT4:block=8"));
  }

  // ------------------------------------------------------------------ the spec model

  /** An element type as the spec tabulates it. */
  record Spec(String mx, int e, int m, int bias, int emax, boolean int8) {
    /** Every finite value with its code, by the spec's formulas (NaN / inf codes left out). */
    List<BigDecimal[]> values() {
      List<BigDecimal[]> out = new ArrayList<>();
      if (int8) {
        for (int c = -128; c < 128; c++) {
          out.add(
              new BigDecimal[] {
                new BigDecimal(c).divide(BigDecimal.valueOf(64)), BigDecimal.valueOf(c & 0xff)
              });
        }
        return out;
      }
      int bits = 1 + e + m;
      for (int code = 0; code < (1 << bits); code++) {
        int s = code >> (e + m);
        int ef = (code >> m) & ((1 << e) - 1);
        int mf = code & ((1 << m) - 1);
        if (mx.equals("MXFP8_E4M3") && ef == 15 && mf == 7) {
          continue; // NaN
        }
        if (mx.equals("MXFP8_E5M2") && ef == 31) {
          continue; // inf / NaN
        }
        BigDecimal frac = new BigDecimal(mf).divide(new BigDecimal(1 << m));
        BigDecimal mag =
            ef == 0
                ? pow2(1 - bias).multiply(frac)
                : pow2(ef - bias).multiply(BigDecimal.ONE.add(frac));
        out.add(new BigDecimal[] {s == 1 ? mag.negate() : mag, BigDecimal.valueOf(code)});
      }
      return out;
    }
  }

  static final List<Spec> SPECS =
      List.of(
          new Spec("MXFP8_E4M3", 4, 3, 7, 8, false), new Spec("MXFP8_E5M2", 5, 2, 15, 15, false),
          new Spec("MXFP6_E3M2", 3, 2, 3, 4, false), new Spec("MXFP6_E2M3", 2, 3, 1, 2, false),
          new Spec("MXFP4_E2M1", 2, 1, 1, 2, false), new Spec("MXINT8", 0, 0, 0, 0, true));

  static BigDecimal pow2(int k) {
    return k >= 0
        ? new BigDecimal(BigInteger.ONE.shiftLeft(k))
        : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-k)));
  }

  /**
   * The spec's result for one block: the scale exponent (or null for NaN) and the element values.
   */
  static Object[] oracle(Spec sp, double[] x) {
    BigDecimal amax = BigDecimal.ZERO;
    for (double v : x) {
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return new Object[] {null, null};
      }
      amax = amax.max(new BigDecimal(v).abs());
    }
    if (amax.signum() == 0) {
      BigDecimal[] z = new BigDecimal[x.length];
      java.util.Arrays.fill(z, BigDecimal.ZERO);
      return new Object[] {-127, z};
    }
    int fl = 0; // floor(log2(amax)) by comparison with powers of two
    while (pow2(fl).compareTo(amax) > 0) {
      fl--;
    }
    while (pow2(fl + 1).compareTo(amax) <= 0) {
      fl++;
    }
    int xs = Math.max(-127, Math.min(127, fl - sp.emax()));
    List<BigDecimal[]> vals = sp.values();
    BigDecimal max = vals.stream().map(a -> a[0]).max(BigDecimal::compareTo).get();
    BigDecimal[] out = new BigDecimal[x.length];
    for (int i = 0; i < x.length; i++) {
      BigDecimal y = new BigDecimal(x[i]).divide(pow2(xs));
      if (y.abs().compareTo(max) > 0) {
        out[i] = y.signum() > 0 ? max : max.negate(); // clamp to max normal
        continue;
      }
      BigDecimal best = null;
      BigDecimal bestD = null;
      int bestCode = 0;
      for (BigDecimal[] c : vals) {
        BigDecimal d = c[0].subtract(y).abs();
        int code = c[1].intValue();
        int cmp = bestD == null ? -1 : d.compareTo(bestD);
        // a tie goes to the even code (even mantissa; for INT8 the even integer)
        if (cmp < 0 || (cmp == 0 && c[0].compareTo(best) != 0 && (code & 1) == 0)) {
          best = c[0];
          bestD = d;
          bestCode = code;
        }
      }
      out[i] = best;
    }
    return new Object[] {xs, out};
  }

  static void check(Spec sp, MxFormat f, double[] x) {
    Object[] want = oracle(sp, x);
    MxFormat.Block b = f.quantize(x, 0, x.length);
    String where = sp.mx() + " " + java.util.Arrays.toString(x);
    if (want[0] == null) {
      assertEquals(E8M0.NAN, b.scaleCode(), where);
      for (int c : b.codes()) {
        assertTrue(Double.isNaN(f.value(b.scaleCode(), c)), where);
      }
      return;
    }
    assertEquals((int) (Integer) want[0] + 127, b.scaleCode(), where);
    BigDecimal[] w = (BigDecimal[]) want[1];
    for (int i = 0; i < x.length; i++) {
      double got = f.value(b.scaleCode(), b.codes()[i]);
      BigDecimal wantV = w[i].multiply(pow2((Integer) want[0]));
      assertEquals(
          0,
          wantV.compareTo(new BigDecimal(got)),
          where + " element " + i + ": " + wantV + " vs " + got);
    }
  }

  @Test
  void edgeCasesMatchTheSpecModel() {
    for (Spec sp : SPECS) {
      MxFormat f = MxFormat.parse(sp.mx());
      double nan = Double.NaN;
      double inf = Double.POSITIVE_INFINITY;
      List<double[]> cases =
          List.of(
              new double[] {0, 0, -0.0, 0},
              new double[] {1, nan, 2},
              new double[] {1, -inf, 2},
              new double[] {inf},
              new double[] {1, 2, 4, 8},
              new double[] {448, -448, 1, 0.001},
              new double[] {511, 480, 464, 449, 1}, // E4M3: 2^8 * 1.99 clamps to 448
              new double[] {57344, 61440, 65535, -65535}, // E5M2 saturation
              new double[] {7.5, 7.75, 6, 3.25, -3.75}, // E2M3 ties and clamp
              new double[] {
                6, 5, 2.5, 1.25, 0.75, 0.25, -5
              }, // E2M1 ties (5 -> 4, 2.5 -> 2, 0.25 -> 0)
              new double[] {
                1.9921875, 1.0078125, -1.0078125, 0.0234375, -2.0
              }, // INT8 ties (1/128 steps)
              new double[] {
                Math.scalb(1.0, -140), Math.scalb(1.5, -149), -Math.scalb(1.0, -133)
              }, // X clamps at -127
              new double[] {Math.scalb(1.0, 200), 3, -Math.scalb(1.5, 199)}, // X clamps at 127
              new double[] {Math.scalb(1.0, -127), Math.scalb(1.0, -128)},
              new double[] {-0.3, 0.1, 1e-30, 12345.678});
      for (double[] x : cases) {
        check(sp, f, x);
      }
    }
  }

  @Test
  void randomBlocksMatchTheSpecModel() {
    SplittableRandom rnd = new SplittableRandom(14);
    for (Spec sp : SPECS) {
      MxFormat f = MxFormat.parse(sp.mx());
      for (int t = 0; t < 300; t++) {
        int len = 1 + rnd.nextInt(32);
        double[] x = new double[len];
        int base = rnd.nextInt(-40, 40);
        for (int i = 0; i < len; i++) {
          double v =
              rnd.nextInt(4) == 0
                  ? Math.scalb(
                      (double) (rnd.nextInt(1, 1 << 8)),
                      base - 8 + rnd.nextInt(-12, 4)) // on-grid, ties
                  : (float) (rnd.nextDouble(-1, 1) * Math.scalb(1.0, base + rnd.nextInt(-20, 2)));
          x[i] = rnd.nextInt(10) == 0 ? 0 : v;
        }
        check(sp, f, x);
      }
    }
  }

  @Test
  void blockLengthChecked() {
    MxFormat f = MxFormat.parse("MXFP4_E2M1:block=4");
    assertThrows(IllegalArgumentException.class, () -> f.quantize(new double[5], 0, 5));
  }
}
