package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.SplittableRandom;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.simulator.Specials;
import org.junit.jupiter.api.Test;

/** The fuzzer's configurations: one seed, one configuration; and the draws cover the space. */
class FuzzConfigTest {
  private static final int N = 3000;

  private static List<FuzzConfig> campaign(long master) {
    PrimitiveIterator.OfLong seeds = FuzzConfig.seeds(master);
    List<FuzzConfig> out = new ArrayList<>();
    for (int i = 0; i < N; i++) out.add(FuzzConfig.draw(seeds.nextLong()));
    return out;
  }

  @Test
  void aSeedAloneGivesTheSameConfiguration() {
    List<FuzzConfig> a = campaign(42);
    List<FuzzConfig> b = campaign(42);
    for (int i = 0; i < N; i++) {
      assertEquals(a.get(i), b.get(i));
      FuzzConfig again =
          FuzzConfig.draw(FuzzConfig.parseSeed(FuzzConfig.seedText(a.get(i).seed())));
      assertEquals(a.get(i).describe(), again.describe());
      assertEquals(a.get(i).spec().moduleName(), again.spec().moduleName());
    }
    assertTrue(!campaign(43).get(0).equals(a.get(0)), "another master seed, other configurations");
  }

  @Test
  void seedsPrintAndParseBack() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 1000; i++) {
      long s = r.nextLong();
      String t = FuzzConfig.seedText(s);
      assertTrue(t.matches("0x[0-9a-f]{16}"), t);
      assertEquals(s, FuzzConfig.parseSeed(t));
      assertEquals(s, FuzzConfig.parseSeed(t.substring(2).toUpperCase()));
    }
    assertEquals(0x1fL, FuzzConfig.parseSeed("0x1F"));
    for (String bad : List.of("", "0x", "xyz", "0x12345678901234567", "-5", "1.5")) {
      assertThrows(NumberFormatException.class, () -> FuzzConfig.parseSeed(bad), bad);
    }
  }

  /** Every parameter the brief names is drawn, in both directions where it has two. */
  @Test
  void theDrawsCoverEveryParameter() {
    List<FuzzConfig> cs = campaign(1);
    Set<Specials> specials = EnumSet.noneOf(Specials.class);
    Set<Integer> floatBits = new HashSet<>();
    Set<Integer> exponents = new HashSet<>();
    Set<String> ints = new HashSet<>();
    Set<Integer> lanes = new HashSet<>();
    Set<Pipeline> presets = new HashSet<>();
    boolean negativeBias = false;
    boolean oddBias = false;
    boolean subnormalsOff = false;
    boolean zeroMantissa = false;
    int mixed = 0;
    int same = 0;
    int chunked = 0;
    int named = 0;
    int treeStages = 0;
    List<Integer> terms = new ArrayList<>();
    Set<String> accumulators = new HashSet<>();
    int multiply = 0;
    for (FuzzConfig c : cs) {
      CoreSpec s = c.spec();
      for (NumberFormat f : List.of(s.a(), s.b())) {
        if (f instanceof FloatFormat ff) {
          specials.add(ff.specials());
          floatBits.add(ff.bits());
          exponents.add(ff.exponentBits());
          negativeBias |= ff.bias() < 0;
          oddBias |= ff.bias() % 2 != 0 && ff.bias() != (1 << (ff.exponentBits() - 1)) - 1;
          subnormalsOff |= !ff.subnormals();
          zeroMantissa |= ff.mantissaBits() == 0;
        } else {
          IntFormat i = (IntFormat) f;
          ints.add((i.signed() ? "INT" : "UINT") + i.bits());
        }
      }
      if (s.a().equals(s.b())) same++;
      else mixed++;
      assertTrue(s.terms() >= s.lanes() && s.terms() <= 1 << 20, c::describe);
      terms.add(s.terms());
      lanes.add(s.lanes());
      Pipeline p = s.pipeline();
      for (int k = 1; k <= 4; k++) if (p.equals(Pipeline.preset(k))) presets.add(p);
      if (p.chunkBits() > 0) chunked++;
      if (p.treeEvery() > 0 && s.lanes() > 1) treeStages++;
      if (!p.isFlat() && !presets.contains(p)) named++;
      accumulators.add(s.accumulator().getClass().getSimpleName());
      if (!(s.accumulator() instanceof AccumulatorKind.Exact)) {
        assertEquals(
            0, p.chunkBits(), "chunked registers only for the exact accumulator: " + c.describe());
      }
      multiply += p.multiply() ? 1 : 0;
      assertEquals(FuzzConfig.SEQUENCES, c.sequences());
      assertTrue(c.maxLength() >= 8 && c.maxLength() <= 2048);
    }
    assertEquals(
        Set.of("Exact", "Fixed", "Floating"), accumulators, "every kind of accumulator is drawn");
    assertTrue(multiply > 0, "the multiply stage is drawn");
    assertEquals(EnumSet.allOf(Specials.class), specials);
    assertEquals(Set.of(3, 4, 5, 6, 7, 8), floatBits);
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7), exponents);
    assertTrue(negativeBias && oddBias && subnormalsOff && zeroMantissa);
    for (int bits = 2; bits <= 8; bits++) {
      assertTrue(ints.contains("INT" + bits) && ints.contains("UINT" + bits), "INT/UINT" + bits);
    }
    assertTrue(mixed > N / 2 && same > N / 5, mixed + " mixed, " + same + " same");
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 16), lanes);
    assertEquals(4, presets.size());
    assertTrue(
        chunked > N / 20 && named > N / 10 && treeStages > N / 20,
        chunked + " " + named + " " + treeStages);
    // terms skewed small: a third below 16, about one in ten 2^16 or more, and the extremes
    terms.sort(null);
    long small = terms.stream().filter(t -> t < 16).count();
    long large = terms.stream().filter(t -> t >= 1 << 16).count();
    assertTrue(small > N / 4 && small < N / 2, small + " below 16");
    assertTrue(large > N / 20 && large < N / 5, large + " of 2^16 or more");
    assertEquals(1, (int) terms.get(0));
    assertEquals(1 << 20, (int) terms.get(N - 1));
    assertTrue(terms.get(N / 2) < 1024, "median " + terms.get(N / 2));
  }

  /** Every drawn configuration is one the generator builds. */
  @Test
  void theGeneratorBuildsEveryDraw() {
    PrimitiveIterator.OfLong seeds = FuzzConfig.seeds(7);
    for (int i = 0; i < 300; i++) {
      FuzzConfig c = FuzzConfig.draw(seeds.nextLong());
      assertEquals(
          c.spec().moduleName(), MacGenerator.generate(c.spec()).moduleName(), c::describe);
    }
  }
}
