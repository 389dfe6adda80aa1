package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exmy sweep --shard}, {@code --status}, {@code --collect} and the refusals of the SLURM
 * options.
 */
class SweepShardsTest {
  @TempDir Path dir;

  /** Two proofs only: E2M1 and INT4, one random sequence each. */
  private String[] sweep(String out, String cache, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "sweep",
                "--formats",
                "E2M1,INT4",
                "--no-synth",
                "--no-accuracy",
                "--sequences",
                "1",
                "-o",
                dir.resolve(out).toString(),
                "--cache",
                dir.resolve(cache).toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static void assertOneLineExit2(SweepCommandTest.Run r, String expected) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().startsWith("exmy: error: ") && r.err().contains(expected), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void modesAndSlurmOptionsAreRefusedInOneLine() {
    String alone = "--collect, --status, --slurm and --shard go alone";
    assertOneLineExit2(SweepCommandTest.run(sweep("o", "c", "--collect", "--shard", "0/2")), alone);
    assertOneLineExit2(SweepCommandTest.run(sweep("o", "c", "--status", "--slurm")), alone);
    assertOneLineExit2(
        SweepCommandTest.run(sweep("o", "c", "--submit")),
        "--submit, --partition and --time go" + " with --slurm");
    assertOneLineExit2(
        SweepCommandTest.run(sweep("o", "c", "--slurm", "--time", "1h")), "--time must be");
    assertOneLineExit2(
        SweepCommandTest.run(sweep("o", "c", "--slurm", "--array-size", "0")),
        "--array-size must be 1..10000, got 0");
    assertFalse(Files.exists(dir.resolve("o").resolve("slurm")));
  }

  @Test
  void anEmptyCacheHasEveryStageMissing() {
    SweepCommandTest.Run s = SweepCommandTest.run(sweep("o", "c", "--status"));
    assertEquals(0, s.exit(), s.err());
    assertEquals(
        "proof 0/2; 0 of 2 stages finished (cache " + dir.resolve("c") + ")", s.out().strip());
    assertOneLineExit2(
        SweepCommandTest.run(sweep("o", "c", "--collect")),
        "2 stages are missing from the cache "
            + dir.resolve("c")
            + " (proof 0/2; 0 of 2 stages finished)");
    assertFalse(Files.exists(dir.resolve("o").resolve("points.csv")));
  }

  @Test
  void shardsFillTheCacheAndCollectMakesWhatOneSweepMakes() throws Exception {
    RequireTools.verilatorBackend();
    SweepCommandTest.Run s0 = SweepCommandTest.run(sweep("o", "c", "--shard", "0/2"));
    assertEquals(0, s0.exit(), s0.out() + s0.err());
    assertTrue(s0.out().startsWith("shard 0/2: 1 stages (0 from the cache)"), s0.out());
    assertFalse(
        Files.exists(dir.resolve("o").resolve("points.csv")), "a shard writes only to the cache");
    assertEquals(
        "proof 1/2; 1 of 2 stages finished (cache " + dir.resolve("c") + ")",
        SweepCommandTest.run(sweep("o", "c", "--status")).out().strip());
    assertOneLineExit2(SweepCommandTest.run(sweep("o", "c", "--collect")), "1 stages are missing");
    SweepCommandTest.Run s1 = SweepCommandTest.run(sweep("o", "c", "--shard", "1/2"));
    assertEquals(0, s1.exit(), s1.out() + s1.err());
    SweepCommandTest.Run c = SweepCommandTest.run(sweep("o", "c", "--collect"));
    assertEquals(0, c.exit(), c.out() + c.err());
    assertTrue(c.out().contains("2 points, 2 stages (2 from the cache)"), c.out());
    SweepCommandTest.Run one = SweepCommandTest.run(sweep("one", "c1"));
    assertEquals(0, one.exit(), one.out() + one.err());
    assertEquals(
        SlurmClusterTest.withoutTiming(dir.resolve("one").resolve("points.csv")),
        SlurmClusterTest.withoutTiming(dir.resolve("o").resolve("points.csv")));
  }
}
