package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {
  private static List<String> stages() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      out.add((i % 3 == 0 ? "cost" : i % 3 == 1 ? "proof" : "accuracy") + "|point" + i);
    }
    return out;
  }

  private static double cost(String s) {
    return Shard.estimatedCost(s.substring(0, s.indexOf('|')));
  }

  @Test
  void shardsPartitionTheStagesAndBalanceTheCost() {
    List<String> all = stages();
    for (int n : new int[] {1, 2, 3, 4, 7}) {
      List<String> union = new ArrayList<>();
      double min = Double.MAX_VALUE;
      double max = 0;
      for (int i = 0; i < n; i++) {
        List<String> part = new Shard(i, n).select(all, s -> s, ShardTest::cost);
        union.addAll(part);
        double load = part.stream().mapToDouble(ShardTest::cost).sum();
        min = Math.min(min, load);
        max = Math.max(max, load);
      }
      Collections.sort(union);
      List<String> sorted = new ArrayList<>(all);
      Collections.sort(sorted);
      assertEquals(sorted, union, "shards of " + n + " are disjoint and cover every stage");
      // greedy least-loaded: loads differ by at most the largest stage (10)
      assertTrue(max - min <= 10.0, "n=" + n + " loads " + min + ".." + max);
    }
  }

  @Test
  void assignmentIsIndependentOfOrder() {
    List<String> all = stages();
    List<String> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new java.util.Random(7));
    int[] a = Shard.assign(all, 4, s -> s, ShardTest::cost);
    int[] b = Shard.assign(shuffled, 4, s -> s, ShardTest::cost);
    int[] bInOrder = new int[all.size()];
    for (int i = 0; i < shuffled.size(); i++) {
      bInOrder[all.indexOf(shuffled.get(i))] = b[i];
    }
    assertArrayEquals(a, bInOrder);
  }

  @Test
  void parseAndRefusals() {
    assertEquals(new Shard(2, 4), Shard.parse("2/4"));
    for (String bad : new String[] {"4/4", "-1/4", "a/4", "1/", "/4", "1", "0/0", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad));
      assertTrue(e.getMessage().startsWith("--shard"), e.getMessage());
      assertEquals(-1, e.getMessage().indexOf('\n'));
    }
  }
}
