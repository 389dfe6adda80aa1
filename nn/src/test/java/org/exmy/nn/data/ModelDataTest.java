package org.exmy.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.exmy.nn.DType;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-input data: the bert archive numpy wrote, archives NpzWriter writes, and every refusal. */
class ModelDataTest {
  @TempDir Path dir;

  private static final Model BERT = ReferenceModels.load("bert");

  private Path npz(String name, Map<String, Tensor> arrays) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream o = Files.newOutputStream(f)) {
      NpzWriter.write(o, arrays);
    }
    return f;
  }

  private static Map<String, Tensor> bertArrays(int n, int seq) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String k : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
      m.put(k, Tensor.ofLongs(new long[n * seq], n, seq));
    }
    return m;
  }

  /**
   * text_bert.npz was written by numpy (models/train_bert.py): 2,000 test and 512 calibration
   * pairs.
   */
  @Test
  void readsTheNumpyWrittenBertArchive() {
    String spec = ReferenceModels.defaultData("bert");
    ModelData d = ModelData.load(spec, BERT, Datasets.Split.TEST);
    assertEquals(2000, d.items());
    assertEquals(3, d.inputs().tensors().size());
    assertArrayEquals(new int[] {2000, 32}, d.inputs().tensors().get("input_ids").shape());
    assertArrayEquals(new int[] {2000}, d.labels().shape());
    Feeds cal = ModelData.calibration(spec, BERT, 100);
    assertEquals(100, cal.items());
    assertTrue(cal.tensors().keySet().containsAll(d.inputs().tensors().keySet()));
    // the calibration split is other pairs than the test split
    assertTrue(
        !java.util.Arrays.equals(
            cal.tensors().get("input_ids").longs(),
            d.inputs().tensors().get("input_ids").slice0(0, 100).longs()));
  }

  /**
   * NpzWriter: numpy's .npy v1 layout (magic, version 1.0, header padded to 64 bytes) and a round
   * trip.
   */
  @Test
  void writerRoundTripsAndKeepsTheNpyLayout() throws IOException {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("logits", Tensor.of(new float[] {1.5f, -2f, 0f, Float.NaN, 3e-8f, 7f}, 2, 3));
    m.put("ids", Tensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3));
    Path f = npz("out.npz", m);
    Map<String, NpyReader.Npy> back = NpzReader.readAll(f);
    assertEquals(m.keySet(), back.keySet());
    assertArrayEquals(m.get("logits").floats(), back.get("logits").data().floats());
    assertArrayEquals(new int[] {2, 3}, back.get("logits").data().shape());
    assertArrayEquals(m.get("ids").longs(), back.get("ids").data().longs());
    try (ZipFile z = new ZipFile(f.toFile())) {
      ZipEntry e = z.getEntry("logits.npy");
      byte[] b = z.getInputStream(e).readAllBytes();
      assertEquals((byte) 0x93, b[0]);
      assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.ISO_8859_1));
      assertEquals(1, b[6]);
      int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
      assertEquals(0, (10 + headerLen) % 64);
      String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
      assertTrue(
          header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
      assertEquals(10 + headerLen + 6 * 4, b.length);
    }
  }

  @Test
  void refusalsNameTheArrayAndWhatIsWrong() throws IOException {
    Map<String, Tensor> extra = bertArrays(4, 32);
    extra.put("tokens", Tensor.ofLongs(new long[4], 4));
    assertMessage(npz("extra.npz", extra), "array 'tokens' is not an input of text_bert.onnx");

    Map<String, Tensor> missing = bertArrays(4, 32);
    missing.remove("attention_mask");
    assertMessage(npz("missing.npz", missing), "no array 'attention_mask'");

    Map<String, Tensor> dtype = bertArrays(4, 32);
    dtype.put("input_ids", Tensor.of(new float[4 * 32], 4, 32));
    assertMessage(npz("dtype.npz", dtype), "(element type)");

    Map<String, Tensor> rank = bertArrays(4, 32);
    rank.put("token_type_ids", Tensor.ofLongs(new long[4 * 32], 4, 32, 1));
    assertMessage(npz("rank.npz", rank), "(rank 3 vs 2)");

    Map<String, Tensor> dim = bertArrays(4, 31);
    assertMessage(npz("dim.npz", dim), "(dimension 1)");

    Map<String, Tensor> items = bertArrays(4, 32);
    items.put("attention_mask", Tensor.ofLongs(new long[3 * 32], 3, 32));
    assertMessage(npz("items.npz", items), "has 3 items along dimension 0, but 'input_ids' has 4");

    Map<String, Tensor> labels = bertArrays(4, 32);
    labels.put("y", Tensor.of(new float[4], 4));
    assertMessage(npz("labels.npz", labels), "labels must be integers");

    Map<String, Tensor> noCalib = bertArrays(4, 32);
    Path f = npz("nocalib.npz", noCalib);
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> ModelData.load(f.toString(), BERT, Datasets.Split.TRAIN));
    assertTrue(e.getMessage().contains("no train-"), e.getMessage());
    // the calibration falls back to the items themselves
    assertEquals(4, ModelData.calibration(f.toString(), BERT, 100).items());
    assertNull(ModelData.load(f.toString(), BERT, Datasets.Split.TEST).labels());
  }

  private static void assertMessage(Path file, String part) {
    NnException e =
        assertThrows(
            NnException.class, () -> ModelData.load(file.toString(), BERT, Datasets.Split.TEST));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void oneInputModelTakesTheOnlyOtherArrayAndScalesUint8() throws IOException {
    Model cnn = ReferenceModels.load("cnn");
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("x", Tensor.of(new float[2 * 784], 2, 1, 28, 28));
    m.put("y", Tensor.ofLongs(new long[] {3, 4}, 2));
    ModelData d = ModelData.load(npz("xy.npz", m).toString(), cnn, Datasets.Split.TEST);
    assertEquals(2, d.items());
    assertEquals(DType.FLOAT, d.inputs().tensors().values().iterator().next().type());
    assertArrayEquals(new long[] {3, 4}, d.labels().longs());
  }
}
