package org.exmy.simulator;

import java.util.Locale;

/**
 * An accumulator as a user asks for it, to be applied to any core: a kind by name ({@code exact},
 * {@code fp32}, {@code fp16}, {@code bf16}, {@code EeMm}), or {@code fixed} with an optional LSB
 * exponent, width and product rounding whose defaults depend on the core's formats and terms (see
 * {@link CoreSpec#withFixedAccumulator}).
 *
 * @param kind the kind's name, lower case
 * @param lsbExponent a fixed accumulator's LSB exponent, or null for the exact product quantum
 * @param width a fixed accumulator's width, or null for the default sized for the core's terms
 * @param saturate a fixed accumulator saturates (null: when a width is given, as on the command
 *     line)
 * @param nearestEven a fixed accumulator rounds products to nearest even (else floor)
 */
public record AccumulatorChoice(
    String kind, Integer lsbExponent, Integer width, Boolean saturate, boolean nearestEven) {
  /** The exact (Kulisch) accumulator. */
  public static final AccumulatorChoice EXACT =
      new AccumulatorChoice("exact", null, null, null, true);

  public AccumulatorChoice {
    kind = kind.trim().toLowerCase(Locale.ROOT);
    boolean fixedOptions = lsbExponent != null || width != null || saturate != null || !nearestEven;
    if (!kind.equals("fixed")) {
      if (fixedOptions) {
        throw new FormatException(
            "an LSB, a width or floor rounding set a fixed accumulator, not " + kind);
      }
      AccumulatorKind.parse(kind); // throws for an unknown name
    }
  }

  /**
   * The choice of {@code kind} (null: {@code fixed} when any fixed option is given, else {@code
   * exact}) with the fixed options ({@code nearestEven} null: true).
   *
   * @throws FormatException for an unknown kind, or fixed options with another kind
   */
  public static AccumulatorChoice of(
      String kind, Integer lsbExponent, Integer width, Boolean nearestEven) {
    boolean fixedOptions = lsbExponent != null || width != null || nearestEven != null;
    String k = kind != null ? kind : fixedOptions ? "fixed" : "exact";
    return new AccumulatorChoice(k, lsbExponent, width, null, nearestEven == null || nearestEven);
  }

  /** The choice that gives {@code kind} itself, whatever the core's terms. */
  public static AccumulatorChoice of(AccumulatorKind kind) {
    if (kind instanceof AccumulatorKind.Fixed f) {
      return new AccumulatorChoice(
          "fixed", f.lsbExponent(), f.width(), f.saturate(), f.nearestEven());
    }
    return new AccumulatorChoice(kind.tag(), null, null, null, true);
  }

  /** True for the exact accumulator. */
  public boolean exact() {
    return kind.equals("exact");
  }

  /** {@code spec} with this accumulator. */
  public CoreSpec apply(CoreSpec spec) {
    if (!kind.equals("fixed")) {
      return spec.withAccumulator(AccumulatorKind.parse(kind));
    }
    CoreSpec s = spec.withFixedAccumulator(lsbExponent, width, nearestEven);
    if (saturate == null || ((AccumulatorKind.Fixed) s.accumulator()).saturate() == saturate) {
      return s;
    }
    AccumulatorKind.Fixed f = (AccumulatorKind.Fixed) s.accumulator();
    return spec.withAccumulator(
        new AccumulatorKind.Fixed(f.lsbExponent(), f.width(), saturate, nearestEven));
  }

  @Override
  public String toString() {
    if (!kind.equals("fixed")) {
      return kind;
    }
    boolean sat = saturate != null ? saturate : width != null;
    return "fixed(lsb="
        + (lsbExponent == null ? "exact" : lsbExponent)
        + ", bits="
        + (width == null ? "sized" : width)
        + (sat ? ", saturating" : ", wrapping")
        + ", "
        + (nearestEven ? "rne" : "floor")
        + ")";
  }
}
