package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.FormatQuantizer;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact quantized products with long reductions (K = 6000: INT8 past the float32 bound (the sum of
 * |products| over 2^24), so the float blocks summed in double; E4M3 by the vectorized double
 * kernel), against the exact sum in a long: each output is {@code fl32(fl32(sum * 2^lsb) *
 * fl32(weight scale * activation scale))}, with the operands from {@link FormatQuantizer#fixed}.
 * Batch 5, two threads (products split).
 */
class LongReductionTest {
  private static final int K = 6000;
  private static final int OUT = 70;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"INT8", "E4M3", "E2M1"})
  void equalsTheExactSum(String format) {
    SplittableRandom r = new SplittableRandom(31);
    Tensor w = Rand.randn(r, OUT, K);
    Tensor x = Rand.uniform(r, -1, 1, 5, K);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, K).output("y");
    b.init("w", w);
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "long.onnx");
    FormatQuantizer q = new FormatQuantizer(Formats.parse(format));
    Ptq ptq = Ptq.prepare(m, x, QuantOptions.of(Formats.parse(format), Formats.parse(format)), 1);
    float sa = ptq.activationScale(0, LinearSite.Operand.B);
    try (Session s = new Session(m, ptq, 2)) {
      float[] got = s.run(Map.of("x", x)).get("y").floats();
      for (int i = 0; i < 5; i++) {
        for (int o = 0; o < OUT; o++) {
          float ws = ptq.weightScale(0, o);
          long sum = 0;
          for (int t = 0; t < K; t++) {
            sum +=
                (long) q.fixed(w.floats()[o * K + t], ws)
                    * (long) q.fixed(x.floats()[i * K + t], sa);
          }
          float v = (float) Math.scalb((double) sum, 2 * q.lsb());
          float want = v * (ws * sa);
          assertEquals(
              Float.floatToIntBits(want),
              Float.floatToIntBits(got[i * OUT + o]),
              format + " at " + i + "," + o);
        }
      }
    }
  }
}
