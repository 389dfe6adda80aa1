package org.exmy.simulator;

/**
 * The decode step of a MAC, tabulated for every code of one format: each operand becomes a signed
 * integer significand {@code sig} and a left shift {@code shift}, so its value is {@code sig *
 * 2^(shift + lsb)} with {@code lsb = }{@link AccumulatorSpec#lsb}, plus its class (finite, NaN,
 * &plusmn;inf). This is the model twin of the hardware decoder: for a float {@code sig = (-1)^S *
 * (hidden * 2^M + mantissa)} and {@code shift = max(expField, 1) - 1}; for an integer {@code sig}
 * is the value and {@code shift = 0}. Zeros, flushed subnormals, NaN and inf have {@code sig = 0}.
 *
 * <p>Model twin of {@code org.exmy.mac.OperandDecoderUnit} (proof: OperandDecoderUnitTest,
 * mac-library).
 */
public final class OperandDecoder {
  /** Operand classes. */
  public static final byte FINITE = 0;

  public static final byte NAN = 1;
  public static final byte POS_INF = 2;
  public static final byte NEG_INF = 3;

  private final NumberFormat format;
  private final int[] sig;
  private final int[] shift;
  private final byte[] cls;

  public OperandDecoder(NumberFormat f) {
    this.format = f;
    int n = f.codeCount();
    sig = new int[n];
    shift = new int[n];
    cls = new byte[n];
    for (int c = 0; c < n; c++) {
      if (f instanceof IntFormat fi) {
        sig[c] = fi.intValue(c);
        continue;
      }
      FloatFormat ff = (FloatFormat) f;
      if (ff.isNaN(c)) {
        cls[c] = NAN;
        continue;
      }
      if (ff.isInf(c)) {
        cls[c] = ff.signBit(c) == 1 ? NEG_INF : POS_INF;
        continue;
      }
      int e = ff.exponentField(c);
      int m = ff.mantissaField(c);
      int s = e == 0 ? (ff.subnormals() ? m : 0) : (1 << ff.mantissaBits()) | m;
      sig[c] = ff.signBit(c) == 1 ? -s : s;
      shift[c] = Math.max(e, 1) - 1;
    }
  }

  public NumberFormat format() {
    return format;
  }

  /** Signed significand of {@code code} (0 for zero, NaN and inf). */
  public int sig(int code) {
    return sig[code];
  }

  /** Left shift of {@code code}'s significand, in units of the format's quantum. */
  public int shift(int code) {
    return shift[code];
  }

  /** {@link #FINITE}, {@link #NAN}, {@link #POS_INF} or {@link #NEG_INF}. */
  public byte cls(int code) {
    return cls[code];
  }

  /** True for a finite zero (a flushed subnormal included). */
  public boolean isZero(int code) {
    return cls[code] == FINITE && sig[code] == 0;
  }
}
