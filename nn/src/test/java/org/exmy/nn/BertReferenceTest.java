package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.onnx.OnnxLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The text reference model {@code text_bert.onnx} (a BERT-style encoder with three int64 inputs,
 * trained by {@code models/train_bert.py}) on its committed test set {@code text_bert.npz}: exmy's
 * FP32 engine against ONNX Runtime Java, and against the per-pair predictions that ONNX Runtime
 * (Python) recorded when the model was exported.
 */
class BertReferenceTest {
  private static final List<String> INPUTS =
      List.of("input_ids", "attention_mask", "token_type_ids");
  private static final int SEQ = 32;
  private static final int CLASSES = 3;
  private static final int CHUNK = 250;

  private static byte[] bytes;
  private static Model model;
  private static Map<String, Tensor> test;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    try (InputStream in =
        BertReferenceTest.class.getResourceAsStream("/org/exmy/nn/models/text_bert.onnx")) {
      assertNotNull(in, "text_bert.onnx is not on the class path");
      bytes = in.readAllBytes();
    }
    model = OnnxLoader.load(bytes, "text_bert.onnx");
    test = new LinkedHashMap<>();
    for (String res : List.of("text_bert.npz", "text_bert_ort.npz")) {
      URL npz = BertReferenceTest.class.getResource("/org/exmy/nn/models/" + res);
      assertNotNull(npz, res + " is not on the class path");
      org.exmy.nn.data.NpzReader.readAll(Path.of(npz.toURI()))
          .forEach((k, v) -> test.put(k, v.data()));
    }
    for (String name :
        List.of(
            "input_ids", "attention_mask", "token_type_ids", "y", "ort_pred", "calib_input_ids")) {
      assertNotNull(test.get(name), name + " missing from text_bert.npz / text_bert_ort.npz");
    }
  }

  private static Map<String, Tensor> rows(Map<String, Tensor> arrays, int from, int to) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String name : INPUTS) {
      m.put(name, arrays.get(name).slice0(from, to));
    }
    return m;
  }

  private static int argmax(float[] v, int row) {
    int best = 0;
    for (int c = 1; c < CLASSES; c++) {
      if (v[row * CLASSES + c] > v[row * CLASSES + best]) {
        best = c;
      }
    }
    return best;
  }

  @Test
  void signatureIsThreeInt64Inputs() {
    assertEquals(INPUTS, model.inputs().stream().map(Model.Input::name).toList());
    for (Model.Input in : model.inputs()) {
      assertEquals(DType.INT64, in.type(), in.name());
      assertArrayEquals(new int[] {-1, SEQ}, in.dims(), in.name());
    }
    assertEquals(List.of("logits"), model.outputs());
    int n = test.get("y").dim(0);
    for (String name : INPUTS) {
      assertArrayEquals(new int[] {n, SEQ}, test.get(name).shape(), name);
    }
    assertEquals(SEQ, test.get("calib_input_ids").dim(1));
  }

  /** Every test pair: logits within Ort's tolerance, and the recorded ORT prediction. */
  @Test
  void wholeTestSetMatchesOnnxRuntime() {
    long[] y = test.get("y").longs();
    long[] ortPred = test.get("ort_pred").longs();
    int n = y.length;
    int correct = 0;
    int recordedCorrect = 0;
    int disagreements = 0;
    try (Session s = new Session(model, LinearKernels.fp32(), 1)) {
      for (int from = 0; from < n; from += CHUNK) {
        int to = Math.min(n, from + CHUNK);
        Map<String, Tensor> in = rows(test, from, to);
        Tensor got = s.run(in).get("logits");
        Tensor want = Ort.runOrt(bytes, in).get("logits");
        Ort.assertClose("logits of pairs " + from + ".." + (to - 1), want, got);
        for (int i = from; i < to; i++) {
          int p = argmax(got.floats(), i - from);
          correct += p == y[i] ? 1 : 0;
          recordedCorrect += ortPred[i] == y[i] ? 1 : 0;
          disagreements += p == ortPred[i] ? 0 : 1;
        }
      }
    }
    System.out.printf(
        "text_bert: exmy FP32 top-1 %d/%d, recorded ONNX Runtime %d/%d%n",
        correct, n, recordedCorrect, n);
    assertEquals(0, disagreements, "pairs where exmy's prediction differs from ORT's recorded one");
    assertEquals(recordedCorrect, correct);
  }

  /**
   * The padding mask works: the tokens under {@code attention_mask = 0} are replaced by other word
   * tokens, and the logits stay bit for bit the same (their attention weights are exactly zero
   * after the -1e4 bias).
   */
  @Test
  void paddedTokensDoNotChangeTheLogits() {
    Map<String, Tensor> in = rows(test, 0, 64);
    long[] ids = in.get("input_ids").longs().clone();
    long[] mask = in.get("attention_mask").longs();
    int changed = 0;
    for (int i = 0; i < ids.length; i++) {
      if (mask[i] == 0) {
        ids[i] = 3 + (i % 29);
        changed++;
      }
    }
    assertTrue(changed > 64 * 4, "too little padding in the first 64 pairs: " + changed);
    Map<String, Tensor> other = new LinkedHashMap<>(in);
    other.put("input_ids", Tensor.ofLongs(ids, 64, SEQ));
    try (Session s = new Session(model, LinearKernels.fp32(), 1)) {
      float[] a = s.run(in).get("logits").floats();
      float[] b = s.run(other).get("logits").floats();
      assertArrayEquals(a, b);
    }
  }
}
