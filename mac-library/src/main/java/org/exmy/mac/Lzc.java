package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.ones;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Signal;

/**
 * Leading-zero count as a tree: the value is padded below with ones to a power of two, then each
 * level merges pairs of groups (the upper group's count if it has a one, else its size plus the
 * lower group's count). One wire per level holds the groups' "has a one" bits, one their counts;
 * the lowest group of every level holds padding, so its "has a one" is 1 and is left out.
 */
final class Lzc {
  private Lzc() {}

  /** Width of {@link #count}'s result for a {@code width}-bit value: enough for 0..width. */
  static int countWidth(int width) {
    return 32 - Integer.numberOfLeadingZeros(width);
  }

  /**
   * The number of leading zeros of {@code x} ({@code x.width()} when {@code x} is zero), as a wire
   * {@code <name>} of {@link #countWidth} bits; the levels are wires {@code <name>_v<k>} and {@code
   * <name>_n<k>}.
   */
  static Signal count(Component c, String name, Expr x, String comment) {
    int k = countWidth(x.width());
    int size =
        1 << k; // > x.width(): at least one padding one, so the count never exceeds the width
    Expr padded = cat(x, ones(size - x.width()));
    // level 1: groups of two bits; has-one = either bit, count = 1 when the upper bit is 0
    int groups = size / 2;
    List<Expr> valid = new ArrayList<>();
    List<Expr> cnt = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int hi = size - 1 - 2 * g;
      valid.add(padded.bit(hi).or(padded.bit(hi - 1)));
      cnt.add(padded.bit(hi).not());
    }
    String what =
        comment
            + ": leading zeros of "
            + x.width()
            + " bits, padded with ones to "
            + size
            + "; level 1 = pairs of bits (has a one, count)";
    Signal v =
        groups == 1
            ? null
            : c.wire(name + "_v1", cat(valid.subList(0, groups - 1).toArray(new Expr[0])), what);
    Signal n =
        groups == 1
            ? c.wire(name + "_n1", cat(cnt.toArray(new Expr[0])), what)
            : c.wire(name + "_n1", cat(cnt.toArray(new Expr[0])));
    for (int level = 2; level <= k; level++) {
      int prevBits = level - 1;
      int prevGroups = groups;
      groups /= 2;
      valid.clear();
      cnt.clear();
      for (int g = 0; g < groups; g++) {
        Expr vHi = groupBit(v, prevGroups, 2 * g);
        Expr vLo = groupBit(v, prevGroups, 2 * g + 1);
        Expr nHi = group(n, prevGroups, prevBits, 2 * g);
        Expr nLo = group(n, prevGroups, prevBits, 2 * g + 1);
        valid.add(vHi.or(vLo));
        cnt.add(mux(vHi, cat(Hdl.zero(1), nHi), cat(Hdl.lit(1, 1), nLo)));
      }
      if (groups > 1) {
        v = c.wire(name + "_v" + level, cat(valid.subList(0, groups - 1).toArray(new Expr[0])));
      }
      n = c.wire(name + "_n" + level, cat(cnt.toArray(new Expr[0])));
    }
    return c.wire(name, n);
  }

  /**
   * "Has a one" of group {@code g} (0 = most significant) of {@code groups}: a bit of {@code s},
   * which leaves out the lowest group (always 1).
   */
  private static Expr groupBit(Signal s, int groups, int g) {
    return g == groups - 1 ? Hdl.lit(1, 1) : s.bit(groups - 2 - g);
  }

  /**
   * Group {@code g} (0 = most significant) of {@code bits} bits in a wire of {@code groups} groups.
   */
  private static Expr group(Signal s, int groups, int bits, int g) {
    int lo = (groups - 1 - g) * bits;
    return s.slice(lo + bits - 1, lo);
  }
}
