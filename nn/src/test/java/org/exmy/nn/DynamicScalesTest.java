package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --dynamic row}: a scale per row of the activation operand, from the values quantized. */
class DynamicScalesTest {
  static QuantOptions options(NumberFormat w, NumberFormat a) {
    return QuantOptions.of(w, a)
        .withTechniques(new QuantOptions.Techniques(false, 0.01, 128, false, Double.NaN, true));
  }

  static float[] run(Model m, Ptq ptq, Tensor x) {
    try (Session s = new Session(m, ptq, 1)) {
      return s.runBatched(x, 2, null).floats();
    }
  }

  /**
   * By hand, INT4 (max 7): weight row [1, 1, 1] has scale 1/7 and codes 7, 7, 7. Item [7, -3.5,
   * 1.75] has scale 1, codes 7, -4 (tie to even), 2: S = 35; item [0.7, 0, 0] has scale fl32(0.1)
   * and code 7: S = 49 (the static scale 1, from the calibration absmax 7, gives it code 1: S = 7).
   */
  @Test
  void byHand() {
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, 3).output("y");
    b.init("w", Tensor.of(new float[] {1, 1, 1}, 1, 3));
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    NumberFormat int4 = Formats.parse("INT4");
    Tensor x = Tensor.of(new float[] {7, -3.5f, 1.75f, 0.7f, 0, 0}, 2, 3);
    float[] got = run(m, Ptq.prepare(m, x, options(int4, int4), 1), x);
    float sw = 1f / 7f;
    assertEquals(35f * (sw * 1f), got[0], 0f);
    assertEquals(49f * (sw * (0.7f / 7f)), got[1], 0f);
    float[] stat = run(m, Ptq.prepare(m, x, QuantOptions.of(int4, int4), 1), x);
    assertEquals(7f * (sw * 1f), stat[1], 0f);
  }

  static float maxValue(NumberFormat f) {
    return f instanceof FloatFormat ff ? (float) ff.maxFinite().toDouble() : ((IntFormat) f).max();
  }

  static BigDecimal q(float x, float s, NumberFormat f) {
    return f.decode(f.encode((double) (x / s), Overflow.SATURATE)).toBigDecimal();
  }

  static float scale(float[] v, int from, int count, int stride, NumberFormat f) {
    float m = 0;
    for (int i = 0; i < count; i++) {
      m = Math.max(m, Math.abs(v[from + i * stride]));
    }
    return m == 0 ? 1f : m / maxValue(f);
  }

  /**
   * A MatMul of a [N][T][K] input with a constant [K][C] (a scale per token) followed by a MatMul
   * of two activations y·y^T (a scale per row of the left and per column of the right operand),
   * against BigDecimal sums from the definition.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E4M3", "INT8", "E2M1", "INT4"})
  void tokensAndAttentionMatchTheReference(String fmt) {
    NumberFormat f = Formats.parse(fmt);
    int t = 5;
    int k = 12;
    int c = 6;
    SplittableRandom r = new SplittableRandom(fmt.hashCode());
    float[] wv = new float[k * c];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) (0.4 * r.nextGaussian());
    }
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, t, k).output("z");
    b.init("w", Tensor.of(wv, k, c));
    b.init("perm", Rand.longs(0, 2, 1));
    b.node("MatMul", new String[] {"x", "w"}, "y");
    b.node("Transpose", new String[] {"y"}, "yt").ints("perm", 0, 2, 1);
    b.node("MatMul", new String[] {"y", "yt"}, "z");
    Model m = OnnxLoader.load(b.bytes(), "attn.onnx");
    int items = 3;
    float[] xv = new float[items * t * k];
    for (int i = 0; i < xv.length; i++) {
      xv[i] = (float) (r.nextGaussian() * (1 + (i / k) % 4));
    }
    Tensor x = Tensor.of(xv, items, t, k);
    Ptq ptq = Ptq.prepare(m, x, options(f, f), 1);
    float[] got = run(m, ptq, x);
    float[] sw = new float[c];
    for (int j = 0; j < c; j++) {
      sw[j] = scale(wv, j, k, c, f);
    }
    for (int it = 0; it < items; it++) {
      // y = x w with a scale per token
      float[] y = new float[t * c];
      for (int i = 0; i < t; i++) {
        int row = (it * t + i) * k;
        float sa = scale(xv, row, k, 1, f);
        for (int j = 0; j < c; j++) {
          BigDecimal s = BigDecimal.ZERO;
          for (int kk = 0; kk < k; kk++) {
            s = s.add(q(wv[kk * c + j], sw[j], f).multiply(q(xv[row + kk], sa, f)));
          }
          y[i * c + j] = s.floatValue() * (sw[j] * sa);
        }
      }
      // z = y y^T: A = y [t][c] per row, B = y^T [c][t] per column (= per row of y)
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          float si = scale(y, i * c, c, 1, f);
          float sj = scale(y, j * c, c, 1, f);
          BigDecimal s = BigDecimal.ZERO;
          for (int kk = 0; kk < c; kk++) {
            s = s.add(q(y[i * c + kk], si, f).multiply(q(y[j * c + kk], sj, f)));
          }
          float want = s.floatValue() * (si * sj);
          float g = got[(it * t + i) * t + j];
          assertEquals(
              Float.floatToIntBits(want),
              Float.floatToIntBits(g),
              fmt + " z[" + it + "][" + i + "][" + j + "]: want " + want + " got " + g);
        }
      }
    }
  }
}
