package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.GptqReference;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --gptq} through {@link Ptq} on one-layer models: the quantized weights equal {@link
 * GptqReference} run on the Hessian that this test computes from the calibration input itself (the
 * rows of x for Gemm and MatMul, the im2col patches of each group for Conv).
 */
class GptqModelTest {
  static QuantOptions options(NumberFormat f, boolean actOrder) {
    return QuantOptions.of(f, Formats.parse("E4M3"))
        .withTechniques(new QuantOptions.Techniques(true, 0.01, 16, actOrder, Double.NaN));
  }

  static Tensor gaussian(SplittableRandom r, double sd, int... shape) {
    float[] v = new float[Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (sd * r.nextGaussian() + (i % 3) * 0.3);
    }
    return Tensor.of(v, shape);
  }

  /** Per-channel scales fl32(absmax / max(F)) of the rows of w. */
  static float[] scales(double[][] w, NumberFormat f) {
    float[] s = new float[w.length];
    for (int r = 0; r < w.length; r++) {
      float am = 0;
      for (double v : w[r]) {
        am = Math.max(am, Math.abs((float) v));
      }
      s[r] = am / (float) GptqReference.maxValue(f);
    }
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E2M1|false", "INT4|true", "E4M3|false"})
  void gemm(String spec) {
    NumberFormat f = Formats.parse(spec.split("\\|")[0]);
    boolean ao = Boolean.parseBoolean(spec.split("\\|")[1]);
    int out = 5;
    int k = 24;
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    Tensor w = gaussian(r, 0.5, out, k);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, k).output("y");
    b.init("w", w);
    b.node("Gemm", new String[] {"x", "w"}, "y").i("transB", 1);
    Model m = OnnxLoader.load(b.bytes(), "gemm.onnx");
    Tensor calib = gaussian(r, 1, 70, k);
    Ptq ptq = Ptq.prepare(m, calib, options(f, ao), 2);
    double[][] wr = new double[out][k];
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < k; j++) {
        wr[o][j] = w.floats()[o * k + j];
      }
    }
    double[][] x = new double[70][k];
    for (int n = 0; n < 70; n++) {
      for (int j = 0; j < k; j++) {
        x[n][j] = calib.floats()[n * k + j];
      }
    }
    double[][] want = GptqReference.gptq(wr, GptqReference.hessian(x), scales(wr, f), f, 0.01, ao);
    double[] got = ptq.quantizedWeight(0);
    assertNotNull(got);
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < k; j++) {
        assertEquals(want[o][j], got[o * k + j], 0, spec + " w[" + o + "][" + j + "]");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E3M2|false", "INT6|true"})
  void matMulWithAConstantRightOperand(String spec) {
    NumberFormat f = Formats.parse(spec.split("\\|")[0]);
    boolean ao = Boolean.parseBoolean(spec.split("\\|")[1]);
    int k = 20;
    int n = 6;
    int seq = 4;
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    Tensor w = gaussian(r, 0.5, k, n);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, seq, k).output("y");
    b.init("w", w);
    b.node("MatMul", new String[] {"x", "w"}, "y");
    Model m = OnnxLoader.load(b.bytes(), "matmul.onnx");
    Tensor calib = gaussian(r, 1, 15, seq, k);
    Ptq ptq = Ptq.prepare(m, calib, options(f, ao), 2);
    // channel c = column c of w
    double[][] wr = new double[n][k];
    for (int c = 0; c < n; c++) {
      for (int j = 0; j < k; j++) {
        wr[c][j] = w.floats()[j * n + c];
      }
    }
    double[][] x = new double[15 * seq][k];
    for (int s = 0; s < 15 * seq; s++) {
      for (int j = 0; j < k; j++) {
        x[s][j] = calib.floats()[s * k + j];
      }
    }
    double[][] want = GptqReference.gptq(wr, GptqReference.hessian(x), scales(wr, f), f, 0.01, ao);
    double[] got = ptq.quantizedWeight(0);
    for (int c = 0; c < n; c++) {
      for (int j = 0; j < k; j++) {
        assertEquals(want[c][j], got[j * n + c], 0, spec + " w[" + j + "][" + c + "]");
      }
    }
  }

  /** A grouped Conv with padding and stride: each group's rows from that group's patches. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E2M3|false", "INT4|true"})
  void groupedConv(String spec) {
    NumberFormat f = Formats.parse(spec.split("\\|")[0]);
    boolean ao = Boolean.parseBoolean(spec.split("\\|")[1]);
    int cin = 4;
    int group = 2;
    int cout = 6;
    int hw = 7;
    int kk = 3;
    int cg = cin / group;
    int k = cg * kk * kk;
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    Tensor w = gaussian(r, 0.4, cout, cg, kk, kk);
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, cin, hw, hw).output("y");
    b.init("w", w);
    b.node("Conv", new String[] {"x", "w"}, "y")
        .ints("pads", 1, 1, 1, 1)
        .ints("strides", 2, 2)
        .i("group", group);
    Model m = OnnxLoader.load(b.bytes(), "conv.onnx");
    int images = 6;
    Tensor calib = gaussian(r, 1, images, cin, hw, hw);
    Ptq ptq = Ptq.prepare(m, calib, options(f, ao), 2);
    double[] got = ptq.quantizedWeight(0);
    int oh = (hw + 2 - kk) / 2 + 1;
    float[] xv = calib.floats();
    for (int g = 0; g < group; g++) {
      // im2col patches of group g: rows (c, ky, kx), zero outside the image
      double[][] x = new double[images * oh * oh][k];
      int s = 0;
      for (int im = 0; im < images; im++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < oh; ox++, s++) {
            for (int c = 0; c < cg; c++) {
              for (int ky = 0; ky < kk; ky++) {
                for (int kx = 0; kx < kk; kx++) {
                  int iy = oy * 2 - 1 + ky;
                  int ix = ox * 2 - 1 + kx;
                  boolean in = iy >= 0 && iy < hw && ix >= 0 && ix < hw;
                  x[s][(c * kk + ky) * kk + kx] =
                      in ? xv[((im * cin + g * cg + c) * hw + iy) * hw + ix] : 0;
                }
              }
            }
          }
        }
      }
      int rows = cout / group;
      double[][] wr = new double[rows][k];
      for (int o = 0; o < rows; o++) {
        for (int j = 0; j < k; j++) {
          wr[o][j] = w.floats()[(g * rows + o) * k + j];
        }
      }
      double[][] want =
          GptqReference.gptq(wr, GptqReference.hessian(x), scales(wr, f), f, 0.01, ao);
      for (int o = 0; o < rows; o++) {
        for (int j = 0; j < k; j++) {
          assertEquals(
              want[o][j],
              got[(g * rows + o) * k + j],
              0,
              spec + " group " + g + " w[" + o + "][" + j + "]");
        }
      }
    }
  }
}
