package org.exmy.simulator;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that defines a MAC or dot-product core, in one record: the generator, the model, the
 * cross-check, the command line and the sweep all take it, and the module name, the header comment
 * and the catalogue row derive from it.
 *
 * @param a format of operand a
 * @param b format of operand b
 * @param terms products the accumulator must sum exactly (sizes the exact accumulator), &ge; lanes
 * @param lanes products added per cycle: 1 for a MAC, N for an N-lane dot-product core
 * @param accumulator what the products accumulate into
 * @param pipeline extra register stages (never changes results, only the latency); a chunked
 *     accumulator ({@link Pipeline#chunkBits()}) only for the exact accumulator
 * @param dsp multiplies written as Verilog {@code *}, for synthesis to map to DSP blocks, instead
 *     of built from LUTs and carry chains (radix-4 Booth rows; the default, and the cheaper choice
 *     in LUTs); never changes results
 */
public record CoreSpec(
    NumberFormat a,
    NumberFormat b,
    int terms,
    int lanes,
    AccumulatorKind accumulator,
    Pipeline pipeline,
    boolean dsp) {

  /** Products a core sums exactly unless told otherwise (sets the guard bits: log2 = 10). */
  public static final int DEFAULT_TERMS = 1024;

  /** Lane counts above this make impractically many ports. */
  public static final int MAX_LANES = 256;

  public CoreSpec {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(accumulator, "accumulator");
    Objects.requireNonNull(pipeline, "pipeline");
    if (terms < 1) {
      throw new FormatException("terms must be at least 1, got " + terms);
    }
    if (lanes < 1 || lanes > MAX_LANES) {
      throw new FormatException("lanes must be 1.." + MAX_LANES + ", got " + lanes);
    }
    if (terms < lanes) {
      throw new FormatException(
          "terms ("
              + terms
              + ") must be at least lanes ("
              + lanes
              + "): one cycle already adds "
              + lanes
              + " products");
    }
    if (pipeline.chunkBits() > 0 && !(accumulator instanceof AccumulatorKind.Exact)) {
      // a chunked register defers carries: a saturating or rounding register needs the whole sum
      throw new FormatException(
          "pipeline chunk="
              + pipeline.chunkBits()
              + " splits only the exact accumulator;"
              + " the "
              + accumulator.tag()
              + " accumulator takes decode, product and tree=K (presets 1..3)");
    }
  }

  /**
   * A one-lane MAC with the exact accumulator for {@link #DEFAULT_TERMS} products, not pipelined.
   */
  public static CoreSpec mac(NumberFormat a, NumberFormat b) {
    return new CoreSpec(a, b, DEFAULT_TERMS, 1, new AccumulatorKind.Exact(), Pipeline.NONE, false);
  }

  public CoreSpec withTerms(int n) {
    return new CoreSpec(a, b, n, lanes, accumulator, pipeline, dsp);
  }

  public CoreSpec withLanes(int n) {
    return new CoreSpec(a, b, terms, n, accumulator, pipeline, dsp);
  }

  public CoreSpec withAccumulator(AccumulatorKind k) {
    return new CoreSpec(a, b, terms, lanes, k, pipeline, dsp);
  }

  public CoreSpec withPipeline(Pipeline p) {
    return new CoreSpec(a, b, terms, lanes, accumulator, p, dsp);
  }

  /** The same core with its multiplies as {@code *} for DSP blocks ({@code true}) or in LUTs. */
  public CoreSpec withDsp(boolean d) {
    return new CoreSpec(a, b, terms, lanes, accumulator, pipeline, d);
  }

  /**
   * A narrowed fixed-point accumulator. {@code lsbExponent} null keeps the exact LSB (the product
   * quantum); {@code width} null sizes the register so that {@code terms} rounded products cannot
   * overflow it (it then wraps like the exact one); a given width saturates.
   *
   * @throws FormatException if the register would need more than 62 bits
   */
  public CoreSpec withFixedAccumulator(Integer lsbExponent, Integer width, boolean nearestEven) {
    AccumulatorSpec g = geometry();
    int lsb = lsbExponent == null ? g.lsbExponent() : lsbExponent;
    int w;
    if (width != null) {
      w = width;
    } else {
      // the largest rounded product magnitude times terms, plus a sign bit
      BigInteger maxProduct = BigInteger.ONE.shiftLeft(g.productBits()).subtract(BigInteger.ONE);
      int drop = lsb - g.lsbExponent();
      BigInteger rounded =
          drop <= 0 ? maxProduct.shiftLeft(-drop) : maxProduct.shiftRight(drop).add(BigInteger.ONE);
      w = rounded.multiply(BigInteger.valueOf(terms)).bitLength() + 1;
      if (w > 62) {
        throw new FormatException(
            "a fixed-point accumulator with LSB 2^"
                + lsb
                + " for "
                + terms
                + " products of "
                + label()
                + " needs "
                + w
                + " bits; give --acc-bits (at most 62) to saturate");
      }
    }
    return withAccumulator(new AccumulatorKind.Fixed(lsb, w, width != null, nearestEven));
  }

  /** The exact (Kulisch) geometry of the format pair and term count: product quantum, widths. */
  public AccumulatorSpec geometry() {
    return AccumulatorSpec.of(a, b, terms);
  }

  /** Width of {@code io_acc}. */
  public int accWidth() {
    if (accumulator instanceof AccumulatorKind.Fixed f) {
      return f.width();
    }
    if (accumulator instanceof AccumulatorKind.Floating f) {
      return f.width();
    }
    return geometry().width();
  }

  /** Cycles from presenting operands to seeing their products in {@code io_acc}. */
  public int latency() {
    return pipeline.latency(lanes, accWidth());
  }

  /** True when an operand format has NaN or inf: the core has the {@code io_nan} flag. */
  public boolean hasNanFlag() {
    return hasSpecials(a) || hasSpecials(b);
  }

  /** True when an operand format has inf: the core has {@code io_posInf} and {@code io_negInf}. */
  public boolean hasInfFlags() {
    return hasInf(a) || hasInf(b);
  }

  private static boolean hasSpecials(NumberFormat f) {
    return f instanceof FloatFormat ff && (ff.hasInf() || ff.hasNaN());
  }

  private static boolean hasInf(NumberFormat f) {
    return f instanceof FloatFormat ff && ff.hasInf();
  }

  /**
   * The module name: {@code exmy_mac_<a>} or {@code exmy_dot<N>_<a>}, then {@code _x_<b>} when b
   * differs, {@code _t<terms>} when not the default, {@code _acc<tag>} for a non-exact accumulator,
   * {@code _pipe_<tag>} for a pipelined core, {@code _dsp} for DSP multiplies. E.g. {@code
   * exmy_mac_e4m3}, {@code exmy_dot4_e4m3_x_e5m2_t4096_accfp32_pipe_dp}. At most {@link #MAX_NAME}
   * characters: a longer name keeps (up to) its first 101 and ends in {@code _} and 8 hex digits of
   * its hash.
   */
  public String moduleName() {
    StringBuilder n = new StringBuilder(lanes == 1 ? "exmy_mac_" : "exmy_dot" + lanes + "_");
    n.append(ident(a.name()));
    if (!a.equals(b) || !a.name().equals(b.name())) {
      n.append("_x_").append(ident(b.name()));
    }
    if (terms != DEFAULT_TERMS) {
      n.append("_t").append(terms);
    }
    if (!(accumulator instanceof AccumulatorKind.Exact)) {
      n.append("_acc").append(ident(accumulator.tag()));
    }
    if (!pipeline.isFlat()) {
      n.append("_pipe_").append(pipeline.tag());
    }
    if (dsp) {
      n.append("_dsp");
    }
    if (n.length() > MAX_NAME) {
      // Verilator cannot find a top module of 128 characters or more (and a dot core's product unit
      // adds "_product"): keep the start and tell long names apart by a hash of the whole name
      String full = n.toString();
      // (no "__": Verilator escapes a double underscore in the names of the files it writes)
      return full.substring(0, MAX_NAME - 9).replaceAll("_+$", "")
          + "_"
          + String.format("%08x", full.hashCode());
    }
    return n.toString();
  }

  /** Longest module name; longer ones are cut and end in a hash of the whole name. */
  public static final int MAX_NAME = 110;

  private static String ident(String name) {
    return name.toLowerCase(Locale.ROOT)
        .replace("-", "m")
        .replaceAll("[^a-z0-9]+", "_")
        .replaceAll("_+$", "");
  }

  /**
   * For people: {@code E4M3}, {@code E4M3 x float8_e5m2}, plus lanes, accumulator and pipeline when
   * not default, {@code +DSP}.
   */
  public String label() {
    String f = a.equals(b) && a.name().equals(b.name()) ? a.name() : a.name() + " x " + b.name();
    List<String> extra = new ArrayList<>();
    if (lanes > 1) {
      extra.add(lanes + " lanes");
    }
    if (!(accumulator instanceof AccumulatorKind.Exact)) {
      extra.add("acc " + accumulator.tag());
    }
    if (!pipeline.isFlat()) {
      extra.add("pipeline " + pipeline);
    }
    return (extra.isEmpty() ? f : f + " (" + String.join(", ", extra) + ")") + (dsp ? " +DSP" : "");
  }

  /** The header comment of the generated module: what it computes, its ports' meaning, latency. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    AccumulatorSpec g = geometry();
    String what =
        lanes == 1
            ? "Multiply-accumulate core: " + a.name() + " x " + b.name()
            : "Dot-product core: "
                + lanes
                + " lanes of "
                + a.name()
                + " x "
                + b.name()
                + " per cycle";
    lines.add(what + ", terms=" + terms + ".");
    if (accumulator instanceof AccumulatorKind.Exact) {
      lines.add(
          "Exact accumulator (Kulisch): up to " + terms + " products summed without rounding.");
      lines.add(
          "io_acc is a "
              + g.width()
              + "-bit two's complement integer; value = io_acc * 2^"
              + g.lsbExponent()
              + ".");
    } else if (accumulator instanceof AccumulatorKind.Fixed f) {
      lines.add(
          "Narrowed fixed-point accumulator: each product rounded to a multiple of 2^"
              + f.lsbExponent()
              + (f.nearestEven() ? " (nearest, ties to even)" : " (floor)")
              + ", "
              + (f.saturate() ? "saturating" : "wrapping")
              + " at "
              + f.width()
              + " bits.");
      lines.add(
          "io_acc is a "
              + f.width()
              + "-bit two's complement integer; value = io_acc * 2^"
              + f.lsbExponent()
              + ".");
    } else {
      AccumulatorKind.Floating f = (AccumulatorKind.Floating) accumulator;
      lines.add(
          "Floating-point accumulator "
              + f.tag()
              + " (E"
              + f.exponentBits()
              + "M"
              + f.mantissaBits()
              + ", bias "
              + f.bias()
              + "): every cycle's exact sum is rounded to nearest even once.");
      lines.add("io_acc is its bit pattern (sign, exponent, mantissa); overflow gives inf.");
    }
    lines.add(
        dsp
            ? "Multiplies as Verilog '*' (for DSP blocks)."
            : "Multiplies in LUTs and carry chains (radix-4 Booth rows from 9 product bits), no DSP blocks needed.");
    lines.add(
        "Latency "
            + latency()
            + (latency() == 1 ? " cycle" : " cycles")
            + " (pipeline: "
            + pipeline
            + ")."
            + " io_clear restarts the sum, io_valid adds "
            + (lanes == 1 ? "io_a * io_b." : "the lanes' products."));
    return lines;
  }
}
