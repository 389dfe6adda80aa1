package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * accuracy --export-qonnx, then accuracy / run --as-quantized of the file it wrote: the reference
 * CNN on Fashion-MNIST test images gives the same predictions and the same outputs, bit for bit.
 */
class QonnxCliTest {
  @TempDir Path dir;

  private static CliTest.Run run(String... args) {
    return CliTest.run("", args);
  }

  private static List<String> column(Path csv, int col) throws IOException {
    return Files.readAllLines(csv).stream()
        .map(l -> l.split(",")[0] + "," + l.split(",")[col])
        .toList();
  }

  @Test
  void exportedPtqRunsAsQuantizedWithTheSamePredictionsAndOutputs() throws IOException {
    RequireTools.fashionMnist();
    Path q = dir.resolve("cnn.qonnx.onnx");
    Path p1 = dir.resolve("p1.csv");
    Path p2 = dir.resolve("p2.csv");
    for (String[] wa : new String[][] {{"E4M3", "E4M3"}, {"INT8", "INT8"}}) {
      CliTest.Run a =
          run(
              "accuracy",
              "cnn",
              "--w",
              wa[0],
              "--a",
              wa[1],
              "--limit",
              "300",
              "--calib-images",
              "64",
              "--threads",
              "2",
              "--export-qonnx",
              q.toString(),
              "--predictions",
              p1.toString());
      assertEquals(0, a.exit(), a.err());
      CliTest.Run b =
          run(
              "accuracy",
              q.toString(),
              "--as-quantized",
              "--data",
              "fashion-mnist",
              "--limit",
              "300",
              "--threads",
              "2",
              "--predictions",
              p2.toString());
      assertEquals(0, b.exit(), b.err());
      assertEquals(
          4,
          b.err().lines().filter(l -> l.startsWith("exmy: as quantized: node")).count(),
          b.err());
      assertTrue(b.err().contains("(Gemm): " + wa[0] + " x " + wa[1]), b.err());
      assertEquals(column(p1, 3), column(p2, 3), "quant_pred per image");
      String[] ra = a.lines().get(1).split(",");
      String[] rb = b.lines().get(1).split(",");
      assertEquals("qonnx", rb[1]);
      assertEquals(ra[3], rb[3], "top-1");
      // run: the same outputs bit for bit (the same calibration images as the export)
      Path o1 = dir.resolve("o1.npz");
      Path o2 = dir.resolve("o2.npz");
      CliTest.Run c =
          run(
              "run",
              "cnn",
              "--w",
              wa[0],
              "--a",
              wa[1],
              "--inputs",
              "fashion-mnist",
              "--limit",
              "40",
              "--calib-images",
              "64",
              "--threads",
              "2",
              "-o",
              o1.toString());
      assertEquals(0, c.exit(), c.err());
      CliTest.Run d =
          run(
              "run",
              q.toString(),
              "--as-quantized",
              "--inputs",
              "fashion-mnist",
              "--limit",
              "40",
              "--threads",
              "2",
              "-o",
              o2.toString());
      assertEquals(0, d.exit(), d.err());
      var n1 = org.exmy.nn.data.NpzReader.readAll(o1);
      var n2 = org.exmy.nn.data.NpzReader.readAll(o2);
      assertEquals(n1.keySet(), n2.keySet());
      for (String k : n1.keySet()) {
        float[] x1 = n1.get(k).data().floats();
        float[] x2 = n2.get(k).data().floats();
        assertEquals(x1.length, x2.length);
        for (int i = 0; i < x1.length; i++) {
          assertEquals(Float.floatToIntBits(x1[i]), Float.floatToIntBits(x2[i]), k + "[" + i + "]");
        }
      }
    }
  }

  /**
   * generate --from: a core per node and the manifest; MACs per image from models/train.py's CNN,
   * by hand.
   */
  @Test
  void generateFromTheExportedModel() throws IOException {
    RequireTools.fashionMnist();
    Path q = dir.resolve("mixed.qonnx.onnx");
    CliTest.Run a =
        run(
            "accuracy",
            "cnn",
            "--w",
            "INT8",
            "--a",
            "E4M3",
            "--limit",
            "20",
            "--calib-images",
            "16",
            "--threads",
            "2",
            "--export-qonnx",
            q.toString());
    assertEquals(0, a.exit(), a.err());
    Path out = dir.resolve("gen");
    CliTest.Run g = run("generate", "--from", q.toString(), "-o", out.toString());
    assertEquals(0, g.exit(), g.err());
    List<String> m = Files.readAllLines(out.resolve("manifest.csv"));
    assertEquals(
        List.of(
            "node,op,core,a_format,b_format,terms,macs_per_inference",
            "/conv1/Conv,Conv,exmy_mac_int8_x_e4m3_t9,INT8,E4M3,9," + 28 * 28 * 16 * 9,
            "/conv2/Conv,Conv,exmy_mac_int8_x_e4m3_t144,INT8,E4M3,144," + 14 * 14 * 32 * 16 * 9,
            "/fc1/Gemm,Gemm,exmy_mac_int8_x_e4m3_t1568,INT8,E4M3,1568," + 32 * 7 * 7 * 64,
            "/fc2/Gemm,Gemm,exmy_mac_int8_x_e4m3_t64,INT8,E4M3,64," + 64 * 10),
        m);
    for (String core : new String[] {"t9", "t144", "t1568", "t64"}) {
      String v = Files.readString(out.resolve("exmy_mac_int8_x_e4m3_" + core + ".v"));
      assertTrue(v.contains("module exmy_mac_int8_x_e4m3_" + core), core);
    }
    CliTest.Run bad = run("generate", "--from", q.toString(), "E4M3", "-o", out.toString());
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("--from takes the formats from the model"), bad.err());
  }

  @Test
  void refusalsAreOneLineExitTwo() {
    RequireTools.fashionMnist();
    String[][] cases = {
      {
        "no Conv, Gemm or MatMul has both inputs from QONNX",
        "accuracy",
        "cnn",
        "--as-quantized",
        "--limit",
        "5"
      },
      {"--w does not apply", "accuracy", "cnn", "--as-quantized", "--w", "INT8", "--limit", "5"},
      {"--w does not apply", "run", "cnn", "--as-quantized", "--w", "INT8", "-o", "x.npz"},
      {
        "bias correction has no QONNX operator",
        "accuracy",
        "cnn",
        "--bias-correction",
        "--limit",
        "5",
        "--calib-images",
        "8",
        "--export-qonnx",
        "x.onnx"
      },
      {"--from: no Conv, Gemm or MatMul has both inputs", "generate", "--from", "cnn"},
    };
    for (String[] c : cases) {
      CliTest.Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertTrue(
          r.err().startsWith("exmy: error: ") && r.err().contains(c[0]), c[0] + ": " + r.err());
      assertEquals(
          1, r.err().strip().lines().filter(l -> l.startsWith("exmy: error")).count(), r.err());
    }
  }
}
