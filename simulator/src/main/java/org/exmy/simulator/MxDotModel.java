package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Cycle model of an MX dot-product core ({@link MxCoreSpec}): the exact accumulator register and
 * sticky NaN / +inf / -inf flags. Pipelining does not enter: the model shows what the core's output
 * shows {@code latency} cycles later.
 *
 * <p>Per {@link #step}: when {@code valid} and neither scale code is 0xFF, {@code acc_next = (clear ?
 * 0 : acc) + (sum_i a_i * b_i) * 2^(scaleA + scaleB)} modulo {@code 2^accWidth}, in units of {@code
 * 2^lsbExponent} (the products exact, in units of the element product quantum, as {@link
 * ProductTable} has them); a NaN scale adds nothing and sets the NaN flag; a NaN product sets the
 * NaN flag and an infinite one its inf flag (both add 0), whatever the scales. So the register
 * holds {@code sum over blocks of 2^(Xa + Xb) * block sum}, the OCP MX v1.0 Dot / DotGeneral
 * computed without rounding (the spec leaves the internal precision implementation-defined; exact
 * is its strictest reading).
 *
 * <p>Not thread-safe.
 */
public final class MxDotModel {

  private final MxCoreSpec spec;
  private final ProductTable products;
  private final long[] fixed;
  private final int width;
  private final BigInteger mask;
  private BigInteger acc = BigInteger.ZERO;
  private boolean nan;
  private boolean posInf;
  private boolean negInf;

  public MxDotModel(MxCoreSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.products = new ProductTable(spec.a().element(), spec.b().element());
    this.fixed = products.fixed();
    this.width = spec.accWidth();
    this.mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
  }

  public MxCoreSpec spec() {
    return spec;
  }

  /** Accumulator to 0, flags false. */
  public void reset() {
    acc = BigInteger.ZERO;
    nan = false;
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
  public void step(boolean clear, boolean valid, int[] codesA, int[] codesB, int scaleA, int scaleB) {
    int n = spec.lanes();
    if (codesA.length != n || codesB.length != n) {
      throw new IllegalArgumentException(
          "lanes: " + n + " expected, got " + codesA.length + " a codes and " + codesB.length + " b codes");
    }
    if ((scaleA & ~0xFF) != 0 || (scaleB & ~0xFF) != 0) {
      throw new IllegalArgumentException("E8M0 scale codes are 0..255, got " + scaleA + " and " + scaleB);
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
      int cls = ProductTable.cls(e);
      nan |= cls == OperandDecoder.NAN;
      posInf |= cls == OperandDecoder.POS_INF;
      negInf |= cls == OperandDecoder.NEG_INF;
      if (fixed != null) {
        sum += fixed[products.index(codesA[k], codesB[k])];
      } else {
        big = big.add(BigInteger.valueOf(ProductTable.sig(e)).shiftLeft(ProductTable.shift(e)));
      }
    }
    if (scaleA == E8M0.NAN || scaleB == E8M0.NAN) {
      nan = true;
      return;
    }
    BigInteger laneSum = big != null ? big : BigInteger.valueOf(sum);
    acc = acc.add(laneSum.shiftLeft(scaleA + scaleB)).and(mask);
  }

  /** The register as the unsigned bit pattern the core drives on {@code io_acc}. */
  public BigInteger accumulatorBits() {
    return acc;
  }

  /** The signed register value, in units of {@code 2^lsbExponent}. */
  public BigInteger accumulator() {
    return acc.testBit(width - 1) ? acc.subtract(BigInteger.ONE.shiftLeft(width)) : acc;
  }

  public boolean nanFlag() {
    return nan;
  }

  public boolean posInfFlag() {
    return posInf;
  }

  public boolean negInfFlag() {
    return negInf;
  }

  /** NaN if the NaN flag is set or both inf flags are; +-inf if one is; else the exact value. */
  public Value result() {
    if (nan || (posInf && negInf)) {
      return Value.nan();
    }
    if (posInf || negInf) {
      return Value.inf(negInf);
    }
    return Value.finite(accumulator(), spec.lsbExponent());
  }
}
