package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantized inference of one-layer models against a reference written from the README's
 * "Quantization semantics" alone: scales by float32 division, codes by the format's encoder,
 * decoded values summed in BigDecimal, the sum rounded to float32 and scaled in float32. Every
 * output must agree bit for bit. One-layer models, so that the activation entering the layer is the
 * model input and its calibrated range is computed here directly.
 */
class QuantizedReferenceTest {
  static final int K = 40;
  static final int OUT = 6;
  static final int N = 12;

  /** The largest value the scale maps absmax onto. */
  static float maxValue(NumberFormat f) {
    return f instanceof FloatFormat ff ? (float) ff.maxFinite().toDouble() : ((IntFormat) f).max();
  }

  static float scale(float absmax, NumberFormat f, boolean pow2) {
    if (absmax == 0) return 1f;
    float s = absmax / maxValue(f);
    if (pow2) {
      double p = Math.pow(2, Math.ceil(Math.log(s) / Math.log(2) - 1e-12));
      while (p < s) p *= 2;
      while (p / 2 >= s) p /= 2;
      s = (float) p;
    }
    return s;
  }

  /** The decoded value of x quantized at scale s. */
  static BigDecimal q(float x, float s, NumberFormat f) {
    return f.decode(f.encode((double) (x / s), Overflow.SATURATE)).toBigDecimal();
  }

  static float absmax(float[] v) {
    float m = 0;
    for (float x : v) m = Math.max(m, Math.abs(x));
    return m;
  }

  static Tensor gaussian(SplittableRandom r, double sd, int... shape) {
    float[] v = new float[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) (sd * r.nextGaussian());
    return Tensor.of(v, shape);
  }

  /** "W|A|perChannel|pow2|acc" cases: every exact arithmetic mode and a rounding accumulator. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3|true|false|exact",
        "E2M1|E2M1|true|false|exact",
        "INT8|INT8|false|false|exact",
        "float8_e5m2|float8_e5m2|true|false|exact",
        "E7M0|E6M1|true|true|exact",
        "INT8|E4M3|true|false|exact",
        "float8_e4m3fn|UINT4|true|true|exact",
        "E3M2|E3M2|true|false|fp16",
        "E4M3|E4M3|true|false|bf16"
      })
  void gemmMatchesTheReferenceBitForBit(String spec) {
    String[] p = spec.split("\\|");
    NumberFormat wf = Formats.parse(p[0]);
    NumberFormat af = Formats.parse(p[1]);
    boolean perChannel = Boolean.parseBoolean(p[2]);
    boolean pow2 = Boolean.parseBoolean(p[3]);
    AccumulatorKind acc = AccumulatorKind.parse(p[4]);
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    Tensor w = gaussian(r, 0.5, OUT, K);
    Tensor bias = gaussian(r, 1, OUT);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, K).output("y");
    b.init("w", w);
    b.init("b", bias);
    b.node("Gemm", new String[] {"x", "w", "b"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    Tensor calib = gaussian(r, 2, 50, K);
    Tensor x = gaussian(r, 2, N, K);
    x.floats()[3] = 40f; // beyond the calibrated range: saturates
    QuantOptions opt =
        QuantOptions.of(wf, af)
            .withPerChannel(perChannel)
            .withPow2Scales(pow2)
            .withAccumulator(org.exmy.simulator.AccumulatorChoice.of(acc), 1);
    Ptq ptq = Ptq.prepare(m, calib, opt, 2);
    float[] got;
    try (Session s = new Session(m, ptq, 2)) {
      got = s.runBatched(x, 5, null).floats();
    }
    // the reference
    float sa = scale(absmax(calib.floats()), af, pow2);
    float[] wv = w.floats();
    float[] sw = new float[OUT];
    for (int o = 0; o < OUT; o++) {
      float am = 0;
      for (int k = 0; k < K; k++) am = Math.max(am, Math.abs(perChannel ? wv[o * K + k] : 0));
      sw[o] = scale(perChannel ? am : absmax(wv), wf, pow2);
    }
    for (int n = 0; n < N; n++) {
      for (int o = 0; o < OUT; o++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < K; k++) {
          BigDecimal prod = q(wv[o * K + k], sw[o], wf).multiply(q(x.floats()[n * K + k], sa, af));
          sum =
              acc instanceof AccumulatorKind.Floating f
                  ? roundToAccumulator(sum.add(prod), f)
                  : sum.add(prod);
        }
        float want = sum.floatValue() * (sw[o] * sa) + bias.floats()[o];
        assertEquals(
            Float.floatToIntBits(want),
            Float.floatToIntBits(got[n * OUT + o]),
            spec + " output [" + n + "][" + o + "]: want " + want + " got " + got[n * OUT + o]);
      }
    }
  }

  /**
   * Round to nearest even onto the accumulator's grid (IEEE layout, subnormals); no overflow here.
   */
  static BigDecimal roundToAccumulator(BigDecimal x, AccumulatorKind.Floating f) {
    if (x.signum() == 0) return BigDecimal.ZERO;
    BigDecimal a = x.abs();
    int k = (int) Math.floor(Math.log(a.doubleValue()) / Math.log(2));
    while (pow2(k + 1).compareTo(a) <= 0) k++;
    while (pow2(k).compareTo(a) > 0) k--;
    int emin = 1 - f.bias();
    BigDecimal step = pow2(Math.max(k, emin) - f.mantissaBits());
    BigDecimal q = a.divide(step).setScale(0, RoundingMode.HALF_EVEN).multiply(step);
    return x.signum() < 0 ? q.negate() : q;
  }

  static BigDecimal pow2(int k) {
    return k >= 0
        ? BigDecimal.valueOf(2).pow(k)
        : BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(-k));
  }

  /**
   * A Conv (padding, stride 2) and a MatMul of two activations (x times its transpose), against the
   * reference: im2col by hand here; padding zeros are quantized zeros.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E4M3", "E2M3", "float8_e5m2", "INT6"})
  void convAndActivationMatMulMatchTheReference(String fmt) {
    NumberFormat f = Formats.parse(fmt);
    SplittableRandom r = new SplittableRandom(fmt.hashCode());
    int c = 3;
    int hw = 7;
    int oc = 4;
    Tensor w = gaussian(r, 0.4, oc, c, 3, 3);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, c, hw, hw).output("y");
    b.init("w", w);
    b.node("Conv", new String[] {"x", "w"}, "y")
        .ints("pads", 1, 1, 1, 1)
        .ints("strides", 2, 2)
        .ints("kernel_shape", 3, 3);
    Model m = OnnxLoader.load(b.bytes(), "conv.onnx");
    Tensor calib = gaussian(r, 1, 8, c, hw, hw);
    Tensor x = gaussian(r, 1, 2, c, hw, hw);
    Ptq ptq = Ptq.prepare(m, calib, QuantOptions.of(f, f), 1);
    float[] got;
    try (Session s = new Session(m, ptq, 1)) {
      got = s.runBatched(x, 2, null).floats();
    }
    float sa = scale(absmax(calib.floats()), f, false);
    int ohw = 4; // (7 + 2 - 3) / 2 + 1
    for (int img = 0; img < 2; img++) {
      for (int o = 0; o < oc; o++) {
        float am = 0;
        for (int i = 0; i < c * 9; i++) am = Math.max(am, Math.abs(w.floats()[o * c * 9 + i]));
        float sw = scale(am, f, false);
        for (int oy = 0; oy < ohw; oy++) {
          for (int ox = 0; ox < ohw; ox++) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int ch = 0; ch < c; ch++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int y = oy * 2 - 1 + ky;
                  int xx = ox * 2 - 1 + kx;
                  float xv =
                      y < 0 || y >= hw || xx < 0 || xx >= hw
                          ? 0f
                          : x.floats()[((img * c + ch) * hw + y) * hw + xx];
                  sum =
                      sum.add(
                          q(w.floats()[((o * c + ch) * 3 + ky) * 3 + kx], sw, f)
                              .multiply(q(xv, sa, f)));
                }
              }
            }
            float want = sum.floatValue() * (sw * sa);
            int idx = ((img * oc + o) * ohw + oy) * ohw + ox;
            assertEquals(
                Float.floatToIntBits(want),
                Float.floatToIntBits(got[idx]),
                fmt + " conv output " + idx);
          }
        }
      }
    }
    // attention-style product of two activations: y = x * x^T
    int t = 5;
    int d = 9;
    OnnxBuilder a = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, t, d).output("y");
    a.node("Transpose", new String[] {"x"}, "xt").ints("perm", 0, 2, 1);
    a.node("MatMul", new String[] {"x", "xt"}, "y");
    Model mm = OnnxLoader.load(a.bytes(), "att.onnx");
    Tensor calib2 = gaussian(r, 1, 6, t, d);
    Tensor x2 = gaussian(r, 1, 1, t, d);
    Ptq ptq2 = Ptq.prepare(mm, calib2, QuantOptions.of(f, f), 1);
    float[] got2;
    try (Session s = new Session(mm, ptq2, 1)) {
      got2 = s.runBatched(x2, 1, null).floats();
    }
    float s2 = scale(absmax(calib2.floats()), f, false); // x and x^T have the same range
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < d; k++) {
          sum =
              sum.add(q(x2.floats()[i * d + k], s2, f).multiply(q(x2.floats()[j * d + k], s2, f)));
        }
        float want = sum.floatValue() * (s2 * s2);
        assertEquals(
            Float.floatToIntBits(want),
            Float.floatToIntBits(got2[i * t + j]),
            fmt + " matmul [" + i + "][" + j + "]");
      }
    }
  }

  /**
   * First/last layers in float32, bias correction: a two-Gemm model against the plain float32 run.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"first,last", "#0,#1"})
  void fp32LayersRunTheFloatKernel(String layers) {
    SplittableRandom r = new SplittableRandom(5);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, K).output("y");
    b.init("w1", gaussian(r, 0.3, 8, K));
    b.init("w2", gaussian(r, 0.3, 3, 8));
    b.node("Gemm", new String[] {"x", "w1"}, "h").i("transB", 1);
    b.node("Gemm", new String[] {"h", "w2"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "two.onnx");
    Tensor x = gaussian(r, 1, 4, K);
    Ptq ptq =
        Ptq.prepare(
            m,
            x,
            QuantOptions.of(Formats.parse("E2M1"), Formats.parse("E2M1"))
                .withFp32Layers(List.of(layers.split(","))),
            1);
    try (Session q = new Session(m, ptq, 1);
        Session f = Session.fp32(m)) {
      float[] a1 = q.run(Map.of("x", x)).get("y").floats();
      float[] a2 = f.run(Map.of("x", x)).get("y").floats();
      for (int i = 0; i < a1.length; i++) {
        assertEquals(
            Float.floatToIntBits(a2[i]), Float.floatToIntBits(a1[i]), "both layers in float32");
      }
    }
  }

  /**
   * Percentile and MSE ranges and bias correction on a Gemm, against the definitions computed here:
   * nearest-rank percentile of |x|; the clipping value absmax * j / 100 (j = 100 down to 1) with
   * the least quantize-dequantize squared error; bias correction -sum_k (q(w) - w) * mean(x_k).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"percentile", "mse", "biascorr"})
  void calibrationMethodsAndBiasCorrection(String what) {
    NumberFormat f = Formats.parse("E3M2");
    SplittableRandom r = new SplittableRandom(what.hashCode());
    Tensor w = gaussian(r, 0.5, OUT, K);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, K).output("y");
    b.init("w", w);
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    Tensor calib = gaussian(r, 1, 64, K);
    calib.floats()[7] = 25f; // an outlier that percentile and MSE clip
    Tensor x = gaussian(r, 1, N, K);
    QuantOptions opt = QuantOptions.of(f, f);
    float[] cv = calib.floats();
    float range;
    switch (what) {
      case "percentile" -> {
        opt = opt.withCalibration(QuantOptions.Calibration.PERCENTILE, 99.0);
        float[] abs = new float[cv.length];
        for (int i = 0; i < cv.length; i++) abs[i] = Math.abs(cv[i]);
        java.util.Arrays.sort(abs);
        range = abs[(int) Math.ceil(0.99 * abs.length) - 1];
      }
      case "mse" -> {
        opt = opt.withCalibration(QuantOptions.Calibration.MSE, 99.99);
        float am = absmax(cv);
        range = am;
        double best = Double.MAX_VALUE;
        for (int j = 100; j >= 1; j--) {
          float clip = (float) ((double) am * j / 100);
          float sc = scale(clip, f, false);
          double err = 0;
          for (float v : cv) {
            double d = v - q(v, sc, f).floatValue() * sc;
            err += d * d;
          }
          if (err < best) {
            best = err;
            range = clip;
          }
        }
      }
      default -> {
        opt = opt.withBiasCorrection(true);
        range = absmax(cv);
      }
    }
    Ptq ptq = Ptq.prepare(m, calib, opt, 1);
    float[] got;
    try (Session s = new Session(m, ptq, 1)) {
      got = s.runBatched(x, 4, null).floats();
    }
    float sa = scale(range, f, false);
    for (int o = 0; o < OUT; o++) {
      float am = 0;
      for (int k = 0; k < K; k++) am = Math.max(am, Math.abs(w.floats()[o * K + k]));
      float sw = scale(am, f, false);
      double corr = 0;
      for (int k = 0; k < K; k++) {
        double mean = 0;
        for (int i = 0; i < 64; i++) mean += cv[i * K + k];
        mean /= 64;
        float qw = q(w.floats()[o * K + k], sw, f).floatValue() * sw;
        corr -= ((double) qw - w.floats()[o * K + k]) * mean;
      }
      for (int n = 0; n < N; n++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < K; k++) {
          sum = sum.add(q(w.floats()[o * K + k], sw, f).multiply(q(x.floats()[n * K + k], sa, f)));
        }
        float want = sum.floatValue() * (sw * sa);
        if (what.equals("biascorr")) want += (float) corr;
        assertEquals(
            Float.floatToIntBits(want),
            Float.floatToIntBits(got[n * OUT + o]),
            what + " [" + n + "][" + o + "]");
      }
    }
  }

  /**
   * The wide formats' double sums are only trusted when their error interval rounds to one float32:
   * here huge products cancel (w x - w x) around a small remainder, the interval straddles many
   * float32 values, and the exact fallback must give the reference's result bit for bit.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"float8_e5m2", "E6M1"})
  void cancellationFallsBackToTheExactSum(String fmt) {
    NumberFormat f = Formats.parse(fmt);
    float big = 1000f;
    float small = 0.001f;
    // one output: K = 3 weights {big, -big, small} (per-tensor scale from big)
    Tensor w = Tensor.of(new float[] {big, -big, small}, 1, 3);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, 3).output("y");
    b.init("w", w);
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "cancel.onnx");
    Tensor x = Tensor.of(new float[] {7f, 7f, 3f, 7f, 7f, 0f}, 2, 3);
    Ptq ptq = Ptq.prepare(m, x, QuantOptions.of(f, f).withPerChannel(false), 1);
    float[] got;
    try (Session s = new Session(m, ptq, 1)) {
      got = s.runBatched(x, 2, null).floats();
    }
    assertEquals(true, ptq.exactFallbacks() > 0, "the cancelling sums were summed exactly");
    float sw = scale(big, f, false);
    float sa = scale(7f, f, false);
    for (int n = 0; n < 2; n++) {
      BigDecimal sum = BigDecimal.ZERO;
      for (int k = 0; k < 3; k++) {
        sum = sum.add(q(w.floats()[k], sw, f).multiply(q(x.floats()[n * 3 + k], sa, f)));
      }
      float want = sum.floatValue() * (sw * sa);
      assertEquals(
          Float.floatToIntBits(want),
          Float.floatToIntBits(got[n]),
          fmt + " output " + n + ": " + want);
    }
  }
}
