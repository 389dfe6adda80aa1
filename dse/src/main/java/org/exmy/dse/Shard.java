package org.exmy.dse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Shard {@code index} of {@code count} of a sweep's stages: a deterministic part of the whole grid,
 * balanced by an estimated cost per stage. Stages are taken in decreasing estimated cost (ties by
 * the SHA-256 of their key) and each goes to the shard with the least estimated load so far
 * (longest-processing-time first), so the assignment depends only on the grid's stage keys, never
 * on what the cache holds, and is the same on every re-run and on every node.
 *
 * @param index this shard, {@code 0 <= index < count}
 * @param count the shards in all
 */
public record Shard(int index, int count) {
  /** Checks the range. */
  public Shard {
    if (count < 1)
      throw new IllegalArgumentException("--shard: N must be at least 1, got " + count);
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "--shard: I must be in 0.." + (count - 1) + ", got " + index);
    }
  }

  /**
   * Parses {@code I/N}.
   *
   * @throws IllegalArgumentException with a one-line message for anything else
   */
  public static Shard parse(String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    if (slash <= 0
        || slash == t.length() - 1
        || !t.substring(0, slash).matches("\\d{1,9}")
        || !t.substring(slash + 1).matches("\\d{1,9}")) {
      throw new IllegalArgumentException("--shard must be I/N (e.g. 0/4), got '" + text + "'");
    }
    return new Shard(
        Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
  }

  /**
   * Estimated relative cost of a stage by its kind: synthesis costs most, a Verilator proof less,
   * an accuracy stage least. Only the ratios matter (they balance shards).
   */
  public static double estimatedCost(String kind) {
    return switch (kind) {
      case "cost" -> 10.0;
      case "proof" -> 6.0;
      case "accuracy" -> 2.0;
      default -> 1.0;
    };
  }

  /**
   * The shard of each item: {@code out[i]} is the shard of {@code items.get(i)}.
   *
   * @param key a stable identity of an item (a stage's configuration)
   * @param cost the item's estimated cost
   */
  public static <T> int[] assign(
      List<T> items,
      int count,
      java.util.function.Function<T, String> key,
      ToDoubleFunction<T> cost) {
    List<Integer> order = new ArrayList<>();
    String[] hashes = new String[items.size()];
    for (int i = 0; i < items.size(); i++) {
      order.add(i);
      hashes[i] = ResultCache.key(key.apply(items.get(i)));
    }
    order.sort(
        Comparator.<Integer>comparingDouble(i -> -cost.applyAsDouble(items.get(i)))
            .thenComparing(i -> hashes[i]));
    double[] load = new double[count];
    int[] out = new int[items.size()];
    for (int i : order) {
      int best = 0;
      for (int s = 1; s < count; s++) {
        if (load[s] < load[best]) best = s;
      }
      out[i] = best;
      load[best] += cost.applyAsDouble(items.get(i));
    }
    return out;
  }

  /** The items of this shard, in their given order. */
  public <T> List<T> select(
      List<T> items, java.util.function.Function<T, String> key, ToDoubleFunction<T> cost) {
    int[] a = assign(items, count, key, cost);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (a[i] == index) out.add(items.get(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
