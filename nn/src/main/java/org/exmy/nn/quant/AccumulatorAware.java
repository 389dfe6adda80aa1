package org.exmy.nn.quant;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.simulator.AccumulatorKind;

/**
 * Accumulator-aware weight rounding (docs/quantization.md "Quantization semantics", {@code
 * --acc-aware}; the guarantee of Brevitas' AxE, by a simpler greedy): the quantized weights of
 * every output channel are moved toward zero on the weight format's grid until no input the
 * activation format can represent can overflow the narrowed fixed-point accumulator.
 *
 * <p>The guarantee. A channel's products are {@code p_k = w_k · x_k · 2^(lw + la)} with {@code
 * w_k}, {@code x_k} the fixed operands (integers, units {@code 2^lw}, {@code 2^la}) and {@code
 * |x_k| ≤ X} (the activation format's largest; activations saturate). The accumulator adds each
 * product rounded to its LSB {@code 2^l} (to nearest or down), so each addend's magnitude is at
 * most {@code c_k = ceil(|w_k| · X · 2^(lw + la - l))} LSBs, and every partial sum of a channel is
 * at most {@code Σ c_k}. When {@code Σ c_k ≤ 2^(W-1) - 1} for a W-bit two's-complement accumulator,
 * no sum and no partial sum, in any order and any lane grouping, leaves its range.
 *
 * <p>The rounding. While a channel's {@code Σ c_k} exceeds the bound, the weight whose step to the
 * next grid value toward zero adds the least squared error weighted by its input's calibration
 * second moment {@code E[x_k²]} per LSB of {@code Σ c_k} saved is stepped (to zero when the next
 * grid value saves no LSB; ties: the first in the site's weight order).
 */
final class AccumulatorAware {
  private AccumulatorAware() {}

  /**
   * What the rounding did at one site.
   *
   * @param channels output channels whose weights had to move
   * @param moved weights changed
   * @param worst the largest {@code Σ c_k} of a channel after the rounding, in accumulator LSBs
   * @param bound {@code 2^(W-1) - 1}
   */
  record Report(int channels, int moved, BigInteger worst, BigInteger bound) {}

  /** The grid of a weight format: its distinct finite non-negative fixed operands, ascending. */
  static double[] grid(FormatQuantizer wq) {
    java.util.TreeSet<Double> s = new java.util.TreeSet<>();
    for (int c = 0; c < wq.format().codeCount(); c++) {
      double v = Math.abs(wq.fixedOfCode(c));
      if (Double.isFinite(v)) s.add(v + 0.0);
    }
    double[] g = new double[s.size()];
    int i = 0;
    for (double v : s) g[i++] = v;
    return g;
  }

  /** {@code ceil(|w| · X · 2^shift)} for integers {@code |w|}, {@code X}, exactly. */
  static BigInteger cost(double absW, double maxX, int shift) {
    BigInteger p = BigInteger.valueOf((long) absW).multiply(BigInteger.valueOf((long) maxX));
    if (shift >= 0) return p.shiftLeft(shift);
    BigInteger q = p.shiftRight(-shift);
    return q.shiftLeft(-shift).equals(p) ? q : q.add(BigInteger.ONE);
  }

  /**
   * Constrains {@code fixed} (the site's quantized weights, fixed operands, changed in place).
   *
   * @param channelOf the output channel of each weight
   * @param inputOf the reduction index k of each weight (for {@code secondMoment})
   * @param secondMoment {@code E[x_k²]} per k from calibration, or null (all 1)
   * @param acc the accumulator the site's core has
   * @param original the unrounded weights in fixed-operand units (the rounding's target)
   */
  static Report constrain(
      double[] fixed,
      int[] channelOf,
      int[] inputOf,
      double[] secondMoment,
      int channels,
      FormatQuantizer wq,
      FormatQuantizer aq,
      AccumulatorKind.Fixed acc,
      double[] original) {
    int shift = wq.lsb() + aq.lsb() - acc.lsbExponent();
    double maxX = aq.maxFixed();
    BigInteger bound = BigInteger.ONE.shiftLeft(acc.width() - 1).subtract(BigInteger.ONE);
    double[] grid = grid(wq);
    List<List<Integer>> byChannel = new ArrayList<>();
    for (int c = 0; c < channels; c++) byChannel.add(new ArrayList<>());
    for (int i = 0; i < fixed.length; i++) byChannel.get(channelOf[i]).add(i);
    int movedChannels = 0;
    java.util.BitSet changed = new java.util.BitSet(fixed.length);
    BigInteger worst = BigInteger.ZERO;
    for (int c = 0; c < channels; c++) {
      List<Integer> idx = byChannel.get(c);
      BigInteger sum = BigInteger.ZERO;
      for (int i : idx) sum = sum.add(cost(Math.abs(fixed[i]), maxX, shift));
      boolean any = false;
      if (sum.compareTo(bound) > 0) {
        // the candidate step of each weight, best first (score, then the weight order)
        java.util.PriorityQueue<Step> queue = new java.util.PriorityQueue<>();
        for (int i : idx) {
          Step st = step(i, fixed, original, grid, maxX, shift, secondMoment, inputOf);
          if (st != null) queue.add(st);
        }
        while (sum.compareTo(bound) > 0 && !queue.isEmpty()) {
          Step st = queue.poll();
          fixed[st.index] = st.next + 0.0;
          sum = sum.subtract(st.saved);
          changed.set(st.index);
          any = true;
          Step again = step(st.index, fixed, original, grid, maxX, shift, secondMoment, inputOf);
          if (again != null) queue.add(again);
        }
      }
      if (any) movedChannels++;
      worst = worst.max(sum);
    }
    return new Report(movedChannels, changed.cardinality(), worst, bound);
  }

  /**
   * A weight's step toward zero: its new value, the LSBs it saves, and the error it adds per LSB.
   */
  private record Step(int index, double next, BigInteger saved, double score)
      implements Comparable<Step> {
    @Override
    public int compareTo(Step o) {
      int c = Double.compare(score, o.score);
      return c != 0 ? c : Integer.compare(index, o.index);
    }
  }

  /** The step of weight {@code i} (null when it is zero). */
  private static Step step(
      int i,
      double[] fixed,
      double[] original,
      double[] grid,
      double maxX,
      int shift,
      double[] secondMoment,
      int[] inputOf) {
    double a = Math.abs(fixed[i]);
    if (a == 0) return null;
    int g = Arrays.binarySearch(grid, a);
    double next = grid[(g >= 0 ? g : -g - 1) - 1];
    BigInteger saved = cost(a, maxX, shift).subtract(cost(next, maxX, shift));
    if (saved.signum() == 0) { // the next value costs as many LSBs: zero is the step that saves
      next = 0;
      saved = cost(a, maxX, shift);
    }
    double target = original[i];
    double nv = Math.copySign(next, fixed[i]);
    double m = secondMoment == null ? 1 : Math.max(secondMoment[inputOf[i]], 1e-30);
    double added = m * ((nv - target) * (nv - target) - (fixed[i] - target) * (fixed[i] - target));
    return new Step(i, nv, saved, added / saved.doubleValue());
  }
}
