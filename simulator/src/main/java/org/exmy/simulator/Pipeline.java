package org.exmy.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a core has register stages beyond its accumulator. Pipelining never changes what a core
 * computes, only when: the output after cycle {@code t} shows the sum of the products presented up
 * to cycle {@code t - latency + 1}. The model ignores it (a property the tests check).
 *
 * @param decode a register after the operand decoders
 * @param multiply a register after the significand multiply, before the product is shifted into the
 *     accumulator's units
 * @param product a register after each lane's shifted product (the accumulator's addend)
 * @param treeEvery in a dot-product core, a register after every {@code treeEvery} levels of the
 *     adder tree (the last level included); 0 for none
 * @param chunkBits split the accumulator into chunks of this many bits whose carries are registered
 *     between chunks (the loop then has a {@code chunkBits}-bit carry chain), and add the pending
 *     carries in one more cycle; 0 for a whole accumulator
 */
public record Pipeline(
    boolean decode, boolean multiply, boolean product, int treeEvery, int chunkBits) {
  /** The flat core: one cycle, the register is the accumulator. */
  public static final Pipeline NONE = new Pipeline(false, false, false, 0, 0);

  public Pipeline {
    if (treeEvery < 0 || treeEvery > 16) {
      throw new FormatException("tree register spacing must be 0..16 levels, got " + treeEvery);
    }
    if (chunkBits != 0 && (chunkBits < 2 || chunkBits > 64)) {
      throw new FormatException(
          "accumulator chunks must be 2..64 bits (or 0 for none), got " + chunkBits);
    }
  }

  /** Levels of the adder tree of an N-lane core: {@code ceil(log2 lanes)}. */
  public static int treeLevels(int lanes) {
    return 32 - Integer.numberOfLeadingZeros(lanes - 1);
  }

  /** Tree registers of an N-lane core: {@code ceil(levels / treeEvery)}, 0 for a one-lane core. */
  public int treeRegisters(int lanes) {
    int levels = treeLevels(lanes);
    return treeEvery == 0 || levels == 0 ? 0 : (levels + treeEvery - 1) / treeEvery;
  }

  /**
   * True when an accumulator of {@code width} bits is split (a chunk narrower than the register).
   */
  public boolean chunks(int width) {
    return chunkBits > 0 && chunkBits < width;
  }

  /**
   * Cycles from presenting operands to seeing them in {@code io_acc} of a core with {@code lanes}
   * lanes and a {@code width}-bit accumulator.
   */
  public int latency(int lanes, int width) {
    return 1
        + (decode ? 1 : 0)
        + (multiply ? 1 : 0)
        + (product ? 1 : 0)
        + treeRegisters(lanes)
        + (chunks(width) ? 1 : 0);
  }

  /** True for the flat core. */
  public boolean isFlat() {
    return equals(NONE);
  }

  /** Short tag for module names: empty for the flat core, else e.g. {@code dp_t2_c16}. */
  public String tag() {
    List<String> parts = new ArrayList<>();
    String stages = (decode ? "d" : "") + (multiply ? "m" : "") + (product ? "p" : "");
    if (!stages.isEmpty()) {
      parts.add(stages);
    }
    if (treeEvery > 0) {
      parts.add("t" + treeEvery);
    }
    if (chunkBits > 0) {
      parts.add("c" + chunkBits);
    }
    return String.join("_", parts);
  }

  /**
   * Human-readable: {@code none} or {@code decode,product,tree=2,chunk=16}, as {@link #parse} reads
   * it.
   */
  @Override
  public String toString() {
    if (isFlat()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    if (decode) {
      parts.add("decode");
    }
    if (multiply) {
      parts.add("multiply");
    }
    if (product) {
      parts.add("product");
    }
    if (treeEvery > 0) {
      parts.add("tree=" + treeEvery);
    }
    if (chunkBits > 0) {
      parts.add("chunk=" + chunkBits);
    }
    return String.join(",", parts);
  }

  /**
   * Parses {@code none}, a preset number N (see {@link #preset}), or named stages {@code
   * decode,multiply,product,tree=K,chunk=B} in any order.
   *
   * @throws FormatException naming what was wrong
   */
  public static Pipeline parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none") || t.isEmpty()) {
      return NONE;
    }
    if (t.matches("\\d{1,2}")) {
      return preset(Integer.parseInt(t));
    }
    boolean decode = false;
    boolean multiply = false;
    boolean product = false;
    int tree = 0;
    int chunk = 0;
    for (String part : t.split(",")) {
      String p = part.trim();
      if (p.equals("decode")) {
        decode = true;
      } else if (p.equals("multiply")) {
        multiply = true;
      } else if (p.equals("product")) {
        product = true;
      } else if (p.matches("tree=\\d{1,2}")) {
        tree = Integer.parseInt(p.substring(5));
      } else if (p.matches("chunk=\\d{1,2}")) {
        chunk = Integer.parseInt(p.substring(6));
      } else {
        throw new FormatException(
            "unknown pipeline stage '"
                + p
                + "': use a number of stages, none, or a list of decode, multiply, product, tree=K, chunk=B");
      }
    }
    return new Pipeline(decode, multiply, product, tree, chunk);
  }

  /**
   * Presets, each adding to the one before, where they shorten the longest path first: 1 = a
   * register after the product; 2 = also after decode; 3 = also after the significand multiply and
   * after every adder-tree level of a dot core; 4 = also a chunked accumulator of 16-bit chunks.
   */
  public static Pipeline preset(int n) {
    switch (n) {
      case 0:
        return NONE;
      case 1:
        return new Pipeline(false, false, true, 0, 0);
      case 2:
        return new Pipeline(true, false, true, 0, 0);
      case 3:
        return new Pipeline(true, true, true, 1, 0);
      case 4:
        return new Pipeline(true, true, true, 1, 16);
      default:
        throw new FormatException("--pipeline takes 0..4 stages or named stages, got " + n);
    }
  }
}
