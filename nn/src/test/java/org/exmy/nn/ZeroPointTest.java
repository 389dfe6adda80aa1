package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --zero-point}: UINTn activation codes {@code q = clamp(rint(fl32(x/s)) + z, 0, 2^n-1)},
 * the hardware's integer sum {@code sum_k w_k q_k - C[c]} with the precomputed {@code C[c] = z
 * sum_k w_k}, in BigInteger from the definition, against the inference bit for bit.
 */
class ZeroPointTest {
  static QuantOptions options(NumberFormat w, NumberFormat a) {
    return QuantOptions.of(w, a)
        .withTechniques(
            new QuantOptions.Techniques(false, 0.01, 128, false, Double.NaN, false, true));
  }

  static float maxW(NumberFormat f) {
    return f instanceof IntFormat i
        ? i.max()
        : (float) ((org.exmy.simulator.FloatFormat) f).maxFinite().toDouble();
  }

  /**
   * The weight code's value in units of the format's quantum (an integer for INTn and E2M1 x 2).
   */
  static BigDecimal wq(float w, float s, NumberFormat f) {
    return f.decode(f.encode((double) (w / s), Overflow.SATURATE)).toBigDecimal();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"INT8|UINT8", "INT4|UINT4", "INT6|UINT6", "E2M1|UINT8"})
  void gemmMatchesTheBigIntegerReference(String spec) {
    NumberFormat wf = Formats.parse(spec.split("\\|")[0]);
    IntFormat af = (IntFormat) Formats.parse(spec.split("\\|")[1]);
    int k = 30;
    int out = 4;
    int n = 10;
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    float[] wv = new float[out * k];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) (0.3 * r.nextGaussian());
    }
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, k).output("y");
    b.init("w", Tensor.of(wv, out, k));
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    // skewed activations (mostly positive, like after a GELU), some beyond the calibrated range
    float[] cal = new float[50 * k];
    float[] xs = new float[n * k];
    for (float[] arr : new float[][] {cal, xs}) {
      for (int i = 0; i < arr.length; i++) {
        arr[i] = (float) Math.max(-0.4, 2 * r.nextGaussian() + 1);
      }
    }
    xs[5] = 30f;
    xs[7] = -5f;
    Ptq ptq = Ptq.prepare(m, Tensor.of(cal, 50, k), options(wf, af), 2);
    float[] got;
    try (Session s = new Session(m, ptq, 2)) {
      got = s.runBatched(Tensor.of(xs, n, k), 3, null).floats();
    }
    float lo = 0;
    float hi = 0;
    for (float v : cal) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float sa = (hi - lo) / af.max();
    int z = (int) Math.rint(-lo / sa);
    assertEquals(z, ptq.zeroPoint(0, org.exmy.nn.LinearSite.Operand.B), 0);
    double[] corr = ptq.zeroPointCorrection(0);
    int lsb = org.exmy.simulator.AccumulatorSpec.lsb(wf);
    for (int o = 0; o < out; o++) {
      float am = 0;
      for (int j = 0; j < k; j++) {
        am = Math.max(am, Math.abs(wv[o * k + j]));
      }
      float sw = am / maxW(wf);
      // weight codes as integers in units of 2^lsb
      BigInteger[] wi = new BigInteger[k];
      BigInteger sumW = BigInteger.ZERO;
      for (int j = 0; j < k; j++) {
        wi[j] =
            wq(wv[o * k + j], sw, wf)
                .scaleByPowerOfTen(0)
                .multiply(BigDecimal.valueOf(2).pow(-lsb))
                .toBigIntegerExact();
        sumW = sumW.add(wi[j]);
      }
      BigInteger c = sumW.multiply(BigInteger.valueOf(z));
      assertEquals(c.doubleValue(), corr[o], 0, spec + " C[" + o + "]");
      for (int t = 0; t < n; t++) {
        BigInteger sum = BigInteger.ZERO;
        for (int j = 0; j < k; j++) {
          long q = Math.max(0, Math.min(af.max(), (long) Math.rint(xs[t * k + j] / sa) + z));
          sum = sum.add(wi[j].multiply(BigInteger.valueOf(q)));
        }
        BigInteger exact = sum.subtract(c);
        float want =
            new BigDecimal(exact)
                    .multiply(BigDecimal.valueOf(2).pow(lsb >= 0 ? lsb : 0))
                    .divide(BigDecimal.valueOf(2).pow(lsb < 0 ? -lsb : 0))
                    .floatValue()
                * (sw * sa);
        assertEquals(
            Float.floatToIntBits(want),
            Float.floatToIntBits(got[t * out + o]),
            spec + " y[" + t + "][" + o + "]: want " + want + " got " + got[t * out + o]);
      }
    }
  }

  /**
   * A padded Conv: the hardware pads with the code z (the value 0), so each output is {@code
   * sum_taps w q - C[c]} with q = z at every padded tap.
   */
  @org.junit.jupiter.api.Test
  void paddedConvPadsWithTheZeroPointCode() {
    NumberFormat wf = Formats.parse("INT8");
    IntFormat af = (IntFormat) Formats.parse("UINT8");
    int cin = 2;
    int cout = 3;
    int hw = 5;
    int k = cin * 9;
    SplittableRandom r = new SplittableRandom(11);
    float[] wv = new float[cout * k];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) r.nextGaussian();
    }
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, cin, hw, hw).output("y");
    b.init("w", Tensor.of(wv, cout, cin, 3, 3));
    b.node("Conv", new String[] {"x", "w"}, "y").ints("pads", 1, 1, 1, 1);
    Model m = OnnxLoader.load(b.bytes(), "conv.onnx");
    float[] xs = new float[2 * cin * hw * hw];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (r.nextGaussian() + 1.5);
    }
    Tensor x = Tensor.of(xs, 2, cin, hw, hw);
    Ptq ptq = Ptq.prepare(m, x, options(wf, af), 1);
    float[] got;
    try (Session s = new Session(m, ptq, 1)) {
      got = s.runBatched(x, 1, null).floats();
    }
    float lo = 0;
    float hi = 0;
    for (float v : xs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float sa = (hi - lo) / af.max();
    long z = (long) Math.rint(-lo / sa);
    double[] corr = ptq.zeroPointCorrection(0);
    for (int o = 0; o < cout; o++) {
      float am = 0;
      for (int j = 0; j < k; j++) {
        am = Math.max(am, Math.abs(wv[o * k + j]));
      }
      float sw = am / 127f;
      long[] wi = new long[k];
      long sumW = 0;
      for (int j = 0; j < k; j++) {
        wi[j] =
            wf.decode(wf.encode((double) (wv[o * k + j] / sw), Overflow.SATURATE))
                .toBigDecimal()
                .longValueExact();
        sumW += wi[j];
      }
      BigInteger c = BigInteger.valueOf(sumW * z);
      assertEquals(c.doubleValue(), corr[o], 0);
      for (int im = 0; im < 2; im++) {
        for (int oy = 0; oy < hw; oy++) {
          for (int ox = 0; ox < hw; ox++) {
            BigInteger sum = BigInteger.ZERO;
            for (int ci = 0; ci < cin; ci++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int iy = oy - 1 + ky;
                  int ix = ox - 1 + kx;
                  boolean pad = iy < 0 || iy >= hw || ix < 0 || ix >= hw;
                  long q =
                      pad
                          ? z
                          : Math.max(
                              0,
                              Math.min(
                                  255,
                                  (long) Math.rint(xs[((im * cin + ci) * hw + iy) * hw + ix] / sa)
                                      + z));
                  sum = sum.add(BigInteger.valueOf(wi[(ci * 3 + ky) * 3 + kx] * q));
                }
              }
            }
            float want = new BigDecimal(sum.subtract(c)).floatValue() * (sw * sa);
            float g = got[((im * cout + o) * hw + oy) * hw + ox];
            assertEquals(
                Float.floatToIntBits(want),
                Float.floatToIntBits(g),
                "y[" + im + "][" + o + "][" + oy + "][" + ox + "]: want " + want + " got " + g);
          }
        }
      }
    }
  }
}
