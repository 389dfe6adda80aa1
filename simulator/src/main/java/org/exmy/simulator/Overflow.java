package org.exmy.simulator;

/**
 * What {@link NumberFormat#encode} does with values whose rounded magnitude exceeds the largest
 * finite value of the format.
 *
 * <p>The names follow ml_dtypes' {@code ConvertFrom<kSaturate, ...>} template flag: {@link
 * #SATURATE} is {@code kSaturate=true}, {@link #NONSAT} is {@code kSaturate=false} (ml_dtypes'
 * default for casts, e.g. {@code np.array(x).astype(float8_e4m3fn)}). See {@link FloatFormat} for
 * the full table, which includes ml_dtypes' treatment of infinite inputs.
 */
public enum Overflow {
  /** Clamp finite overflow to &plusmn;max finite. */
  SATURATE,
  /** Finite overflow becomes &plusmn;inf, else NaN, else (no specials) &plusmn;max finite. */
  NONSAT
}
