package org.exmy.mac;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;

/**
 * The lanes of an unpipelined dot-product core, summed by chains of adders (at most {@link
 * #CHAIN_LANES} lanes each) joined by a balanced tree. Each adder is one bit wider than its widest
 * operand (signed, never overflows; at most the accumulator width, modulo which every sum is
 * taken). The running sum is a carry-chain output and so a free DI operand, and the next lane's
 * last placement step folds into the S LUTs. A float lane's +1 (ones' complement) is a carry-in: a
 * chain's first lane goes through a carry chain of its own ({@code chain<i>} = its product in two's
 * complement; S = the placed bit, DI = 0), which also keeps every S LUT one level behind the
 * placement; lane i's +1 goes to the adder after lane i+1, a chain's last lane's to the adder that
 * takes the chain's sum (the tree over the chains, then the accumulator). mac-library/QOR.md
 * compares this with a balanced tree of lanes ({@link AdderTree}, which pipelined cores use).
 */
final class AdderChain {
  /** Lanes per adder chain (longer chains are slower, not larger). */
  static final int CHAIN_LANES = 8;

  private AdderChain() {}

  /** The lanes' sum and the carry-in still to be added (null when none). */
  record Sum(Expr sum, Expr carryIn) {}

  /**
   * @param prods each lane's product: ones' complement when {@code cins} is not null (then {@code
   *     cins} holds each lane's +1), else two's complement
   * @param cap the accumulator width: no sum is wider
   */
  static Sum build(Component c, List<Expr> prods, List<Expr> cins, int cap) {
    int lanes = prods.size();
    boolean ones = cins != null;
    List<Expr> sums = new ArrayList<>();
    List<Expr> pending = new ArrayList<>();
    for (int g = 0; g < lanes; g += CHAIN_LANES) {
      int end = Math.min(lanes, g + CHAIN_LANES);
      Expr sum = prods.get(g);
      if (ones) {
        int ww = Math.min(sum.width() + 1, cap);
        sum =
            c.wire(
                "chain" + g,
                sum.sext(ww).add(cins.get(g).zext(ww)),
                "lane "
                    + g
                    + "'s product in two's complement, then running sums: chain<i> = lanes "
                    + g
                    + "..i");
      }
      for (int i = g + 1; i < end; i++) {
        Expr x = prods.get(i);
        int ww = Math.min(Math.max(sum.width(), x.width()) + 1, cap);
        Expr s = AdderTree.fit(sum, ww).add(AdderTree.fit(x, ww));
        if (ones && i >= g + 2) s = s.add(cins.get(i - 1).zext(ww));
        sum =
            c.wire(
                "chain" + i,
                s,
                !ones && i == g + 1 ? "running sums: chain<i> = lanes " + g + "..i" : null);
      }
      sums.add(sum);
      if (ones) pending.add(cins.get(end - 1));
    }
    for (int lvl = 1; sums.size() > 1; lvl++) {
      List<Expr> next = new ArrayList<>();
      for (int j = 0; j + 1 < sums.size(); j += 2) {
        Expr x = sums.get(j);
        Expr y = sums.get(j + 1);
        int ww = Math.min(Math.max(x.width(), y.width()) + 1, cap);
        Expr s = AdderTree.fit(x, ww).add(AdderTree.fit(y, ww));
        if (ones) s = s.add(pending.remove(0).zext(ww));
        next.add(
            c.wire(
                "tree" + lvl + "_" + j / 2, s, j == 0 ? "sums of the chains, level " + lvl : null));
      }
      if (sums.size() % 2 == 1) next.add(sums.get(sums.size() - 1));
      sums = next;
    }
    return new Sum(sums.get(0), ones ? pending.remove(0) : null);
  }
}
