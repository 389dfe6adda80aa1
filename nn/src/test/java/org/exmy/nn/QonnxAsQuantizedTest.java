package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exmy.nn.qonnx.QonnxQuantization;
import org.exmy.nn.qonnx.QonnxTrace;
import org.exmy.nn.qonnx.TensorQuant;
import org.exmy.simulator.AccumulatorChoice;
import org.junit.jupiter.api.Test;

/**
 * A Brevitas-style minifloat model (FloatQuant E4M3 on the weights and the activations of a Conv
 * and a Gemm) run "as quantized": its outputs must equal, bit for bit, an independent computation:
 * the dequantized values by the documentation-derived FloatQuant of {@link QonnxOpsTest}, every
 * product sum exact in BigDecimal and rounded once to float32, bias and ReLU in float32. Also the
 * mapping of each quantization onto exmy formats, and its refusals.
 */
class QonnxAsQuantizedTest {
  private static final float SA1 = 0x1p-3f;
  private static final float SA2 = 0x1p-2f;
  private static final float[] SW1 = {0x1p-4f, 0x1p-6f, 0x1p-5f};
  private static final float SW2 = 0x1p-7f;

  private static Tensor gauss(Random r, double sd, int... shape) {
    float[] v = new float[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * sd);
    }
    return Tensor.of(v, shape);
  }

  private static void floatQuant(OnnxBuilder b, String x, String scale, String y) {
    b.node("FloatQuant", new String[] {x, scale, "e", "m", "bias", "maxv"}, y)
        .domain(QonnxTestModels.DOMAIN)
        .i("has_nan", 1)
        .i("has_inf", 0)
        .i("saturation", 1)
        .s("rounding_mode", "ROUND");
  }

  /** Values over many binades (so float32 sums of their products round). */
  private static Tensor wide(Random r, double sd, int... shape) {
    float[] v = new float[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * sd * Math.exp(r.nextGaussian() * 2.5));
    }
    return Tensor.of(v, shape);
  }

  private record Net(OnnxBuilder b, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {}

  /**
   * x[2,1,6,6] -> FQ -> Conv(FQ(w1)) 3x3 -> Relu -> Flatten -> FQ -> Gemm(FQ(w2), transB) ->
   * y[2,5].
   */
  private static Net net(Random r) {
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, 2, 1, 6, 6).output("y");
    b.init("e", Tensor.scalar(4f));
    b.init("m", Tensor.scalar(3f));
    b.init("bias", Tensor.scalar(7f));
    b.init("maxv", Tensor.scalar(448f));
    b.init("sa1", Tensor.scalar(SA1));
    b.init("sa2", Tensor.scalar(SA2));
    b.init("sw1", Tensor.of(SW1.clone(), 3, 1, 1, 1));
    b.init("sw2", Tensor.scalar(SW2));
    Tensor w1 = wide(r, 1.5, 3, 1, 3, 3);
    Tensor b1 = gauss(r, 0.3, 3);
    Tensor w2 = wide(r, 0.4, 5, 48);
    Tensor b2 = gauss(r, 0.2, 5);
    b.init("w1", w1);
    b.init("b1", b1);
    b.init("w2", w2);
    b.init("b2", b2);
    floatQuant(b, "x", "sa1", "xq");
    floatQuant(b, "w1", "sw1", "w1q");
    b.node("Conv", new String[] {"xq", "w1q", "b1"}, "c").ints("kernel_shape", 3, 3);
    b.node("Relu", new String[] {"c"}, "rl");
    b.node("Flatten", new String[] {"rl"}, "fl");
    floatQuant(b, "fl", "sa2", "flq");
    floatQuant(b, "w2", "sw2", "w2q");
    b.node("Gemm", new String[] {"flq", "w2q", "b2"}, "y").i("transB", 1);
    return new Net(b, w1, b1, w2, b2);
  }

  private static float fq(float x, float s) {
    return QonnxOpsTest.floatQuantRef(x, s, 4, 3, 7, 448f, "ROUND", true, false);
  }

  /** The independent computation of the net's output. */
  private static float[] expected(Net n, float[] x) {
    float[] w1 = n.w1().floats();
    float[] c = new float[2 * 3 * 16];
    for (int img = 0; img < 2; img++) {
      for (int o = 0; o < 3; o++) {
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int di = 0; di < 3; di++) {
              for (int dj = 0; dj < 3; dj++) {
                float a = fq(x[img * 36 + (i + di) * 6 + j + dj], SA1);
                float w = fq(w1[o * 9 + di * 3 + dj], SW1[o]);
                sum = sum.add(new BigDecimal(a).multiply(new BigDecimal(w)));
              }
            }
            float v = sum.floatValue() + n.b1().floats()[o];
            c[img * 48 + o * 16 + i * 4 + j] = Math.max(v, 0f);
          }
        }
      }
    }
    float[] y = new float[10];
    float[] w2 = n.w2().floats();
    for (int img = 0; img < 2; img++) {
      for (int o = 0; o < 5; o++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < 48; k++) {
          float a = fq(c[img * 48 + k], SA2);
          float w = fq(w2[o * 48 + k], SW2);
          sum = sum.add(new BigDecimal(a).multiply(new BigDecimal(w)));
        }
        y[img * 5 + o] = sum.floatValue() + n.b2().floats()[o];
      }
    }
    return y;
  }

  @Test
  void minifloatConvAndGemmAreSummedExactlyBitForBit() {
    int differFromFp32 = 0;
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      Net n = net(r);
      QonnxTrace trace = new QonnxTrace();
      Model m = QonnxTestModels.load(n.b(), trace);
      var mapped = QonnxQuantization.report(m.source(), trace);
      assertEquals(2, mapped.size());
      for (var mp : mapped) {
        assertEquals("float8_e4m3fn", mp.weight(), mp.toString());
        assertEquals("float8_e4m3fn", mp.activation(), mp.toString());
      }
      Tensor x = wide(r, 2.0, 2, 1, 6, 6);
      float[] want = expected(n, x.floats());
      try (Session s =
              new Session(
                  m, QonnxQuantization.kernels(m.source(), trace, AccumulatorChoice.EXACT, 1), 1);
          Session f = Session.fp32(m)) {
        float[] got = s.run(Map.of("x", x)).get("y").floats();
        float[] fp = f.run(Map.of("x", x)).get("y").floats();
        for (int i = 0; i < want.length; i++) {
          assertEquals(
              Float.floatToIntBits(want[i]),
              Float.floatToIntBits(got[i]),
              "seed " + seed + " output " + i + ": expected " + want[i] + ", got " + got[i]);
          if (fp[i] != want[i]) {
            differFromFp32++;
          }
        }
      }
    }
    // the float32 engine rounds every addition; the exact sums differ from it somewhere
    assertTrue(
        differFromFp32 > 0,
        "float32 sums never differed from the exact ones: the test cannot tell");
  }

  /** A Gemm fed by two Quant nodes: the trace's formats per attribute set. */
  private static TensorQuant quantOf(
      String op, Map<String, Tensor> params, java.util.function.Consumer<OnnxBuilder.Node> attrs) {
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, 2, 4).output("y");
    String[] in = new String[params.size() + 1];
    in[0] = "w";
    b.init("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
    int i = 1;
    for (var e : params.entrySet()) {
      in[i++] = b.init(e.getKey(), e.getValue());
    }
    attrs.accept(b.node(op, in, "wq").domain(QonnxTestModels.DOMAIN));
    b.node("Gemm", new String[] {"x", "wq"}, "y");
    QonnxTrace t = new QonnxTrace();
    QonnxTestModels.load(b, t);
    return t.quantOf("wq");
  }

  @Test
  void mappingOntoExmyFormats() {
    var q = QonnxTestModels.params("s", 0.5f, "z", 0f, "bw", 4f);
    assertEquals("INT4", quantOf("Quant", q, n -> {}).format().name());
    assertEquals("INT4", quantOf("Quant", q, n -> n.i("narrow", 1)).format().name());
    assertEquals("UINT4", quantOf("Quant", q, n -> n.i("signed", 0)).format().name());
    assertEquals(
        "INT2",
        quantOf("Quant", QonnxTestModels.params("s", 1f, "z", 0f, "bw", 1f), n -> {})
            .format()
            .name());
    assertEquals(
        "INT2", quantOf("BipolarQuant", QonnxTestModels.params("s", 1f), n -> {}).format().name());
    assertEquals(
        "INT8",
        quantOf(
                "Trunc",
                QonnxTestModels.params("s", 1f, "z", 0f, "ib", 16f, "os", 4f, "ob", 8f),
                n -> {})
            .format()
            .name());
    var e5m2 = QonnxTestModels.params("s", 1f, "e", 5f, "m", 2f, "b", 15f, "max", 57344f);
    assertEquals(
        "float8_e5m2",
        quantOf("FloatQuant", e5m2, n -> n.i("has_inf", 1).i("has_nan", 1)).format().name());
    var e4m3 = QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 448f);
    assertEquals("float8_e4m3fn", quantOf("FloatQuant", e4m3, n -> {}).format().name());
    var plain = QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 480f);
    assertEquals("E4M3", quantOf("FloatQuant", plain, n -> {}).format().name());
    var e2m1 = QonnxTestModels.params("s", 1f, "e", 2f, "m", 1f, "b", 1f, "max", 6f);
    assertEquals("E2M1", quantOf("FloatQuant", e2m1, n -> {}).format().name());
    var bias8 = QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 8f, "max", 240f);
    assertEquals("E4M3:bias=8", quantOf("FloatQuant", bias8, n -> {}).format().name());
    var narrowed = QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 256f);
    assertEquals("E4M3", quantOf("FloatQuant", narrowed, n -> {}).format().name());
    // refusals
    assertTrue(
        quantOf("Quant", QonnxTestModels.params("s", 1f, "z", 3f, "bw", 8f), n -> n.i("signed", 0))
            .refusal()
            .contains("zero-point 3.0 is not 0"));
    assertTrue(
        quantOf("Quant", QonnxTestModels.params("s", 1f, "z", 0f, "bw", 12f), n -> {})
            .refusal()
            .contains("12-bit integer has no exmy format"));
    assertTrue(
        quantOf("FloatQuant", QonnxTestModels.params("s", 1f, "e", 8f, "m", 7f, "b", 127f), n -> {})
            .refusal()
            .contains("E8M7 has 16 bits"));
    assertTrue(
        quantOf(
                "FloatQuant",
                QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 300f),
                n -> {})
            .refusal()
            .contains("max_val 300.0 is not a value of E4M3"));
    assertTrue(
        quantOf("Trunc", QonnxTestModels.params("s", 1f, "z", 0f, "ib", 8f, "ob", 4f), n -> {})
            .refusal()
            .contains("does not clamp"));
  }

  /**
   * The quantization reaches a Gemm through Relu and Flatten, not through Add (whose sums leave the
   * grid).
   */
  @Test
  void quantizationPassesThroughValuePreservingNodesOnly() {
    for (String mid : new String[] {"Relu", "Add"}) {
      OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, 2, 2, 2).output("y");
      b.init("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4));
      b.init("s", Tensor.scalar(0.5f));
      b.init("e", Tensor.scalar(2f));
      b.init("m", Tensor.scalar(1f));
      b.init("bias", Tensor.scalar(1f));
      floatQuantE2M1(b, "x", "xq");
      floatQuantE2M1(b, "w", "wq");
      b.node(mid, mid.equals("Add") ? new String[] {"xq", "xq"} : new String[] {"xq"}, "r");
      b.node("Flatten", new String[] {"r"}, "f");
      b.node("Gemm", new String[] {"f", "wq"}, "y").i("transB", 1);
      QonnxTrace t = new QonnxTrace();
      Model m = QonnxTestModels.load(b, t);
      var mapped = QonnxQuantization.report(m.source(), t);
      assertEquals(mid.equals("Relu") ? 1 : 0, mapped.size(), mid + ": " + mapped);
      if (mid.equals("Relu")) {
        assertEquals("E2M1", mapped.get(0).activation());
        // and it runs: E2M1 values at scale 0.5, summed exactly (small sums: float32 is exact too)
        Tensor x = Tensor.of(new float[] {0.3f, -1f, 2.2f, 0.7f, 9f, 0.26f, 1.1f, -0.2f}, 2, 2, 2);
        try (Session s =
                new Session(
                    m, QonnxQuantization.kernels(m.source(), t, AccumulatorChoice.EXACT, 1), 1);
            Session f = Session.fp32(m)) {
          float[] got = s.run(Map.of("x", x)).get("y").floats();
          float[] fp = f.run(Map.of("x", x)).get("y").floats();
          for (int i = 0; i < got.length; i++) {
            assertEquals(fp[i], got[i], 0f, "output " + i);
          }
        }
      }
    }
  }

  private static void floatQuantE2M1(OnnxBuilder b, String x, String y) {
    b.node("FloatQuant", new String[] {x, "s", "e", "m", "bias"}, y).domain(QonnxTestModels.DOMAIN);
  }

  @Test
  void aQuantizedNodeWithoutFormatIsRefusedInOneLine() {
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, 2, 4).output("y");
    b.init("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
    b.init("s", Tensor.scalar(1f));
    b.init("z", Tensor.scalar(3f));
    b.init("z0", Tensor.scalar(0f));
    b.init("bw", Tensor.scalar(8f));
    b.node("Quant", new String[] {"x", "s", "z", "bw"}, "xq")
        .domain(QonnxTestModels.DOMAIN)
        .i("signed", 0);
    b.node("Quant", new String[] {"w", "s", "z0", "bw"}, "wq").domain(QonnxTestModels.DOMAIN);
    b.node("Gemm", new String[] {"xq", "wq"}, "y").b.setName("fc");
    QonnxTrace t = new QonnxTrace();
    Model m = QonnxTestModels.load(b, t);
    NnException e =
        assertThrows(
            NnException.class,
            () -> QonnxQuantization.kernels(m.source(), t, AccumulatorChoice.EXACT, 1));
    assertEquals(
        "test.onnx: node 'fc' (Gemm): input 0 comes from Quant node 'Quant_0', which has no exmy format:"
            + " zero-point 3.0 is not 0 (exmy's MAC cores take symmetric integer codes)",
        e.getMessage());
    List<QonnxTrace.Site> sites = t.sites();
    assertEquals(1, sites.size());
  }
}
