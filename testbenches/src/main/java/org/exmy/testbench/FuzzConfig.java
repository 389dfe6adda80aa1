package org.exmy.testbench;

import java.util.List;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.simulator.Specials;

/**
 * One random core configuration of the fuzzer ({@link Fuzzer}), drawn from its seed alone, so that
 * any configuration of a campaign can be run again by itself.
 *
 * <p>What is drawn:
 *
 * <ul>
 *   <li>each operand format: a minifloat (65 %: 3..8 bits, any split into E &ge; 1 and M &ge; 0,
 *       bias the plain one, near it or anywhere in {@code -2^E-3 .. 2^E+3} (negative and odd ones
 *       included), specials {@code ieee}, {@code fn}, {@code fnuz} or {@code none}, subnormals off
 *       one time in five), an integer (25 %: INT or UINT of 2..8 bits) or a named format (10 %:
 *       ml_dtypes and catalogue names); b is a second draw (mixed pairs) or a copy of a;
 *   <li>lanes: 1 (55 %), 2..8 (40 %) or 16;
 *   <li>terms: 1024 (15 %) or {@code 2^k .. 2^(k+1)-1} with {@code k = floor(21 u^2)}, u uniform
 *       (skewed small: a third are below 16, the median is about 200, one in ten is 2^16 or more),
 *       at most 2^20 and at least the lanes;
 *   <li>pipeline: none (40 %), a preset 1..4 (30 %), or a random list of decode, product, tree=1..3
 *       and chunk=2..40;
 *   <li>accumulator: one of {@link #ACCUMULATORS};
 *   <li>multiplies for DSP blocks ({@link CoreSpec#dsp()}) one time in four.
 * </ul>
 *
 * @param seed the seed this configuration was drawn from
 * @param spec the core
 * @param sequences random accumulate sequences to run
 * @param maxLength their longest length: four times the cycles the terms take, at most 2048
 */
public record FuzzConfig(long seed, CoreSpec spec, int sequences, int maxLength) {
  /**
   * The accumulator kinds the fuzzer draws among: exact half the time, fixed and floating a quarter
   * each.
   */
  public static final List<String> ACCUMULATORS = List.of("exact", "exact", "fixed", "float");

  /** Random accumulate sequences per configuration. */
  public static final int SEQUENCES = 40;

  private static final List<String> NAMED =
      List.of(
          "float8_e4m3fn",
          "float8_e4m3fnuz",
          "float8_e5m2",
          "float8_e5m2fnuz",
          "float8_e3m4",
          "float8_e4m3",
          "float8_e4m3b11fnuz",
          "float6_e2m3fn",
          "float6_e3m2fn",
          "float4_e2m1fn",
          "E4M3",
          "E5M2",
          "E3M4",
          "E2M1",
          "INT8",
          "UINT8");

  /** The configuration of {@code seed}. */
  public static FuzzConfig draw(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    NumberFormat a = format(r);
    NumberFormat b = r.nextInt(3) == 0 ? a : format(r);
    int lanes = lanes(r);
    int terms = Math.max(lanes, terms(r));
    Pipeline pipeline = pipeline(r);
    CoreSpec spec = CoreSpec.mac(a, b).withLanes(lanes).withTerms(terms);
    AccumulatorChoice acc = accumulator(r);
    if (!acc.kind().equals("exact")) {
      // chunked registers only exist for the exact accumulator
      pipeline =
          new Pipeline(
              pipeline.decode(), pipeline.multiply(), pipeline.product(), pipeline.treeEvery(), 0);
    }
    try {
      spec = acc.apply(spec.withPipeline(pipeline));
    } catch (FormatException tooWide) {
      // the wrapping default would need more than 62 bits: saturate at 62 instead
      spec =
          new AccumulatorChoice("fixed", acc.lsbExponent(), 62, null, acc.nearestEven())
              .apply(spec.withPipeline(pipeline));
    }
    // drawn last, so that a seed keeps the rest of the configuration it had before this draw
    // existed
    spec = spec.withDsp(r.nextInt(4) == 0);
    long cycles = ((long) terms + lanes - 1) / lanes;
    int maxLength = (int) Math.min(2048, 4 * cycles + 8);
    return new FuzzConfig(seed, spec, SEQUENCES, maxLength);
  }

  /**
   * The seeds of a campaign: the configuration seeds that master seed {@code master} yields, in
   * order.
   */
  public static PrimitiveIterator.OfLong seeds(long master) {
    return new SplittableRandom(master).longs().iterator();
  }

  /**
   * {@code seed} as the fuzzer prints it and {@link #parseSeed} reads it: {@code 0x} and 16 hex
   * digits.
   */
  public static String seedText(long seed) {
    return String.format("0x%016x", seed);
  }

  /**
   * A seed as {@link #seedText} prints it ({@code 0x} optional, any case).
   *
   * @throws NumberFormatException when it is not 1..16 hex digits
   */
  public static long parseSeed(String text) {
    String t = text.strip();
    if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
    if (!t.matches("[0-9a-fA-F]{1,16}")) {
      throw new NumberFormatException(
          "a configuration seed is 1..16 hex digits (as printed, e.g. 0x"
              + "3f2a9c0d11e4b7a5), got '"
              + text
              + "'");
    }
    return Long.parseUnsignedLong(t, 16);
  }

  /** One line: the seed, the formats, lanes, terms, pipeline and accumulator. */
  public String describe() {
    StringBuilder sb = new StringBuilder(seedText(seed)).append(' ');
    NumberFormat a = spec.a();
    NumberFormat b = spec.b();
    sb.append(a.name());
    if (!a.equals(b) || !a.name().equals(b.name())) sb.append(" x ").append(b.name());
    sb.append(", ").append(spec.terms()).append(spec.terms() == 1 ? " term" : " terms");
    if (spec.lanes() > 1) sb.append(", ").append(spec.lanes()).append(" lanes");
    if (!spec.pipeline().isFlat()) sb.append(", pipeline ").append(spec.pipeline());
    if (!(spec.accumulator() instanceof AccumulatorKind.Exact))
      sb.append(", acc ").append(spec.accumulator().tag());
    return sb.toString();
  }

  // ------------------------------------------------------------------ the draws

  private static NumberFormat format(SplittableRandom r) {
    int kind = r.nextInt(20);
    if (kind < 2) {
      return Formats.parse(NAMED.get(r.nextInt(NAMED.size())));
    }
    if (kind < 7) {
      return new IntFormat(2 + r.nextInt(7), r.nextBoolean());
    }
    while (true) {
      int total = 3 + r.nextInt(6);
      int e = 1 + r.nextInt(total - 1);
      int m = total - 1 - e;
      int plain = (1 << (e - 1)) - 1;
      int pick = r.nextInt(5);
      int bias =
          pick < 2
              ? plain
              : pick == 2 ? plain + r.nextInt(7) - 3 : r.nextInt(2 * (1 << e) + 7) - (1 << e) - 3;
      Specials specials = Specials.values()[r.nextInt(Specials.values().length)];
      boolean subnormals = r.nextInt(5) != 0;
      try {
        return new FloatFormat(e, m, bias, specials, subnormals);
      } catch (FormatException invalid) {
        // IEEE specials without room for them, or no finite positive value: draw again
      }
    }
  }

  private static int lanes(SplittableRandom r) {
    int p = r.nextInt(100);
    return p < 55 ? 1 : p < 95 ? 2 + r.nextInt(7) : 16;
  }

  private static int terms(SplittableRandom r) {
    if (r.nextInt(100) < 15) return CoreSpec.DEFAULT_TERMS;
    double u = r.nextDouble();
    int k = Math.min(20, (int) Math.floor(21 * u * u));
    return Math.min(1 << 20, (1 << k) + r.nextInt(1 << k));
  }

  private static Pipeline pipeline(SplittableRandom r) {
    int p = r.nextInt(10);
    if (p < 4) return Pipeline.NONE;
    if (p < 7) return Pipeline.preset(1 + r.nextInt(4));
    boolean decode = r.nextBoolean();
    boolean multiply = r.nextBoolean();
    boolean product = r.nextBoolean();
    int tree = r.nextBoolean() ? 1 + r.nextInt(3) : 0;
    int chunk = r.nextInt(3) == 0 ? 2 + r.nextInt(39) : 0;
    return new Pipeline(decode, multiply, product, tree, chunk);
  }

  /**
   * The accumulator, one of {@link #ACCUMULATORS} (exact twice as often): for {@code fixed} an LSB
   * exponent in -40..20 (or the exact quantum), a width in 2..62 (or the wrapping default) and a
   * rounding; for {@code float} an E in 2..10 and M in 1..24.
   */
  private static AccumulatorChoice accumulator(SplittableRandom r) {
    String kind = ACCUMULATORS.get(r.nextInt(ACCUMULATORS.size()));
    switch (kind) {
      case "exact":
        return AccumulatorChoice.EXACT;
      case "fixed":
        {
          Integer lsb = r.nextInt(4) == 0 ? null : -40 + r.nextInt(61);
          Integer width = r.nextBoolean() ? null : 2 + r.nextInt(61);
          return new AccumulatorChoice("fixed", lsb, width, null, r.nextBoolean());
        }
      default:
        {
          int e = 2 + r.nextInt(9);
          int m = 1 + r.nextInt(Math.min(50, 24));
          return new AccumulatorChoice("e" + e + "m" + m, null, null, null, true);
        }
    }
  }
}
