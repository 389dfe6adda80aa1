package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exmy sweep: bad input stops before any work; an interrupted sweep resumes from its cache. */
class SweepCommandTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void badInputIsOneLineAndExitTwoBeforeAnyWork(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    Path kept = Files.writeString(cache.resolve("proof-kept.properties"), "configuration=x\n");
    String[][] cases = {
      {"--formats is empty", "--formats", " , "},
      {"--formats item 'E9Q2'", "--formats", "E4M3,E9Q2"},
      {"--formats item 'bfloat*' matches no format", "--formats", "bfloat*"},
      {"--pairs item 'E4M3' is not W/A", "--formats", "E4M3", "--pairs", "E4M3"},
      {
        "no such model file", "--formats", "E2M1", "--model", dir.resolve("missing.onnx").toString()
      },
      {"not a dataset", "--formats", "E2M1", "--data", dir.toString() + "/x.txt"},
      {"--dsp must be nodsp, dsp or both", "--formats", "E2M1", "--dsp", "sometimes"},
      {"--timing: unknown flow 'fast'", "--formats", "E2M1", "--timing", "fast"},
      {"unknown accumulator 'fp8'", "--formats", "E2M1", "--acc", "fp8"},
      // the PTQ options are exmy accuracy's, checked the same way
      {
        "--percentile must be in (0, 100], got 0.0",
        "--formats",
        "E2M1",
        "--calib",
        "percentile",
        "--percentile",
        "0"
      },
      {"--granularity must be channel or tensor", "--formats", "E2M1", "--granularity", "row"},
      {"--calib-images", "--formats", "E2M1", "--calib-images", "0"},
      {"--metric must be", "--formats", "E2M1", "--metric", "f1"},
    };
    Files.writeString(dir.resolve("x.txt"), "not data");
    Files.writeString(dir.resolve("garbage.onnx"), "not a model");
    for (String[] c : cases) {
      String[] args =
          Stream.concat(
                  Stream.of(
                      "sweep", "-o", dir.resolve("out").toString(), "--cache", cache.toString()),
                  Stream.of(c).skip(1))
              .toArray(String[]::new);
      Run r = run(args);
      assertEquals(2, r.exit(), c[0] + ": " + r.err() + r.out());
      assertTrue(
          r.err().startsWith("exmy: error: ") && r.err().contains(c[0]), c[0] + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
    // an unreadable model file
    Run g =
        run(
            "sweep",
            "--formats",
            "E2M1",
            "--model",
            dir.resolve("garbage.onnx").toString(),
            "-o",
            dir.resolve("out").toString(),
            "--cache",
            cache.toString());
    assertEquals(2, g.exit(), g.err());
    assertTrue(g.err().contains("garbage.onnx"), g.err());
    // nothing cached was lost, nothing was written
    assertTrue(Files.exists(kept));
    assertTrue(!Files.exists(dir.resolve("out").resolve("points.csv")));
  }

  /**
   * kill -9 in the middle of a sweep, then the same sweep again: it finishes, reusing every stage
   * finished before the kill, with no temporary file left, and gives what an uninterrupted sweep
   * gives.
   */
  @Test
  void aKilledSweepResumesWithNothingLost(@TempDir Path dir) throws Exception {
    RequireTools.verilatorBackend();
    RequireTools.yosys();
    RequireTools.fashionMnist();
    Path cache = dir.resolve("cache");
    String[] args = {
      "sweep",
      "--formats",
      "E2M1,INT4,E2M2,INT5",
      "--limit",
      "300",
      "--sequences",
      "2",
      "--jobs",
      "1",
      "-o",
      dir.resolve("out").toString(),
      "--cache",
      cache.toString()
    };
    ExmyProcess first = ExmyProcess.start(dir.resolve("first"), Map.of(), false, args);
    // wait until some stages are cached, then kill without warning
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (countResults(cache) < 3 && System.nanoTime() < deadline && first.process().isAlive()) {
      Thread.sleep(200);
    }
    first.process().descendants().forEach(ProcessHandle::destroyForcibly);
    first.kill("KILL", false);
    first.process().waitFor();
    long before = countResults(cache);
    assertTrue(before >= 3, "some stages were cached before the kill: " + before);
    Run second = run(args);
    assertEquals(0, second.exit(), second.out() + second.err());
    assertTrue(second.out().contains("12 stages (" + before + " from the cache)"), second.out());
    try (Stream<Path> s = Files.list(cache)) {
      assertEquals(
          0,
          s.filter(p -> p.getFileName().toString().contains(".tmp")).count(),
          "no temporary files");
    }
    List<String> resumed = Files.readAllLines(dir.resolve("out").resolve("points.csv"));
    // the same sweep from scratch in another cache: the same points
    Run fresh =
        run(
            "sweep",
            "--formats",
            "E2M1,INT4,E2M2,INT5",
            "--limit",
            "300",
            "--sequences",
            "2",
            "--jobs",
            "2",
            "-o",
            dir.resolve("fresh").toString(),
            "--cache",
            dir.resolve("cache2").toString());
    assertEquals(0, fresh.exit(), fresh.err());
    assertEquals(
        Files.readAllLines(dir.resolve("fresh").resolve("points.csv")),
        resumed,
        "every column is deterministic");
  }

  private static long countResults(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) return 0;
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".result")).count();
    }
  }
}
