package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exmy mixed on the reference MLP with two candidates, checked against exmy accuracy. */
class MixedCommandTest {
  @TempDir Path dir;

  private CliTest.Run mixed(long budget, Path out) {
    return CliTest.run(
        "",
        "mixed",
        "mlp",
        "--formats",
        "INT4,INT8",
        "--budget",
        "" + budget,
        "--limit",
        "300",
        "--refine",
        "1",
        "--tries",
        "2",
        "-o",
        out.toString(),
        "--cache",
        dir.resolve("cache").toString(),
        "--threads",
        "2");
  }

  /**
   * At a budget of exactly the cheapest assignment's cost (named by the refusal of a smaller
   * budget), the only assignment that fits is INT4 everywhere: its measured top-1 must be what
   * {@code exmy accuracy --w INT4} measures, its cores and manifest must be written, and its LUTs
   * must add up to the budget. With a budget that fits INT8 everywhere, nothing chosen exceeds it.
   */
  @Test
  void theCheapestBudgetGivesTheUniformIntegerAssignment() throws IOException {
    org.exmy.testsupport.RequireTools.fashionMnist();
    org.exmy.testsupport.RequireTools.yosys();
    CliTest.Run refused = mixed(1, dir.resolve("x"));
    assertEquals(2, refused.exit(), refused.err());
    Matcher m =
        Pattern.compile("below the cheapest assignment's cost, (\\d+)").matcher(refused.err());
    assertTrue(m.find(), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    long cheapest = Long.parseLong(m.group(1));

    Path out = dir.resolve("mixed");
    CliTest.Run r = mixed(cheapest, out);
    assertEquals(0, r.exit(), r.err());
    List<String> l = r.lines();
    assertEquals("node,op,macs,units,format,luts", l.get(0));
    long sum = 0;
    for (String row : l.subList(1, 4)) {
      String[] f = row.split(",");
      assertEquals("INT4", f[4], row);
      sum += Long.parseLong(f[5]);
    }
    assertEquals(cheapest, sum);
    CliTest.Run acc =
        CliTest.run("", "accuracy", "mlp", "--w", "INT4", "--limit", "300", "--threads", "2");
    assertEquals(0, acc.exit(), acc.err());
    String top1 = acc.lines().get(1).split(",")[3];
    Matcher chosen =
        Pattern.compile("# chosen: (\\d+) of (\\d+) LUTs, top1 ([0-9.]+)").matcher(r.out());
    assertTrue(chosen.find(), r.out());
    assertEquals(
        Double.parseDouble(top1),
        Double.parseDouble(chosen.group(3)),
        0.005); // accuracy prints 2 decimals
    List<String> manifest = Files.readAllLines(out.resolve("cores").resolve("manifest.csv"));
    assertEquals(4, manifest.size(), manifest.toString());
    String file = manifest.get(1).split(",")[5];
    assertTrue(Files.readString(out.resolve("cores").resolve(file)).contains("module "), file);
    assertTrue(Files.size(out.resolve("front.png")) > 0);

    CliTest.Run wide = mixed(cheapest * 10, dir.resolve("wide"));
    assertEquals(0, wide.exit(), wide.err());
    Matcher w = Pattern.compile("# chosen: (\\d+) of (\\d+) LUTs").matcher(wide.out());
    assertTrue(w.find(), wide.out());
    assertTrue(Long.parseLong(w.group(1)) <= cheapest * 10);
    assertTrue(wide.out().contains("INT8 INT8 INT8"), wide.out());
  }
}
