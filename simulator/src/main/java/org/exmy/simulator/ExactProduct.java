package org.exmy.simulator;

/**
 * The product step of a MAC, tabulated for every code pair {@code (a, b)}: the exact product as a
 * signed significand and a shift ({@code value = sig * 2^(shift + lsbExponent)}), and its class
 * (finite, NaN, &plusmn;inf) by the rules of {@link Products#exact}: NaN &times; x and inf &times;
 * 0 are NaN, inf &times; nonzero is inf with the XOR of the signs. NaN and infinite products have
 * {@code sig = 0}: they only raise flags.
 *
 * <p>An entry is one {@code int}: class in bits 0..1, shift in bits 2..10, significand in bits
 * 11..31 (|sig| &le; 255 &times; 255 fits). {@link #fixed} holds {@code sig << shift} as a {@code
 * long} when every product fits in 62 bits.
 *
 * <p>Model twin of {@code org.exmy.mac.ExactProductUnit} (proof: ExactProductUnitTest,
 * mac-library).
 */
public final class ExactProduct {
  private final OperandDecoder a;
  private final OperandDecoder b;
  private final int bBits;
  private final int[] entries;
  private final long[] fixed;

  public ExactProduct(NumberFormat fa, NumberFormat fb) {
    this.a = new OperandDecoder(fa);
    this.b = new OperandDecoder(fb);
    this.bBits = fb.bits();
    int na = fa.codeCount();
    int nb = fb.codeCount();
    entries = new int[na << bBits];
    int maxBits = 0;
    for (int ca = 0; ca < na; ca++) {
      for (int cb = 0; cb < nb; cb++) {
        int e = entry(ca, cb);
        entries[(ca << bBits) | cb] = e;
        int s = sig(e);
        if (s != 0) {
          maxBits = Math.max(maxBits, 32 - Integer.numberOfLeadingZeros(Math.abs(s)) + shift(e));
        }
      }
    }
    if (maxBits <= 62) {
      fixed = new long[entries.length];
      for (int i = 0; i < entries.length; i++) {
        fixed[i] = (long) sig(entries[i]) << shift(entries[i]);
      }
    } else {
      fixed = null;
    }
  }

  private int entry(int ca, int cb) {
    byte clsA = a.cls(ca);
    byte clsB = b.cls(cb);
    boolean infA = clsA == OperandDecoder.POS_INF || clsA == OperandDecoder.NEG_INF;
    boolean infB = clsB == OperandDecoder.POS_INF || clsB == OperandDecoder.NEG_INF;
    if (clsA == OperandDecoder.NAN
        || clsB == OperandDecoder.NAN
        || (infA && b.isZero(cb))
        || (infB && a.isZero(ca))) {
      return OperandDecoder.NAN;
    }
    if (infA || infB) {
      boolean negA = clsA == OperandDecoder.NEG_INF || a.sig(ca) < 0;
      boolean negB = clsB == OperandDecoder.NEG_INF || b.sig(cb) < 0;
      return negA ^ negB ? OperandDecoder.NEG_INF : OperandDecoder.POS_INF;
    }
    int sig = a.sig(ca) * b.sig(cb);
    int shift = sig == 0 ? 0 : a.shift(ca) + b.shift(cb);
    return (sig << 11) | (shift << 2);
  }

  public NumberFormat formatA() {
    return a.format();
  }

  public NumberFormat formatB() {
    return b.format();
  }

  /** The packed entry of the pair {@code (codeA, codeB)}; codes are not range-checked. */
  public int get(int codeA, int codeB) {
    return entries[(codeA << bBits) | codeB];
  }

  /** Index of a code pair into {@link #entries()} and {@link #fixed()}. */
  public int index(int codeA, int codeB) {
    return (codeA << bBits) | codeB;
  }

  /** All entries, indexed by {@link #index}. */
  int[] entries() {
    return entries;
  }

  /** {@code sig << shift} per {@link #index}, or null when some product needs more than 62 bits. */
  public long[] fixed() {
    return fixed;
  }

  /** The product's class: {@link OperandDecoder#FINITE}, NAN, POS_INF or NEG_INF. */
  public static int cls(int entry) {
    return entry & 3;
  }

  /** The product's shift. */
  public static int shift(int entry) {
    return (entry >>> 2) & 0x1ff;
  }

  /** The product's signed significand. */
  public static int sig(int entry) {
    return entry >> 11;
  }
}
