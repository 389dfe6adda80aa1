package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.nn.quant.SmoothQuant;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --smoothquant ALPHA} against values derived by hand and a reference from the README text.
 */
class SmoothQuantTest {
  static QuantOptions options(NumberFormat w, NumberFormat a, double alpha) {
    return QuantOptions.of(w, a)
        .withTechniques(new QuantOptions.Techniques(false, 0.01, 128, false, alpha));
  }

  /** s_j = max|X_j|^a / max|W_j|^(1-a) on numbers whose powers are known in closed form. */
  @Test
  void factorsByHand() {
    float[] mx = {4, 1, 0.25f, 0, 2};
    float[] mw = {1, 4, 2, 3, 0};
    // alpha 1/2: sqrt(4/1), sqrt(1/4), sqrt(1/4)/sqrt(2); no activation or no weight: 1
    assertArrayEquals(
        new float[] {2, 0.5f, (float) (0.5 / Math.sqrt(2)), 1, 1},
        SmoothQuant.factors(mx, mw, 0.5),
        1e-7f);
    // alpha 3/4: 4^(3/4) = 2 sqrt 2; 1 / 4^(1/4) = 1 / sqrt 2; (1/4)^(3/4) / 2^(1/4) = 2^(-7/4)
    assertArrayEquals(
        new float[] {
          (float) (2 * Math.sqrt(2)), (float) (1 / Math.sqrt(2)), (float) Math.pow(2, -1.75), 1, 1
        },
        SmoothQuant.factors(mx, mw, 0.75),
        1e-6f);
    // alpha 0: 1 / max|W_j|; alpha 1: max|X_j|
    assertArrayEquals(new float[] {1, 0.25f, 0.5f, 1, 1}, SmoothQuant.factors(mx, mw, 0), 0f);
    assertArrayEquals(new float[] {4, 1, 0.25f, 1, 1}, SmoothQuant.factors(mx, mw, 1), 0f);
  }

  static float maxValue(NumberFormat f) {
    return f instanceof FloatFormat ff ? (float) ff.maxFinite().toDouble() : ((IntFormat) f).max();
  }

  static BigDecimal q(float x, float s, NumberFormat f) {
    return f.decode(f.encode((double) (x / s), Overflow.SATURATE)).toBigDecimal();
  }

  /**
   * A Gemm with outlier input features, quantized with smoothing, against the README text: sigma
   * from the calibration maxima, weights fl32(w sigma) with per-channel absmax scales, activations
   * fl32(x / sigma) at the scale of their largest |fl32(maxX_j / sigma_j)|, BigDecimal sums, bit
   * for bit; and the float model is unchanged by the transform.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"INT8|INT8|0.5", "E4M3|E4M3|0.5", "INT4|INT6|0.8", "E2M1|E3M2|0.3"})
  void gemmMatchesTheReference(String spec) {
    String[] p = spec.split("\\|");
    NumberFormat wf = Formats.parse(p[0]);
    NumberFormat af = Formats.parse(p[1]);
    double alpha = Double.parseDouble(p[2]);
    int k = 16;
    int out = 5;
    int n = 9;
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    float[] wv = new float[out * k];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) (0.3 * r.nextGaussian());
    }
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, k).output("y");
    b.init("w", Tensor.of(wv, out, k));
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    float[] cal = new float[40 * k];
    float[] xs = new float[n * k];
    for (float[] arr : new float[][] {cal, xs}) {
      for (int i = 0; i < arr.length; i++) {
        arr[i] = (float) (r.nextGaussian() * (i % k == 2 ? 30 : i % k == 7 ? 8 : 1));
      }
    }
    Ptq ptq = Ptq.prepare(m, Tensor.of(cal, 40, k), options(wf, af, alpha), 2);
    float[] got;
    try (Session s = new Session(m, ptq, 2)) {
      got = s.runBatched(Tensor.of(xs, n, k), 4, null).floats();
    }
    // reference
    float[] mx = new float[k];
    float[] mw = new float[k];
    for (int i = 0; i < cal.length; i++) {
      mx[i % k] = Math.max(mx[i % k], Math.abs(cal[i]));
    }
    for (int i = 0; i < wv.length; i++) {
      mw[i % k] = Math.max(mw[i % k], Math.abs(wv[i]));
    }
    float[] sigma = new float[k];
    for (int j = 0; j < k; j++) {
      sigma[j] = (float) (Math.pow(mx[j], alpha) / Math.pow(mw[j], 1 - alpha));
    }
    assertArrayEquals(sigma, ptq.smoothing(0), 0f);
    float ra = 0;
    for (int j = 0; j < k; j++) {
      ra = Math.max(ra, mx[j] / sigma[j]);
    }
    float sa = ra / maxValue(af);
    for (int o = 0; o < out; o++) {
      float am = 0;
      for (int j = 0; j < k; j++) {
        am = Math.max(am, Math.abs(wv[o * k + j] * sigma[j]));
      }
      float sw = am / maxValue(wf);
      for (int t = 0; t < n; t++) {
        BigDecimal sum = BigDecimal.ZERO;
        double exact = 0;
        for (int j = 0; j < k; j++) {
          sum =
              sum.add(
                  q(wv[o * k + j] * sigma[j], sw, wf)
                      .multiply(q(xs[t * k + j] / sigma[j], sa, af)));
          exact += (double) wv[o * k + j] * xs[t * k + j];
        }
        float want = sum.floatValue() * (sw * sa);
        assertEquals(
            Float.floatToIntBits(want),
            Float.floatToIntBits(got[t * out + o]),
            spec + " y[" + t + "][" + o + "]");
        // in float, (x / sigma) (w sigma) is the model's product
        double smoothed = 0;
        for (int j = 0; j < k; j++) {
          smoothed += (double) (xs[t * k + j] / sigma[j]) * (double) (wv[o * k + j] * sigma[j]);
        }
        assertEquals(exact, smoothed, 1e-5 * (Math.abs(exact) + 1e-3), spec);
      }
    }
  }

  /**
   * A Conv's factors are per im2col row (c, ky, kx): from the maxima of each row over the
   * calibration patches (padding zeros included), computed here from the input.
   */
  @Test
  void convFactorsPerIm2colRow() {
    int cin = 3;
    int cout = 4;
    int hw = 6;
    int k = cin * 9;
    SplittableRandom r = new SplittableRandom(5);
    float[] wv = new float[cout * k];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) r.nextGaussian();
    }
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, cin, hw, hw).output("y");
    b.init("w", Tensor.of(wv, cout, cin, 3, 3));
    b.node("Conv", new String[] {"x", "w"}, "y").ints("pads", 1, 1, 1, 1);
    Model m = OnnxLoader.load(b.bytes(), "conv.onnx");
    int images = 3;
    float[] cal = new float[images * cin * hw * hw];
    for (int i = 0; i < cal.length; i++) {
      // a ramp across the image, so that each tap sees a different maximum
      int x = i % hw;
      int y = (i / hw) % hw;
      cal[i] = (float) (r.nextGaussian() * 0.1 + x + 2 * y * ((i / (hw * hw)) % cin == 1 ? -1 : 1));
    }
    Ptq ptq =
        Ptq.prepare(
            m,
            Tensor.of(cal, images, cin, hw, hw),
            options(Formats.parse("E4M3"), Formats.parse("E4M3"), 0.5),
            2);
    float[] mx = new float[k];
    for (int im = 0; im < images; im++) {
      for (int c = 0; c < cin; c++) {
        for (int ky = 0; ky < 3; ky++) {
          for (int kx = 0; kx < 3; kx++) {
            for (int oy = 0; oy < hw; oy++) {
              for (int ox = 0; ox < hw; ox++) {
                int iy = oy - 1 + ky;
                int ix = ox - 1 + kx;
                if (iy >= 0 && iy < hw && ix >= 0 && ix < hw) {
                  int j = (c * 3 + ky) * 3 + kx;
                  mx[j] = Math.max(mx[j], Math.abs(cal[((im * cin + c) * hw + iy) * hw + ix]));
                }
              }
            }
          }
        }
      }
    }
    float[] sigma = ptq.smoothing(0);
    boolean differ = false;
    for (int j = 0; j < k; j++) {
      float mw = 0;
      for (int o = 0; o < cout; o++) {
        mw = Math.max(mw, Math.abs(wv[o * k + j]));
      }
      assertEquals(
          (float) (Math.sqrt(mx[j]) / Math.sqrt(mw)),
          sigma[j],
          Math.ulp(sigma[j]),
          "sigma[" + j + "]");
      differ |= sigma[j] != sigma[0];
    }
    assertTrue(differ);
  }
}
