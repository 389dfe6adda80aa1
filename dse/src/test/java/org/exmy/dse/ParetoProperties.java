package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The front against the definition, checked pair by pair (quadratic, independent of the sort). */
class ParetoProperties {
  record P(double cost, double merit) {}

  static boolean beats(P a, P b) {
    return a.cost <= b.cost && a.merit >= b.merit && (a.cost < b.cost || a.merit > b.merit);
  }

  @Property(tries = 500)
  void frontIsExactlyTheUnbeatenPoints(
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 400) Integer> costs,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 20) Integer> merits) {
    List<P> pts = new ArrayList<>();
    for (int i = 0; i < Math.min(costs.size(), merits.size()); i++)
      pts.add(new P(costs.get(i), merits.get(i)));
    List<P> want = new ArrayList<>();
    for (P p : pts) {
      if (pts.stream().noneMatch(q -> beats(q, p))) want.add(p);
    }
    List<P> got = Pareto.front(pts, P::cost, P::merit);
    assertEquals(want.size(), got.size(), pts.toString());
    assertEquals(new java.util.HashSet<>(want), new java.util.HashSet<>(got));
    for (int i = 1; i < got.size(); i++) {
      assertEquals(true, got.get(i - 1).cost <= got.get(i).cost, "ascending cost");
    }
  }

  @Test
  void handWorkedExample() {
    // (LUTs, top-1): C is beaten by B (cheaper, more accurate); D ties A exactly; E has no accuracy
    P a = new P(58, 80.1);
    P b = new P(85, 88.0);
    P c = new P(110, 87.5);
    P d = new P(58, 80.1);
    P e = new P(10, Double.NaN);
    P f = new P(217, 91.2);
    assertEquals(List.of(a, d, b, f), Pareto.front(List.of(a, b, c, d, e, f), P::cost, P::merit));
  }
}
