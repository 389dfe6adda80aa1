package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MX element rounding with ties away from zero (microxcaling's default) against hand-derived
 * values.
 */
class MxTiesAwayTest {
  private static double[] values(MxFormat f, MxFormat.Block b) {
    double[] v = new double[b.codes().length];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.value(b.scaleCode(), b.codes()[i]);
    }
    return v;
  }

  @Test
  void mxfp4TiesGoAwayFromZero() {
    MxFormat f = MxFormat.parse("MXFP4_E2M1");
    // amax 6: X = floor(log2 6) - 2 = 0; E2M1 values 0, 0.5, 1, 1.5, 2, 3, 4, 6
    double[] x = {6, 0.25, 0.75, 1.25, 2.5, 5, -0.25, -2.5, 1.75, 0.3, 3.4};
    // ties to even: 0.25 -> 0, 0.75 -> 1, 1.25 -> 1, 2.5 -> 2, 5 -> 4, 1.75 -> 2 (1.5 has an odd
    // mantissa)
    double[] even = {6, 0, 1, 1, 2, 4, -0.0, -2, 2, 0.5, 3};
    double[] away = {6, 0.5, 1, 1.5, 3, 6, -0.5, -3, 2, 0.5, 3};
    assertArrayEquals(even, values(f, f.quantize(x, 0, x.length)));
    assertArrayEquals(even, values(f, f.quantize(x, 0, x.length, false)));
    assertArrayEquals(away, values(f, f.quantize(x, 0, x.length, true)));
  }

  @Test
  void mxint8TiesGoAwayFromZero() {
    MxFormat f = MxFormat.parse("MXINT8");
    // amax 1.5: X = 0; elements are multiples of 2^-6: 0.5/64 ties between 0 and 1/64
    double[] x = {1.5, 0.5 / 64, 1.5 / 64, -2.5 / 64, 2.5 / 64 + 1e-9};
    double[] away = {1.5, 1.0 / 64, 2.0 / 64, -3.0 / 64, 3.0 / 64};
    double[] even = {1.5, 0, 2.0 / 64, -2.0 / 64, 3.0 / 64};
    assertArrayEquals(away, values(f, f.quantize(x, 0, x.length, true)));
    assertArrayEquals(even, values(f, f.quantize(x, 0, x.length, false)));
  }

  /** Off the midpoints the two modes agree; at a midpoint ties-away takes the larger magnitude. */
  @Test
  void onlyExactMidpointsDiffer() {
    Random r = new Random(9);
    int ties = 0;
    for (String name :
        new String[] {"MXFP8_E4M3", "MXFP8_E5M2", "MXFP6_E3M2", "MXFP6_E2M3", "MXFP4_E2M1"}) {
      MxFormat f = MxFormat.parse(name);
      for (int t = 0; t < 300; t++) {
        double[] x = new double[32];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextGaussian() * Math.exp(r.nextGaussian());
        }
        MxFormat.Block e = f.quantize(x, 0, 32, false);
        MxFormat.Block a = f.quantize(x, 0, 32, true);
        assertEquals(e.scaleCode(), a.scaleCode());
        double[] ve = values(f, e);
        double[] va = values(f, a);
        for (int i = 0; i < 32; i++) {
          double y = x[i];
          if (ve[i] != va[i]) {
            ties++;
            assertEquals(Math.abs(y), (Math.abs(ve[i]) + Math.abs(va[i])) / 2, 0.0, name + " " + y);
            assertTrue(Math.abs(va[i]) > Math.abs(ve[i]));
          }
        }
      }
    }
    assertEquals(0, ties, "random Gaussian data never lands exactly on a midpoint");
  }
}
