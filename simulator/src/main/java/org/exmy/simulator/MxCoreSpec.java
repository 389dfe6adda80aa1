package org.exmy.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that defines an MX (OCP Microscaling v1.0) dot-product core, in one record, beside
 * {@link CoreSpec}: the generator, the model ({@link MxDotModel}), the cross-check and the command
 * line take it; the module name, the label and the header comment derive from it.
 *
 * <p>The core computes {@code sum over blocks of 2^(Xa + Xb) * sum_i a_i * b_i} exactly: per cycle
 * {@code lanes} element pairs of the two MX element formats and the two E8M0 scale codes of the
 * block they belong to (held for the block's {@code blockSize / lanes} cycles). Each cycle's exact
 * lane sum is shifted by {@code codeA + codeB} (the scale exponents plus their biases, 0..508) into
 * an exact two's complement (Kulisch) accumulator whose LSB is {@link #lsbExponent()}: the element
 * product quantum, the elements' implicit scales (MXINT8: 2^-6 each) and the smallest combined
 * scale {@code 2^-254}. It holds the exact sum of {@code blocks} full blocks at any scales ({@link
 * #accWidth()}), and wraps after that. Shifting every cycle's lane sum by the block's scale is the
 * same as shifting the block's sum once (the scale is constant over the block), and needs no
 * block-start signal. A scale code 0xFF (NaN) sets the sticky NaN flag and adds nothing.
 *
 * @param a MX format of operand a (its element format and block size)
 * @param b MX format of operand b (the same block size as a)
 * @param blocks full blocks the accumulator sums exactly (sizes its guard bits), at least 1
 * @param lanes element pairs per cycle; divides the block size
 * @param accumulator {@link AccumulatorKind.Exact} (the Kulisch register above) or a rounding
 *     {@link AccumulatorKind.Floating} register (fp32, bf16, ...): every valid cycle {@code acc :=
 *     RNE(acc + 2^(Xa + Xb) * lane sum)}, one rounding per cycle, i.e. per {@code lanes} elements
 *     of a block (once per block when {@code lanes} is the block size); the OCP MX v1.0 Dot leaves
 *     the internal precision and the order of operations to the implementation, so both are Dots
 * @param pipeline register stages: decode, multiply, product (here the register after the scaled
 *     lane sum, the accumulator's addend) and chunk=B; tree=K is not built for MX cores
 * @param dsp multiplies written as Verilog {@code *} for DSP blocks instead of LUTs
 * @param scales the combined scale exponents {@code Xa + Xb} the exact register holds ({@link
 *     ScaleRange#FULL}: all of -254..254); a narrower range narrows the register and the shifter,
 *     and a valid cycle whose {@code Xa + Xb} lies outside adds nothing and sets the sticky {@code
 *     io_range} flag instead
 */
public record MxCoreSpec(
    MxFormat a,
    MxFormat b,
    int blocks,
    int lanes,
    AccumulatorKind accumulator,
    Pipeline pipeline,
    boolean dsp,
    ScaleRange scales) {

  /**
   * A range {@code min..max} of combined scale exponents {@code Xa + Xb}, within -254..254.
   *
   * @param min the smallest
   * @param max the largest, at least {@code min}
   */
  public record ScaleRange(int min, int max) {
    /** Every combined scale: {@code 2 * (-127) .. 2 * 127}. */
    public static final ScaleRange FULL =
        new ScaleRange(2 * E8M0.MIN_EXPONENT, 2 * E8M0.MAX_EXPONENT);

    public ScaleRange {
      if (min < 2 * E8M0.MIN_EXPONENT || max > 2 * E8M0.MAX_EXPONENT || min > max) {
        throw new FormatException(
            "scale range must be LO..HI within -254..254 (Xa + Xb), got " + min + ".." + max);
      }
    }

    /** Positions: {@code max - min}. */
    public int span() {
      return max - min;
    }

    /** True for {@code Xa + Xb} (scale exponents, unbiased) inside. */
    public boolean contains(int x) {
      return x >= min && x <= max;
    }

    /**
     * Parses {@code LO..HI} (e.g. {@code -32..31}) or {@code full}.
     *
     * @throws FormatException naming what is wrong
     */
    public static ScaleRange parse(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("full")) {
        return FULL;
      }
      int at = t.indexOf("..", 1);
      try {
        if (at > 0) {
          return new ScaleRange(
              Integer.parseInt(t.substring(0, at).trim()),
              Integer.parseInt(t.substring(at + 2).trim()));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new FormatException(
          "scale range must be LO..HI (e.g. -32..31) or full, got '" + s + "'");
    }

    @Override
    public String toString() {
      return min + ".." + max;
    }
  }

  /** Blocks a core sums exactly unless told otherwise: 32 blocks of 32 = 1024 products. */
  public static final int DEFAULT_BLOCKS = 32;

  /**
   * Span of the combined scale exponent {@code Xa + Xb}: {@code 2 * (-127..127)}, 508 positions.
   */
  public static final int SCALE_SPAN = 2 * (E8M0.MAX_EXPONENT - E8M0.MIN_EXPONENT);

  public MxCoreSpec {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(accumulator, "accumulator");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(scales, "scales");
    if (!scales.equals(ScaleRange.FULL) && !(accumulator instanceof AccumulatorKind.Exact)) {
      throw new FormatException(
          "MX core: a scale range narrows only the exact accumulator (a float register has"
              + " the whole range)");
    }
    if (accumulator instanceof AccumulatorKind.Fixed) {
      throw new FormatException(
          "MX core: the fixed-point accumulator is not built; use exact or a float (fp32, bf16, EeMm)");
    }
    if (pipeline.chunkBits() > 0 && !(accumulator instanceof AccumulatorKind.Exact)) {
      throw new FormatException(
          "MX core: pipeline chunk=" + pipeline.chunkBits() + " splits only the exact accumulator");
    }
    if (a.blockSize() != b.blockSize()) {
      throw new FormatException(
          "MX core: a and b need the same block size, got "
              + a.blockSize()
              + " ("
              + a.name()
              + ") and "
              + b.blockSize()
              + " ("
              + b.name()
              + ")");
    }
    if (blocks < 1) {
      throw new FormatException("MX core: blocks (--terms) must be at least 1, got " + blocks);
    }
    if (lanes < 1 || lanes > CoreSpec.MAX_LANES || a.blockSize() % lanes != 0) {
      throw new FormatException(
          "MX core: lanes must divide the block size "
              + a.blockSize()
              + " (at most "
              + CoreSpec.MAX_LANES
              + "), got "
              + lanes);
    }
    if (pipeline.treeEvery() > 0) {
      throw new FormatException(
          "MX core: pipeline tree="
              + pipeline.treeEvery()
              + " is not built; use decode, multiply, product, chunk=B");
    }
  }

  /**
   * A flat one-lane exact core for {@link #DEFAULT_BLOCKS} blocks, the full scale range, multiplies
   * in LUTs.
   */
  public static MxCoreSpec of(MxFormat a, MxFormat b) {
    return new MxCoreSpec(
        a,
        b,
        DEFAULT_BLOCKS,
        1,
        new AccumulatorKind.Exact(),
        Pipeline.NONE,
        false,
        ScaleRange.FULL);
  }

  public MxCoreSpec withBlocks(int n) {
    return new MxCoreSpec(a, b, n, lanes, accumulator, pipeline, dsp, scales);
  }

  public MxCoreSpec withLanes(int n) {
    return new MxCoreSpec(a, b, blocks, n, accumulator, pipeline, dsp, scales);
  }

  public MxCoreSpec withPipeline(Pipeline p) {
    return new MxCoreSpec(a, b, blocks, lanes, accumulator, p, dsp, scales);
  }

  public MxCoreSpec withDsp(boolean d) {
    return new MxCoreSpec(a, b, blocks, lanes, accumulator, pipeline, d, scales);
  }

  public MxCoreSpec withAccumulator(AccumulatorKind k) {
    return new MxCoreSpec(a, b, blocks, lanes, k, pipeline, dsp, scales);
  }

  public MxCoreSpec withScaleRange(ScaleRange r) {
    return new MxCoreSpec(a, b, blocks, lanes, accumulator, pipeline, dsp, r);
  }

  /**
   * True when the range is narrower than {@link ScaleRange#FULL}: the core has {@code io_range}.
   */
  public boolean hasRangeFlag() {
    return !scales.equals(ScaleRange.FULL);
  }

  /** True for the exact (Kulisch) accumulator. */
  public boolean exact() {
    return accumulator instanceof AccumulatorKind.Exact;
  }

  /** Elements per block (the same for a and b). */
  public int blockSize() {
    return a.blockSize();
  }

  /** Products the accumulator sums exactly: {@code blocks * blockSize}. */
  public int terms() {
    return blocks * blockSize();
  }

  /**
   * The element core: the element formats as a plain exact dot core of the same lanes, pipeline
   * (less chunks) and DSP choice, summing one block. Its lane units, flags and geometry (product
   * quantum and product bits) are the MX core's before the scale.
   */
  public CoreSpec elements() {
    Pipeline p = new Pipeline(pipeline.decode(), pipeline.multiply(), false, 0, 0);
    return new CoreSpec(
        a.element(), b.element(), blockSize(), lanes, new AccumulatorKind.Exact(), p, dsp);
  }

  /** The element pair's exact geometry for one block: product quantum, product bits. */
  public AccumulatorSpec elementGeometry() {
    return AccumulatorSpec.of(a.element(), b.element(), blockSize());
  }

  /** Width of a cycle's lane sum: product bits, the lanes' guard bits and a sign. */
  public int laneSumWidth() {
    return elementGeometry().productBits() + ceilLog2(lanes) + 1;
  }

  /**
   * Width of {@code io_acc}: for the exact register product bits + the scale span + guard bits for
   * the terms + sign; for a float register its bits.
   */
  public int accWidth() {
    if (accumulator instanceof AccumulatorKind.Floating f) {
      return f.width();
    }
    return exactWidth();
  }

  /** Width of the exact register: product bits + the scale range's span + guard bits + sign. */
  public int exactWidth() {
    return elementGeometry().productBits() + scales.span() + ceilLog2(terms()) + 1;
  }

  /**
   * Exponent of the exact register's LSB (the unit of a float register's addends): element product
   * quantum + the implicit element scales + the range's smallest combined scale (-254 for the full
   * range; a float register always has -254).
   */
  public int lsbExponent() {
    return elementGeometry().lsbExponent()
        + a.implicitExponent()
        + b.implicitExponent()
        + scales.min();
  }

  /** Cycles from presenting elements and scales to seeing them in {@code io_acc}. */
  public int latency() {
    return pipeline.latency(lanes, accWidth());
  }

  /** Always true: a NaN scale sets {@code io_nan}. */
  public boolean hasNanFlag() {
    return true;
  }

  /** True when an element format has inf (MXFP8_E5M2): the core has io_posInf and io_negInf. */
  public boolean hasInfFlags() {
    return elements().hasInfFlags();
  }

  private static int ceilLog2(int n) {
    return 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  /**
   * {@code exmy_mxmac_<a>} or {@code exmy_mxdot<L>_<a>}, {@code _x_<b>} when b differs, {@code
   * _k<block>}, {@code _t<blocks>} when not the default, {@code _pipe_<tag>}, {@code _dsp}. E.g.
   * {@code exmy_mxdot4_mxfp8_e4m3_x_mxfp6_e2m3_k32}.
   */
  public String moduleName() {
    StringBuilder n = new StringBuilder(lanes == 1 ? "exmy_mxmac_" : "exmy_mxdot" + lanes + "_");
    n.append(ident(elementName(a)));
    if (!elementName(a).equals(elementName(b))) {
      n.append("_x_").append(ident(elementName(b)));
    }
    n.append("_k").append(blockSize());
    if (blocks != DEFAULT_BLOCKS) {
      n.append("_t").append(blocks);
    }
    if (!exact()) {
      n.append("_acc").append(ident(accumulator.tag()));
    }
    if (hasRangeFlag()) {
      n.append("_x")
          .append(scales.min() < 0 ? "m" + -scales.min() : "" + scales.min())
          .append("_")
          .append(scales.max() < 0 ? "m" + -scales.max() : "" + scales.max());
    }
    if (!pipeline.isFlat()) {
      n.append("_pipe_").append(pipeline.tag());
    }
    if (dsp) {
      n.append("_dsp");
    }
    return n.toString();
  }

  /** The MX name without {@code :block=K} (the block is named once, by {@code _k}). */
  private static String elementName(MxFormat f) {
    String s = f.name();
    int at = s.toLowerCase(Locale.ROOT).indexOf(":block=");
    return at < 0 ? s : s.substring(0, at);
  }

  private static String ident(String name) {
    return name.toLowerCase(Locale.ROOT)
        .replace("-", "m")
        .replaceAll("[^a-z0-9]+", "_")
        .replaceAll("_+$", "");
  }

  /** For people: {@code MXFP8_E4M3 x MXFP6_E2M3, block 32 (4 lanes, pipeline ...) +DSP}. */
  public String label() {
    String f =
        elementName(a).equals(elementName(b))
            ? elementName(a)
            : elementName(a) + " x " + elementName(b);
    List<String> extra = new ArrayList<>();
    extra.add("block " + blockSize());
    if (lanes > 1) {
      extra.add(lanes + " lanes");
    }
    if (!exact()) {
      extra.add("acc " + accumulator.tag());
    }
    if (hasRangeFlag()) {
      extra.add("scales " + scales);
    }
    if (!pipeline.isFlat()) {
      extra.add("pipeline " + pipeline);
    }
    return f + " (" + String.join(", ", extra) + ")" + (dsp ? " +DSP" : "");
  }

  /** The header comment of the generated module: what it computes, its ports' meaning, latency. */
  public List<String> describe() {
    List<String> l = new ArrayList<>();
    l.add(
        "MX dot-product core (OCP Microscaling v1.0): "
            + lanes
            + (lanes == 1 ? " lane" : " lanes")
            + " of "
            + a.name()
            + " x "
            + b.name()
            + " elements per cycle, blocks of "
            + blockSize()
            + " elements"
            + " ("
            + blockSize() / lanes
            + (blockSize() / lanes == 1 ? " cycle" : " cycles")
            + " a block).");
    l.add(
        "io_scale_a, io_scale_b: the E8M0 scale codes of the block the cycle's elements belong to"
            + " (2^(code-127); 0xFF = NaN); hold them for the block.");
    if (hasRangeFlag()) {
      l.add(
          "Each cycle: the lanes' exact products summed, shifted left by io_scale_a + io_scale_b - "
              + (scales.min() + 254)
              + " (0.."
              + scales.span()
              + "), added into the exact accumulator; a NaN scale adds 0"
              + " and sets io_nan.");
      l.add(
          "Scale range "
              + scales
              + ": a valid cycle whose Xa + Xb = io_scale_a + io_scale_b - 254 lies outside"
              + " adds 0 and sets the sticky io_range flag (io_acc then misses it).");
    } else {
      l.add(
          "Each cycle: the lanes' exact products summed, shifted left by io_scale_a + io_scale_b (0..508),"
              + " added into the exact accumulator; a NaN scale adds 0 and sets io_nan.");
    }
    String implicit =
        a.implicitExponent() + b.implicitExponent() != 0
            ? " (includes the INT elements' implicit 2^"
                + a.implicitExponent()
                + " x 2^"
                + b.implicitExponent()
                + ")"
            : "";
    if (accumulator instanceof AccumulatorKind.Floating f) {
      l.add(
          "Floating-point accumulator "
              + f.tag()
              + " (E"
              + f.exponentBits()
              + "M"
              + f.mantissaBits()
              + ", bias "
              + f.bias()
              + "): acc = RNE(acc + lane sum * 2^(scale_a + scale_b - 254)), rounded once per cycle"
              + (lanes == blockSize()
                  ? " (once per block)."
                  : " (per " + lanes + " of a block's " + blockSize() + " elements)."));
      l.add(
          "io_acc is its bit pattern (sign, exponent, mantissa); overflow gives inf. Lane sums are in units of 2^"
              + lsbExponent()
              + implicit
              + ".");
    } else {
      l.add(
          "Exact accumulator (Kulisch): up to "
              + blocks
              + " blocks ("
              + terms()
              + " products) at "
              + (hasRangeFlag() ? "Xa + Xb in " + scales : "any scales")
              + " summed without rounding; wraps modulo 2^"
              + accWidth()
              + " after that.");
      l.add(
          "io_acc is a "
              + accWidth()
              + "-bit two's complement integer; value = io_acc * 2^"
              + lsbExponent()
              + implicit
              + ".");
    }
    l.add(
        "io_nan: sticky since the last clear (a NaN scale or a NaN product)"
            + (hasInfFlags() ? "; io_posInf / io_negInf: sticky infinite products" : "")
            + ".");
    l.add(
        dsp
            ? "Multiplies as Verilog '*' (for DSP blocks)."
            : "Multiplies in LUTs and carry chains, no DSP blocks.");
    l.add(
        "Latency "
            + latency()
            + (latency() == 1 ? " cycle" : " cycles")
            + " (pipeline: "
            + pipeline
            + ")."
            + " io_clear restarts the sum, io_valid adds the cycle's lanes.");
    return l;
  }
}
