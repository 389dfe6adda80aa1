package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.MxFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MX PTQ against its definition (docs/quantization.md "MX quantization"): each output is the
 * float32 nearest (ties to even, found by exact BigDecimal comparison of neighbouring floats) to
 * the exact BigDecimal sum of the products of the operands' block-dequantized values, blocks of 32
 * along the reduction axis (K = 100: three full blocks and one of 4), the blocks quantized by the
 * simulator's {@link MxFormat#quantize} (itself checked against the spec's model). Inputs span
 * decades so that blocks get different scales; a Gemm (weight A), a MatMul with a constant right
 * operand (weight B) and a MatMul of two activations (both dynamic).
 */
class MxPtqTest {
  private static final int K = 100;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "MXFP4_E2M1",
        "MXFP6_E2M3",
        "MXFP6_E3M2",
        "MXFP8_E4M3",
        "MXFP8_E5M2",
        "MXINT8",
        "E3M3:block=16"
      })
  void productsAreTheExactBlockSums(String name) {
    MxFormat f = MxFormat.parse(name);
    SplittableRandom r = new SplittableRandom(14);
    int out = 7;
    int batch = 5;
    Tensor w = spread(r, out, K);
    Tensor x = spread(r, batch, K);
    Tensor wb = spread(r, K, 6);
    Tensor x2 = spread(r, K, 3);
    OnnxBuilder b =
        new OnnxBuilder(13)
            .input("x", OnnxBuilder.FLOAT, batch, K)
            .input("x2", OnnxBuilder.FLOAT, K, 3)
            .output("y")
            .output("z")
            .output("u");
    b.init("w", w);
    b.init("wb", wb);
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    b.node("MatMul", new String[] {"x", "wb"}, "z");
    b.node("MatMul", new String[] {"x", "x2"}, "u");
    Model m = OnnxLoader.load(b.bytes(), "mx.onnx");
    Ptq ptq = Ptq.prepare(m, x, QuantOptions.mx(f, f), 1);
    try (Session s = new Session(m, ptq, 2)) {
      Map<String, Tensor> res = s.run(Map.of("x", x, "x2", x2));
      // y[i][o] = x[i] . w[o]; z[i][j] = x[i] . wb[:, j]; u[i][j] = x[i] . x2[:, j]
      check(f, res.get("y").floats(), x, w, batch, out, false, name + " Gemm");
      check(f, res.get("z").floats(), x, wb, batch, 6, true, name + " MatMul weight B");
      check(f, res.get("u").floats(), x, x2, batch, 3, true, name + " MatMul activations");
    }
  }

  /** Values whose magnitude changes by decades along the reduction axis. */
  private static Tensor spread(SplittableRandom r, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 3)));
    }
    return Tensor.of(v, rows, cols);
  }

  /** {@code got[i][j]} against x[i] (rows of K) times the j-th K-vector of {@code other}. */
  private static void check(
      MxFormat f,
      float[] got,
      Tensor x,
      Tensor other,
      int rows,
      int cols,
      boolean otherIsKbyN,
      String where) {
    for (int i = 0; i < rows; i++) {
      double[] xa = dequantized(f, vector(x, i, false, rows));
      for (int j = 0; j < cols; j++) {
        double[] wa = dequantized(f, vector(other, j, otherIsKbyN, cols));
        BigDecimal sum = BigDecimal.ZERO;
        for (int t = 0; t < K; t++) {
          sum = sum.add(new BigDecimal(xa[t]).multiply(new BigDecimal(wa[t])));
        }
        float want = nearestFloat(sum);
        assertEquals(want, got[i * cols + j], 0f, where + " at " + i + "," + j);
      }
    }
  }

  private static double[] vector(Tensor t, int idx, boolean column, int count) {
    float[] v = t.floats();
    double[] out = new double[K];
    for (int k = 0; k < K; k++) {
      out[k] = column ? v[k * count + idx] : v[idx * K + k];
    }
    return out;
  }

  private static double[] dequantized(MxFormat f, double[] v) {
    double[] out = new double[v.length];
    for (int k0 = 0; k0 < v.length; k0 += f.blockSize()) {
      int len = Math.min(f.blockSize(), v.length - k0);
      MxFormat.Block b = f.quantize(v, k0, len);
      for (int l = 0; l < len; l++) {
        out[k0 + l] = f.value(b.scaleCode(), b.codes()[l]);
      }
    }
    return out;
  }

  /** The float32 nearest to {@code v}, ties to the even significand, by exact comparison. */
  static float nearestFloat(BigDecimal v) {
    float f0 = (float) v.doubleValue();
    float best = f0;
    BigDecimal bestD = null;
    for (float c : new float[] {Math.nextDown(f0), f0, Math.nextUp(f0)}) {
      BigDecimal d = new BigDecimal(c).subtract(v).abs();
      int cmp = bestD == null ? -1 : d.compareTo(bestD);
      if (cmp < 0 || (cmp == 0 && (Float.floatToIntBits(c) & 1) == 0)) {
        best = c;
        bestD = d;
      }
    }
    assertTrue(Float.isFinite(best));
    return best;
  }
}
