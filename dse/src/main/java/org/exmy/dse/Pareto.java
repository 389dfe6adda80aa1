package org.exmy.dse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of a set of points under two objectives: a cost to minimise (LUTs) and a merit
 * to maximise (top-1 accuracy). A point is on the front when no other point beats it, i.e. is at
 * least as good in both and strictly better in one; points equal in both are all on the front.
 */
public final class Pareto {
  private Pareto() {}

  /**
   * The points of {@code all} that no other point beats, ordered by ascending cost (then descending
   * merit). Points with a NaN objective are never on the front.
   */
  public static <T> List<T> front(
      List<T> all, ToDoubleFunction<T> cost, ToDoubleFunction<T> merit) {
    List<T> sorted = new ArrayList<>();
    for (T p : all) {
      if (!Double.isNaN(cost.applyAsDouble(p)) && !Double.isNaN(merit.applyAsDouble(p)))
        sorted.add(p);
    }
    sorted.sort(
        Comparator.<T>comparingDouble(cost)
            .thenComparing(Comparator.comparingDouble(merit).reversed()));
    List<T> front = new ArrayList<>();
    double bestMerit = Double.NEGATIVE_INFINITY;
    double bestCost = Double.NaN;
    for (T p : sorted) {
      double c = cost.applyAsDouble(p);
      double m = merit.applyAsDouble(p);
      // beaten by an earlier (cheaper or equally cheap) point with more merit, or equal cost and
      // merit
      // already strictly better
      if (m > bestMerit || (m == bestMerit && c == bestCost)) {
        front.add(p);
        if (m > bestMerit) {
          bestMerit = m;
          bestCost = c;
        }
      }
    }
    return front;
  }
}
