package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.Test;

class AccumulatorAwareTest {

  /**
   * The largest |Σ_k w_k x_k| (in units of 2^(lw+la)) over every input the activation format can
   * hold: x_k = sign(w_k) · X at every k (each product at its largest magnitude, all of one sign).
   */
  private static BigInteger worstSum(double[] w, int from, int to, double maxX) {
    BigInteger s = BigInteger.ZERO;
    for (int i = from; i < to; i++) {
      s =
          s.add(
              BigInteger.valueOf((long) Math.abs(w[i])).multiply(BigInteger.valueOf((long) maxX)));
    }
    return s;
  }

  private static void check(String wf, String af, long seed) {
    FormatQuantizer wq = new FormatQuantizer(Formats.parse(wf));
    FormatQuantizer aq = new FormatQuantizer(Formats.parse(af));
    int channels = 16;
    int k = 200;
    Random r = new Random(seed);
    double[] original = new double[channels * k];
    double[] fixed = new double[original.length];
    int[] channelOf = new int[original.length];
    int[] inputOf = new int[original.length];
    double[] moment = new double[k];
    for (int j = 0; j < k; j++) moment[j] = 0.1 + r.nextDouble();
    float s = wq.scale(1f, false);
    for (int i = 0; i < original.length; i++) {
      float x = (float) (r.nextGaussian() * (i / k % 4 == 0 ? 0.1 : 0.4)); // some channels small
      x = Math.max(-1f, Math.min(1f, x));
      original[i] = Math.scalb((double) (x / s), -wq.lsb());
      fixed[i] = wq.fixed(x, s);
      channelOf[i] = i / k;
      inputOf[i] = i % k;
    }
    double[] before = fixed.clone();
    // the accumulator: as wide as the median channel's worst sum needs, so that some channels fit
    // and some overflow; its LSB is the product LSB (no product rounding: the worst sum in LSBs is
    // the exact worst sum)
    BigInteger[] worsts = new BigInteger[channels];
    for (int c = 0; c < channels; c++)
      worsts[c] = worstSum(before, c * k, (c + 1) * k, aq.maxFixed());
    BigInteger[] sorted = worsts.clone();
    Arrays.sort(sorted);
    int width = sorted[channels / 2].bitLength();
    int lsb = wq.lsb() + aq.lsb();
    AccumulatorKind.Fixed acc = new AccumulatorKind.Fixed(lsb, width, true, true);
    BigInteger bound = BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE);
    int overflowingBefore = 0;
    for (int c = 0; c < channels; c++) {
      if (worstSum(before, c * k, (c + 1) * k, aq.maxFixed()).compareTo(bound) > 0)
        overflowingBefore++;
    }
    assertTrue(
        overflowingBefore > 0 && overflowingBefore < channels,
        wf
            + ": the test needs some channels that overflow and some that do not, "
            + overflowingBefore);
    AccumulatorAware.Report rep =
        AccumulatorAware.constrain(
            fixed, channelOf, inputOf, moment, channels, wq, aq, acc, original);
    assertEquals(overflowingBefore, rep.channels());
    double[] grid = AccumulatorAware.grid(wq);
    int moved = 0;
    for (int c = 0; c < channels; c++) {
      BigInteger worst = worstSum(fixed, c * k, (c + 1) * k, aq.maxFixed());
      assertTrue(worst.compareTo(bound) <= 0, wf + " channel " + c + ": " + worst + " > " + bound);
      boolean fitted = worstSum(before, c * k, (c + 1) * k, aq.maxFixed()).compareTo(bound) <= 0;
      for (int i = c * k; i < (c + 1) * k; i++) {
        // on the grid, never away from zero, never across it; untouched where nothing overflowed
        assertTrue(Arrays.binarySearch(grid, Math.abs(fixed[i])) >= 0, "off the grid: " + fixed[i]);
        assertTrue(Math.abs(fixed[i]) <= Math.abs(before[i]) && fixed[i] * before[i] >= 0);
        if (fitted) assertEquals(before[i], fixed[i]);
        if (fixed[i] != before[i]) moved++;
      }
    }
    assertEquals(moved, rep.moved());
    assertTrue(rep.worst().compareTo(bound) <= 0);
  }

  @Test
  void noInputCanOverflowTheNarrowedAccumulatorAfterTheRounding() {
    check("INT8", "INT8", 1);
    check("INT4", "INT8", 2);
    check("E4M3", "E4M3", 3);
    check("E2M1", "INT6", 4);
  }

  /** Exact ceilings of |w| · X · 2^shift, for shifts either way. */
  @Test
  void costIsTheExactCeiling() {
    assertEquals(BigInteger.valueOf(12), AccumulatorAware.cost(3, 4, 0));
    assertEquals(BigInteger.valueOf(48), AccumulatorAware.cost(3, 4, 2));
    assertEquals(BigInteger.valueOf(3), AccumulatorAware.cost(3, 4, -2)); // 12/4
    assertEquals(BigInteger.valueOf(2), AccumulatorAware.cost(3, 4, -3)); // ceil(1.5)
    assertEquals(BigInteger.ONE, AccumulatorAware.cost(1, 1, -10));
    assertEquals(BigInteger.ZERO, AccumulatorAware.cost(0, 7, -3));
  }
}
