package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Cycle model of an MX dot-product core ({@link MxCoreSpec}): the exact accumulator register and
 * sticky NaN / +inf / -inf flags. Pipelining does not enter: the model shows what the core's output
 * shows {@code latency} cycles later.
 *
 * <p>Per {@link #step}: when {@code valid} and neither scale code is 0xFF, {@code acc_next = (clear
 * ? 0 : acc) + (sum_i a_i * b_i) * 2^(scaleA + scaleB)} modulo {@code 2^accWidth}, in units of
 * {@code 2^lsbExponent} (the products exact, in units of the element product quantum, as {@link
 * ExactProduct} has them); a NaN scale adds nothing and sets the NaN flag; a NaN product sets the
 * NaN flag and an infinite one its inf flag (both add 0), whatever the scales. So the register
 * holds {@code sum over blocks of 2^(Xa + Xb) * block sum}, the OCP MX v1.0 Dot / DotGeneral
 * computed without rounding (the spec leaves the internal precision implementation-defined; exact
 * is its strictest reading). With a float register ({@link AccumulatorKind.Floating}) a valid cycle
 * under finite scales does {@code acc := RNE(acc + 2^(scaleA + scaleB) * lane sum)} instead, by the
 * existing float accumulator's model ({@link FloatAccumulator}). A narrower scale range ({@link
 * MxCoreSpec#scales()}) puts the register's LSB at its smallest combined scale; a valid cycle under
 * finite scales whose {@code Xa + Xb} lies outside adds nothing and sets the sticky range flag.
 *
 * <p>Not thread-safe.
 */
public final class MxDotModel {

  private final MxCoreSpec spec;
  private final ExactProduct products;
  private final long[] fixed;
  private final int width;
  private final BigInteger mask;

  /** The float register, or null for the exact one. */
  private final FloatAccumulator fp;

  private final int[] laneSig;
  private final int[] laneShift;
  private BigInteger acc = BigInteger.ZERO;
  private boolean nan;
  private boolean posInf;
  private boolean negInf;
  private boolean range;

  public MxDotModel(MxCoreSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.products = new ExactProduct(spec.a().element(), spec.b().element());
    this.fixed = products.fixed();
    this.width = spec.accWidth();
    this.mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
    this.fp =
        spec.accumulator() instanceof AccumulatorKind.Floating f
            ? new FloatAccumulator(f, spec.lsbExponent())
            : null;
    this.laneSig = new int[spec.lanes()];
    this.laneShift = new int[spec.lanes()];
  }

  public MxCoreSpec spec() {
    return spec;
  }

  /** Accumulator to 0, flags false. */
  public void reset() {
    acc = BigInteger.ZERO;
    if (fp != null) {
      fp.clear();
    }
    nan = false;
    range = false;
    posInf = false;
    negInf = false;
  }

  /**
   * One clock edge: {@code lanes} element codes of a and b and the two E8M0 scale codes (see the
   * class comment). Codes are ignored when {@code !valid}.
   *
   * @throws IllegalArgumentException if the arrays are not {@code lanes} long or a scale code is
   *     outside 0..255
   */
  public void step(
      boolean clear, boolean valid, int[] codesA, int[] codesB, int scaleA, int scaleB) {
    int n = spec.lanes();
    if (codesA.length != n || codesB.length != n) {
      throw new IllegalArgumentException(
          "lanes: "
              + n
              + " expected, got "
              + codesA.length
              + " a codes and "
              + codesB.length
              + " b codes");
    }
    if ((scaleA & ~0xFF) != 0 || (scaleB & ~0xFF) != 0) {
      throw new IllegalArgumentException(
          "E8M0 scale codes are 0..255, got " + scaleA + " and " + scaleB);
    }
    if (clear) {
      reset();
    }
    if (!valid) {
      return;
    }
    long sum = 0;
    BigInteger big = fixed == null ? BigInteger.ZERO : null;
    for (int k = 0; k < n; k++) {
      int e = products.get(codesA[k], codesB[k]);
      int cls = ExactProduct.cls(e);
      nan |= cls == OperandDecoder.NAN;
      posInf |= cls == OperandDecoder.POS_INF;
      negInf |= cls == OperandDecoder.NEG_INF;
      laneSig[k] = ExactProduct.sig(e);
      laneShift[k] = ExactProduct.shift(e);
      if (fixed != null) {
        sum += fixed[products.index(codesA[k], codesB[k])];
      } else {
        big = big.add(BigInteger.valueOf(ExactProduct.sig(e)).shiftLeft(ExactProduct.shift(e)));
      }
    }
    if (scaleA == E8M0.NAN || scaleB == E8M0.NAN) {
      nan = true;
      return;
    }
    int x = scaleA + scaleB - 2 * E8M0.BIAS;
    if (!spec.scales().contains(x)) {
      range = true; // outside the register's scale range: adds nothing
      return;
    }
    if (fp != null) {
      // the lanes' exact sum times 2^(scaleA + scaleB), rounded once
      for (int k = 0; k < n; k++) {
        laneShift[k] += scaleA + scaleB;
      }
      fp.addLanes(laneSig, laneShift, n);
      return;
    }
    BigInteger laneSum = big != null ? big : BigInteger.valueOf(sum);
    acc = acc.add(laneSum.shiftLeft(x - spec.scales().min())).and(mask);
  }

  /** The register as the unsigned bit pattern the core drives on {@code io_acc}. */
  public BigInteger accumulatorBits() {
    return fp != null ? fp.bits() : acc;
  }

  /**
   * The signed exact register value, in units of {@code 2^lsbExponent}.
   *
   * @throws IllegalStateException for a float register (use {@link #result()})
   */
  public BigInteger accumulator() {
    if (fp != null) {
      throw new IllegalStateException(
          "accumulator() is the exact register's value; this core has " + spec.accumulator().tag());
    }
    return acc.testBit(width - 1) ? acc.subtract(BigInteger.ONE.shiftLeft(width)) : acc;
  }

  public boolean nanFlag() {
    return nan;
  }

  /**
   * True when a valid cycle's combined scale was outside the core's scale range since the last
   * clear.
   */
  public boolean rangeFlag() {
    return range;
  }

  public boolean posInfFlag() {
    return posInf;
  }

  public boolean negInfFlag() {
    return negInf;
  }

  /**
   * NaN if the NaN or the range flag is set or infinities of both signs met (flags or a float
   * register that overflowed); +-inf if one sign did; else the register's value.
   */
  public Value result() {
    Value v = fp != null ? fp.value() : Value.finite(accumulator(), spec.lsbExponent());
    boolean pos = posInf || v.kind() == Value.Kind.POS_INF;
    boolean neg = negInf || v.kind() == Value.Kind.NEG_INF;
    if (nan || range || (pos && neg)) {
      return Value.nan();
    }
    if (pos || neg) {
      return Value.inf(neg);
    }
    return v;
  }
}
