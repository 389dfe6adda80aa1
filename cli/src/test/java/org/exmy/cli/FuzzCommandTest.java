package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exmy fuzz}: a small seeded campaign, a configuration replayed alone, and bad options. */
class FuzzCommandTest {
  private static final Pattern PROGRESS =
      Pattern.compile("fuzz: \\[(\\d+)/5\\] (0x[0-9a-f]{16}) (.+): ok, (\\d+) vectors, [0-9.]+ s");

  @TempDir Path tmp;

  /**
   * Seed 3 draws five configurations that need no more than 1024 terms and between them cover a
   * dot-product core, pipelines, NaN/inf flags, mixed and integer operands (its first is
   * float8_e3m4 x E5M2:bias=-9:specials=ieee, 3 lanes, pipeline decode,product,tree=1).
   */
  @Test
  void fiveSeededConfigurationsAreProvenAndEachReplaysAlone() {
    RequireTools.verilatorBackend();
    Path failures = tmp.resolve("failures");
    CliTest.Run r =
        CliTest.run("", "fuzz", "--configs", "5", "--seed", "3", "--failures", failures.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    List<Matcher> lines = r.err().lines().map(PROGRESS::matcher).filter(Matcher::matches).toList();
    assertEquals(5, lines.size(), r.err());
    long vectors = lines.stream().mapToLong(m -> Long.parseLong(m.group(4))).sum();
    assertTrue(r.out().startsWith("fuzz: 5 configurations from seed 3 in "), r.out());
    assertTrue(r.out().contains(": 5 passed, 0 failed, " + vectors + " vectors compared"), r.out());
    assertTrue(
        lines
            .get(0)
            .group(3)
            .startsWith("float8_e3m4 x E5M2:bias=-9:specials=ieee, 1024 terms, 3 lanes"),
        lines.get(0).group(3));
    assertEquals(
        5, lines.stream().map(m -> m.group(2)).distinct().count(), "one seed per configuration");

    Matcher third = lines.get(2);
    CliTest.Run again =
        CliTest.run("", "fuzz", "--replay", third.group(2), "--failures", failures.toString());
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(
        again
            .err()
            .contains(
                "fuzz: [1/1] "
                    + third.group(2)
                    + " "
                    + third.group(3)
                    + ": ok, "
                    + third.group(4)
                    + " vectors"),
        again.err());
    assertTrue(again.out().startsWith("fuzz: 1 configuration replayed"), again.out());
    assertTrue(!failures.toFile().exists(), "passing configurations write no repro");
  }

  @Test
  void badOptionsAreOneLineErrors() throws java.io.IOException {
    String file = java.nio.file.Files.createFile(tmp.resolve("a-file")).toString();
    String[][] bad = {
      {"fuzz", "--configs", "0"},
      {"fuzz", "--configs", "1000001"},
      {"fuzz", "--replay", "xyz"},
      {"fuzz", "--replay", "0x1", "--seed", "3"},
      {"fuzz", "--minutes", "0"},
      {"fuzz", "--minutes", "-1"},
      {"fuzz", "--jobs", "0"},
      {"fuzz", "--seed", "x"},
      {"fuzz", "--failures", file},
      {"verify", "E2M1", "--failures", file}
    };
    for (String[] args : bad) {
      CliTest.Run r = CliTest.run("", args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("exmy: error: "), r.err());
    }
  }
}
