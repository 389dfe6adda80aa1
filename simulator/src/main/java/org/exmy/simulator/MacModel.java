package org.exmy.simulator;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Cycle model of a MAC or dot-product core: the accumulator register ({@link Accumulator}) plus
 * sticky NaN / +inf / -inf flags, driven from the tabulated products ({@link ExactProduct}).
 * Pipelining does not enter: the model shows what the core's output shows {@code latency} cycles
 * later.
 *
 * <p>Per {@link #step}: {@code acc_next = (clear ? 0 : acc) (+) sum of the valid products}, where
 * {@code (+)} is the accumulator's addition (exact and wrapping for the Kulisch register, so the
 * model agrees with the hardware even past {@code terms}); {@code nan_next = (clear ? false : nan)
 * | (valid & some product is NaN)}, and likewise for the +inf and -inf flags. A product is NaN when
 * an operand is NaN or when inf is multiplied by zero; NaN and infinite products add 0.
 *
 * <p>Allocation-free after construction; not thread-safe.
 */
public final class MacModel {

  private final CoreSpec spec;
  private final AccumulatorSpec geometry;
  private final ExactProduct products;
  private final int bBits;
  private final Accumulator acc;

  /** Set for an exact register of at most 63 bits whose products fit a long: the fast path. */
  private final KulischAccumulator kulisch64;

  private final long[] fixed;
  private final int[] laneSig;
  private final int[] laneShift;
  private boolean nan;
  private boolean posInf;
  private boolean negInf;

  public MacModel(CoreSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.geometry = spec.geometry();
    this.products = new ExactProduct(spec.a(), spec.b());
    this.bBits = spec.b().bits();
    this.acc = Accumulator.of(spec.accumulator(), geometry);
    boolean fast =
        acc instanceof KulischAccumulator && acc.width() <= 63 && products.fixed() != null;
    this.kulisch64 = fast ? (KulischAccumulator) acc : null;
    this.fixed = fast ? products.fixed() : null;
    this.laneSig = new int[spec.lanes()];
    this.laneShift = new int[spec.lanes()];
  }

  /** A one-lane exact MAC summing up to {@code terms} products. */
  public MacModel(NumberFormat a, NumberFormat b, int terms) {
    this(CoreSpec.mac(a, b).withTerms(terms));
  }

  public CoreSpec spec() {
    return spec;
  }

  /** The exact accumulator geometry of the format pair (product quantum and Kulisch widths). */
  public AccumulatorSpec geometry() {
    return geometry;
  }

  /** Accumulator to 0, all flags false. */
  public void reset() {
    acc.clear();
    nan = false;
    posInf = false;
    negInf = false;
  }

  /**
   * One clock edge of a one-lane core. Codes are ignored (not even range-checked) when {@code
   * !valid}.
   */
  public void step(boolean clear, boolean valid, int codeA, int codeB) {
    if (clear) {
      reset();
    }
    if (!valid) {
      return;
    }
    int i = (codeA << bBits) | codeB;
    int e = products.entries()[i];
    if (ExactProduct.cls(e) != OperandDecoder.FINITE) {
      flag(ExactProduct.cls(e));
    } else if (kulisch64 != null) {
      kulisch64.addFixed(fixed[i]);
    } else {
      acc.add(ExactProduct.sig(e), ExactProduct.shift(e));
    }
  }

  /**
   * One clock edge of an N-lane core: when {@code valid}, the products {@code codesA[i] x
   * codesB[i]} of all lanes are summed exactly and added in the same cycle; a NaN or infinite
   * product sets its flag and adds 0. Codes are ignored when {@code !valid}.
   *
   * @throws IllegalArgumentException if the arrays are not {@code lanes} long
   */
  public void step(boolean clear, boolean valid, int[] codesA, int[] codesB) {
    int n = laneSig.length;
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
    if (clear) {
      reset();
    }
    if (!valid) {
      return;
    }
    if (kulisch64 != null) {
      long sum = 0;
      for (int k = 0; k < n; k++) {
        int i = (codesA[k] << bBits) | codesB[k];
        int e = products.entries()[i];
        if (ExactProduct.cls(e) != OperandDecoder.FINITE) {
          flag(ExactProduct.cls(e));
        }
        sum += fixed[i];
      }
      kulisch64.addFixed(sum);
      return;
    }
    for (int k = 0; k < n; k++) {
      int e = products.entries()[(codesA[k] << bBits) | codesB[k]];
      if (ExactProduct.cls(e) != OperandDecoder.FINITE) {
        flag(ExactProduct.cls(e));
      }
      laneSig[k] = ExactProduct.sig(e);
      laneShift[k] = ExactProduct.shift(e);
    }
    acc.addLanes(laneSig, laneShift, n);
  }

  private void flag(int cls) {
    nan |= cls == OperandDecoder.NAN;
    posInf |= cls == OperandDecoder.POS_INF;
    negInf |= cls == OperandDecoder.NEG_INF;
  }

  /** The accumulator register model. */
  public Accumulator accumulatorModel() {
    return acc;
  }

  /**
   * The signed accumulator value in units of {@code 2^lsbExponent} of the exact geometry.
   *
   * @throws IllegalStateException for a non-exact accumulator (use {@link #result()})
   */
  public BigInteger accumulator() {
    if (!(acc instanceof KulischAccumulator k)) {
      throw new IllegalStateException(
          "accumulator() is the exact register's value; this core has " + spec.accumulator().tag());
    }
    return k.signedValue();
  }

  /** The register as the unsigned bit pattern the core drives on {@code io_acc}. */
  public BigInteger accumulatorBits() {
    return acc.bits();
  }

  /** The low 64 bits of the register pattern (all of it for registers of up to 64 bits). */
  public long accumulatorLow64() {
    return acc.low64();
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

  /**
   * NaN if the NaN flag is set or infinities of both signs met (flags or a floating-point register
   * that overflowed); &plusmn;inf if one sign did; else the register's exact value (a zero sum is
   * +0).
   */
  public Value result() {
    Value v = acc.value();
    boolean pos = posInf || v.kind() == Value.Kind.POS_INF;
    boolean neg = negInf || v.kind() == Value.Kind.NEG_INF;
    if (nan || (pos && neg)) {
      return Value.nan();
    }
    if (pos || neg) {
      return Value.inf(neg);
    }
    return v;
  }

  /**
   * Exact dot product {@code sum_i a[i] * b[i]} with the NaN/inf rules of {@link #result()} (an
   * empty dot product is +0).
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static Value dot(NumberFormat a, int[] codesA, NumberFormat b, int[] codesB) {
    Objects.requireNonNull(codesA, "codesA");
    Objects.requireNonNull(codesB, "codesB");
    if (codesA.length != codesB.length) {
      throw new IllegalArgumentException(
          "length mismatch: " + codesA.length + " vs " + codesB.length);
    }
    MacModel mac = new MacModel(a, b, Math.max(1, codesA.length));
    for (int i = 0; i < codesA.length; i++) {
      mac.step(false, true, codesA[i], codesB[i]);
    }
    return mac.result();
  }
}
