package org.exmy.mac;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.simulator.Pipeline;

/**
 * The adder tree of a dot-product core: each level adds neighbours, one bit wider (at most {@code
 * cap} bits: then modulo 2^cap, as a wrapping register would keep them); an odd one out moves up
 * unchanged. With {@link Pipeline#treeEvery()} a register follows every that many levels (and the
 * last), and the control is registered with it.
 */
final class AdderTree {
  private AdderTree() {}

  /** The tree's sum and the control as it arrives with it. */
  record Sum(Expr sum, Control control) {}

  static Sum build(Component c, List<Expr> lanes, Pipeline pipe, int cap, Control ctl) {
    List<Expr> level = lanes;
    int levels = Pipeline.treeLevels(lanes.size());
    for (int lvl = 1; level.size() > 1; lvl++) {
      List<Expr> next = new ArrayList<>();
      for (int j = 0; j + 1 < level.size(); j += 2) {
        Expr x = level.get(j);
        Expr y = level.get(j + 1);
        int ww = Math.min(cap, Math.max(x.width(), y.width()) + 1);
        next.add(
            c.wire(
                "tree" + lvl + "_" + j / 2,
                fit(x, ww).add(fit(y, ww)),
                j == 0
                    ? "adder tree level "
                        + lvl
                        + (cap == Integer.MAX_VALUE
                            ? " (signed, never overflows)"
                            : " (modulo 2^" + cap + ", as the register)")
                    : null));
      }
      if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
      level = next;
      if (pipe.treeEvery() > 0 && (lvl % pipe.treeEvery() == 0 || lvl == levels)) {
        List<Expr> regs = new ArrayList<>();
        for (int j = 0; j < level.size(); j++) {
          regs.add(
              Stages.reg(
                  c,
                  "t" + lvl + "_" + j,
                  level.get(j),
                  j == 0 ? "tree stage after level " + lvl : null));
        }
        level = regs;
        ctl = ctl.register(c, "t" + lvl);
      }
    }
    return new Sum(level.get(0), ctl);
  }

  /** A two's complement value at {@code w} bits: sign-extended, or its low bits (modulo 2^w). */
  static Expr fit(Expr x, int w) {
    if (x.width() == w) return x;
    return x.width() < w ? x.sext(w) : x.resize(w);
  }
}
