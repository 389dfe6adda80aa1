package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.NpyReader;
import org.exmy.nn.data.NpzReader;
import org.exmy.nn.data.NpzWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exmy run, accuracy --metric and sensitivity on the multi-input reference model and the CNN. */
class ModelCommandsTest {
  @TempDir Path dir;

  private static CliTest.Run run(String... args) {
    return CliTest.run("", args);
  }

  private static Map<String, NpyReader.Npy> read(Path f) {
    return NpzReader.readAll(f);
  }

  private static int argmax(float[] v, int row, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[row * n + j] > v[row * n + best]) best = j;
    }
    return best;
  }

  /**
   * float32 run of all 2,000 pairs: every arg-max equals ONNX Runtime's, as models/train_bert.py
   * recorded it.
   */
  @Test
  void runWritesEveryOutputAndMatchesOnnxRuntime() {
    Path out = dir.resolve("bert.npz");
    CliTest.Run r = run("run", "bert", "-o", out.toString(), "--threads", "2");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("output,dtype,shape", "logits,float32,2000x3"), r.lines().subList(0, 2));
    Tensor logits = read(out).get("logits").data();
    assertArrayEquals(new int[] {2000, 3}, logits.shape());
    // recorded by models/train_bert.py; nn's test resource (tests run in the module folder)
    Path ort = Path.of("../nn/src/test/resources/org/exmy/nn/models/text_bert_ort.npz");
    long[] ortPred = read(ort).get("ort_pred").data().longs();
    for (int i = 0; i < 2000; i++) {
      assertEquals(ortPred[i], argmax(logits.floats(), i, 3), "pair " + i);
    }
  }

  /**
   * accuracy --metric fidelity prints the SQNR, cosine and max error that the test computes itself
   * from two runs' outputs (float32 and INT8), and top-1 ranks the same runs against the labels.
   */
  @Test
  void fidelityAgreesWithTheOutputsOfRun() {
    Path f = dir.resolve("f.npz");
    Path q = dir.resolve("q.npz");
    String[] common = {"--limit", "300", "--threads", "2"};
    assertEquals(0, run(concat(new String[] {"run", "bert", "-o", f.toString()}, common)).exit());
    CliTest.Run rq =
        run(concat(new String[] {"run", "bert", "-o", q.toString(), "--w", "INT8"}, common));
    assertEquals(0, rq.exit(), rq.err());
    float[] a = read(f).get("logits").data().floats();
    float[] b = read(q).get("logits").data().floats();
    double rr = 0;
    double ee = 0;
    double rb = 0;
    double bb = 0;
    double max = 0;
    int agree = 0;
    for (int i = 0; i < a.length; i++) {
      rr += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
      rb += (double) a[i] * b[i];
      ee += ((double) b[i] - a[i]) * ((double) b[i] - a[i]);
      max = Math.max(max, Math.abs((double) b[i] - a[i]));
    }
    for (int i = 0; i < 300; i++) {
      agree += argmax(a, i, 3) == argmax(b, i, 3) ? 1 : 0;
    }
    CliTest.Run r =
        run(
            concat(
                new String[] {"accuracy", "bert", "--w", "INT8", "--metric", "fidelity"}, common));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "model,w,a,output,sqnr_db,cosine,max_abs_error,argmax_agreement,positions",
        r.lines().get(0));
    String[] row = r.lines().get(1).split(",");
    assertEquals("bert", row[0]);
    assertEquals("logits", row[3]);
    assertEquals(10 * Math.log10(rr / ee), Double.parseDouble(row[4]), 0.006);
    assertEquals(rb / Math.sqrt(rr * bb), Double.parseDouble(row[5]), 1e-6);
    assertEquals(max, Double.parseDouble(row[6]), 1e-4 * max);
    assertEquals(100.0 * agree / 300, Double.parseDouble(row[7]), 0.006);
    assertEquals("300", row[8]);
    CliTest.Run t = run(concat(new String[] {"accuracy", "bert", "--w", "INT8"}, common));
    assertEquals(0, t.exit(), t.err());
    assertEquals("model,w,a,top1,fp32_top1,agreement,images", t.lines().get(0));
    assertTrue(t.lines().get(1).startsWith("bert,INT8,INT8,"), t.out());
    assertEquals(100.0 * agree / 300, Double.parseDouble(t.lines().get(1).split(",")[5]), 0.006);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private Path npz(String name, Map<String, Tensor> arrays) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream o = Files.newOutputStream(f)) {
      NpzWriter.write(o, arrays);
    }
    return f;
  }

  @Test
  void badInputIsOneLineExitTwoAndKeepsTheOutputFile() throws IOException {
    Map<String, Tensor> ok = new LinkedHashMap<>();
    for (String k : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
      ok.put(k, Tensor.ofLongs(new long[2 * 32], 2, 32));
    }
    Map<String, Tensor> extra = new LinkedHashMap<>(ok);
    extra.put("segment", Tensor.ofLongs(new long[2], 2));
    Map<String, Tensor> missing = new LinkedHashMap<>(ok);
    missing.remove("token_type_ids");
    Map<String, Tensor> dtype = new LinkedHashMap<>(ok);
    dtype.put("attention_mask", Tensor.of(new float[2 * 32], 2, 32));
    Map<String, Tensor> len = new LinkedHashMap<>();
    ok.forEach((k, v) -> len.put(k, Tensor.ofLongs(new long[2 * 33], 2, 33)));
    Path out = Files.writeString(dir.resolve("keep.npz"), "earlier result");
    Files.write(dir.resolve("m.onnx"), org.exmy.nn.ReferenceModels.bytes("cnn"));
    String o = out.toString();
    String[][] cases = {
      {
        "array 'segment' is not an input",
        "run",
        "bert",
        "--inputs",
        npz("e.npz", extra).toString(),
        "-o",
        o
      },
      {
        "no array 'token_type_ids'",
        "run",
        "bert",
        "--inputs",
        npz("m.npz", missing).toString(),
        "-o",
        o
      },
      {"(element type)", "run", "bert", "--inputs", npz("d.npz", dtype).toString(), "-o", o},
      {"(dimension 1)", "run", "bert", "--inputs", npz("l.npz", len).toString(), "-o", o},
      {"--a needs --w", "run", "bert", "--a", "E4M3", "-o", o},
      {"--output must name a .npz file", "run", "bert", "-o", dir.resolve("x.csv").toString()},
      {"no labels", "accuracy", "bert", "--data", npz("n.npz", ok).toString()},
      {"--metric must be", "accuracy", "bert", "--metric", "f1"},
      {"--data is needed for a model file", "sensitivity", dir.resolve("m.onnx").toString()},
      {"unknown format", "run", "bert", "--w", "E9M9", "-o", o},
    };
    for (String[] c : cases) {
      CliTest.Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertTrue(
          r.err().startsWith("exmy: error: ") && r.err().contains(c[0]), c[0] + ": " + r.err());
      assertEquals(
          1, r.err().strip().lines().filter(l -> l.startsWith("exmy: error")).count(), r.err());
      assertTrue(!r.err().contains("\tat "), r.err());
    }
    assertEquals("earlier result", Files.readString(out));
  }

  /**
   * sensitivity: a row per linear node with its MACs (models/train.py's CNN), the table and the
   * plot.
   */
  @Test
  void sensitivityOfTheCnn() {
    org.exmy.testsupport.RequireTools.fashionMnist();
    Path o = dir.resolve("sens");
    CliTest.Run r =
        run(
            "sensitivity",
            "cnn",
            "--w",
            "E2M1",
            "--limit",
            "300",
            "--calib-images",
            "64",
            "-o",
            o.toString(),
            "--threads",
            "2");
    assertEquals(0, r.exit(), r.err());
    List<String> l = r.lines();
    assertEquals("rank,model,formats,site,node,op,macs,metric,value,drop", l.get(0));
    Map<String, Long> macs = new LinkedHashMap<>();
    for (String line : l.subList(1, 5)) {
      String[] f = line.split(",");
      macs.put(f[4], Long.parseLong(f[6]));
      assertEquals("top1", f[7]);
    }
    assertEquals(
        Map.of(
            "/conv1/Conv",
            112_896L,
            "/conv2/Conv",
            903_168L,
            "/fc1/Gemm",
            100_352L,
            "/fc2/Gemm",
            640L),
        macs);
    assertTrue(l.get(5).startsWith("# top1: float32 "), l.get(5));
    assertTrue(Files.isRegularFile(o.resolve("sensitivity.png")));
    assertTrue(Files.isRegularFile(o.resolve("sensitivity.csv")));
  }
}
