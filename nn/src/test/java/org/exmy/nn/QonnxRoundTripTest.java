package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.qonnx.QonnxExport;
import org.exmy.nn.qonnx.QonnxQuantization;
import org.exmy.nn.qonnx.QonnxTrace;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.Test;

/**
 * exmy's PTQ written as QONNX and read back: run "as quantized", the re-imported file gives the
 * same outputs, bit for bit, as the PTQ run it was written from (and so the same predictions).
 */
class QonnxRoundTripTest {
  private static Feeds images(Model m, int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return Feeds.of("random", m.inputs().get(0).name(), Tensor.of(x, n, 1, 28, 28));
  }

  /**
   * Exports {@code opt}'s PTQ of the model, re-imports it, and compares every output bit for bit.
   */
  private static int roundTrip(
      byte[] bytes, String name, Feeds calib, Feeds test, QuantOptions opt) {
    Model m = OnnxLoader.load(bytes, name);
    Ptq ptq = Ptq.prepare(m, calib, opt, 2);
    Map<String, Tensor> want = Assessment.outputs(m, ptq, test, 2, null);
    byte[] q = QonnxExport.write(bytes, m, ptq);
    QonnxTrace trace = new QonnxTrace();
    Model back = OnnxLoader.load(q, name + ".qonnx", trace);
    var mapped = QonnxQuantization.report(back.source(), trace);
    int quantized = 0;
    for (LinearSite s : m.linearSites()) {
      quantized += ptq.quantized(s.index()) ? 1 : 0;
    }
    assertEquals(quantized, mapped.size(), "every quantized node maps back: " + mapped);
    for (var mp : mapped) {
      assertEquals(opt.weights().name(), mp.weight());
      assertEquals(opt.activations().name(), mp.activation());
    }
    Map<String, Tensor> got =
        Assessment.outputs(
            back,
            QonnxQuantization.kernels(back.source(), trace, opt.accumulator(), opt.lanes()),
            test,
            2,
            null);
    Map<String, Tensor> fp32 = Assessment.fp32(m, test, 2, null);
    int differ = 0;
    for (var e : want.entrySet()) {
      float[] a = e.getValue().floats();
      float[] b = got.get(e.getKey()).floats();
      float[] f = fp32.get(e.getKey()).floats();
      assertEquals(a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        assertEquals(
            Float.floatToIntBits(a[i]),
            Float.floatToIntBits(b[i]),
            name
                + " "
                + opt.weightsName()
                + "/"
                + opt.activationsName()
                + " output "
                + e.getKey()
                + "["
                + i
                + "]");
        differ += a[i] != f[i] ? 1 : 0;
      }
    }
    assertTrue(differ > 0, "the quantized outputs equal float32's: the comparison cannot tell");
    return mapped.size();
  }

  @Test
  void referenceCnnRoundTripsBitForBit() {
    byte[] bytes = ReferenceModels.bytes("cnn");
    Model m = OnnxLoader.load(bytes, "cnn");
    Feeds calib = images(m, 32, 1);
    Feeds test = images(m, 24, 2);
    for (String[] wa :
        new String[][] {
          {"E4M3", "E4M3"},
          {"INT8", "INT8"},
          {"E2M1", "float8_e5m2"},
          {"float8_e4m3fn", "E3M2"},
          {"INT4", "UINT8"}
        }) {
      QuantOptions opt = QuantOptions.of(Formats.parse(wa[0]), Formats.parse(wa[1]));
      assertEquals(4, roundTrip(bytes, "cnn", calib, test, opt));
    }
    QuantOptions tensor =
        QuantOptions.of(Formats.parse("E4M3"), Formats.parse("E4M3"))
            .withPerChannel(false)
            .withFp32Layers(List.of("first"))
            .withPow2Scales(true);
    assertEquals(3, roundTrip(bytes, "cnn", calib, test, tensor));
    QuantOptions fixed =
        QuantOptions.of(Formats.parse("E4M3"), Formats.parse("E4M3"))
            .withAccumulator(AccumulatorChoice.of("fixed", -8, 20, true), 1);
    assertEquals(4, roundTrip(bytes, "cnn", calib, test, fixed));
  }

  @Test
  void gemmWithoutTransposeAndMatMulRoundTrip() {
    Random r = new Random(4);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, 8).output("y");
    float[] w1 = new float[8 * 6];
    float[] w2 = new float[6 * 3];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < w2.length; i++) {
      w2[i] = (float) r.nextGaussian() * 0.1f;
    }
    b.init("w1", Tensor.of(w1, 8, 6));
    b.init("w2", Tensor.of(w2, 6, 3));
    b.node("Gemm", new String[] {"x", "w1"}, "h");
    b.node("Relu", new String[] {"h"}, "hr");
    b.node("MatMul", new String[] {"hr", "w2"}, "y");
    float[] x = new float[16 * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian() * 3;
    }
    Feeds f = Feeds.of("random", "x", Tensor.of(x, 16, 8));
    for (String fmt : new String[] {"E4M3", "INT8", "E5M2"}) {
      assertEquals(
          2,
          roundTrip(
              b.bytes(), "mlp", f, f, QuantOptions.of(Formats.parse(fmt), Formats.parse(fmt))));
    }
  }

  @Test
  void exportRefusesWhatQonnxCannotSay() {
    byte[] bytes = ReferenceModels.bytes("cnn");
    Model m = OnnxLoader.load(bytes, "cnn");
    Feeds calib = images(m, 8, 1);
    Ptq bc =
        Ptq.prepare(
            m,
            calib,
            QuantOptions.of(Formats.parse("E4M3"), Formats.parse("E4M3")).withBiasCorrection(true),
            1);
    NnException e = assertThrows(NnException.class, () -> QonnxExport.write(bytes, m, bc));
    assertEquals(
        "cnn: --export-qonnx: bias correction has no QONNX operator; drop --bias-correction",
        e.getMessage());
    Ptq noSub =
        Ptq.prepare(
            m,
            calib,
            QuantOptions.of(Formats.parse("E4M3:subnormals=off"), Formats.parse("E4M3")),
            1);
    e = assertThrows(NnException.class, () -> QonnxExport.write(bytes, m, noSub));
    assertTrue(
        e.getMessage().contains("has no subnormals, which FloatQuant cannot express"),
        e.getMessage());
  }
}
