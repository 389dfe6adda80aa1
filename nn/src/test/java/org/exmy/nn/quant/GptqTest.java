package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Gptq} against {@link GptqReference} (the paper's unblocked algorithm) and RTN. */
class GptqTest {
  static final int ROWS = 7;
  static final int K = 33;
  static final int SAMPLES = 120;

  /** Correlated inputs: x = z M with z Gaussian (one input column always zero: a dead input). */
  static double[][] inputs(SplittableRandom r, int samples, int k) {
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        m[i][j] = r.nextGaussian() * (i == j ? 1 : 0.4);
      }
    }
    double[][] x = new double[samples][k];
    for (int s = 0; s < samples; s++) {
      double[] z = new double[k];
      for (int i = 0; i < k; i++) {
        z[i] = r.nextGaussian() * (1 + (i % 5));
      }
      for (int j = 0; j < k; j++) {
        double v = 0;
        for (int i = 0; i < k; i++) {
          v += z[i] * m[i][j];
        }
        x[s][j] = j == 3 ? 0 : v;
      }
    }
    return x;
  }

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

  static double[][] weights(SplittableRandom r, int rows, int k) {
    double[][] w = new double[rows][k];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < k; j++) {
        w[i][j] = (float) (0.5 * r.nextGaussian());
      }
    }
    return w;
  }

  static double[] flat(double[][] a) {
    int c = a[0].length;
    double[] out = new double[a.length * c];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * c, c);
    }
    return out;
  }

  /** Every quantized weight equals the reference's, for each block size and order. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E2M1|1|false",
        "E2M1|8|true",
        "E3M2|128|false",
        "E2M3|5|true",
        "E4M3|128|true",
        "E3M4|16|false",
        "INT4|128|false",
        "INT4|3|true",
        "INT6|32|false",
        "INT8|128|true"
      })
  void matchesThePapersUnblockedAlgorithm(String spec) {
    String[] p = spec.split("\\|");
    NumberFormat f = Formats.parse(p[0]);
    int block = Integer.parseInt(p[1]);
    boolean actOrder = Boolean.parseBoolean(p[2]);
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    double[][] w = weights(r, ROWS, K);
    double[][] h = GptqReference.hessian(inputs(r, SAMPLES, K));
    float[] s = scales(w, f);
    double[][] want = GptqReference.gptq(w, h, s, f, 0.01, actOrder);
    FormatQuantizer q = new FormatQuantizer(f);
    double[] got = Gptq.quantize(flat(w), ROWS, K, flat(h), s, q, 0.01, block, actOrder);
    assertNotNull(got);
    int differentFromRtn = 0;
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < K; j++) {
        double v = Math.scalb(got[i * K + j], q.lsb()) * s[i];
        assertEquals(want[i][j], v, 0, spec + " w[" + i + "][" + j + "]");
        if (v != GptqReference.quant(w[i][j], s[i], f)) {
          differentFromRtn++;
        }
      }
    }
    // the error feedback moved some weights to another grid point than round-to-nearest
    assertTrue(differentFromRtn > 0, spec + ": GPTQ rounded every weight to nearest");
  }

  /**
   * The cache key of options without techniques is the one from before they existed; each technique
   * adds its own key.
   */
  @org.junit.jupiter.api.Test
  void describeAddsKeysOnlyForTechniquesThatAreOn() {
    QuantOptions o = QuantOptions.of(Formats.parse("E4M3"), Formats.parse("INT8"));
    assertEquals(
        "w=E4M3 a=INT8 weights=channel calib=absmax pow2=false fp32= biascorr=false acc="
            + org.exmy.simulator.AccumulatorChoice.EXACT
            + " lanes=1",
        o.describe());
    assertEquals(o.describe(), o.withTechniques(QuantOptions.Techniques.NONE).describe());
    String all =
        o.withTechniques(new QuantOptions.Techniques(true, 0.02, 64, true, 0.5, true, false, true))
            .describe();
    assertEquals(
        o.describe()
            + " gptq(damp=0.02,block=64,actorder) smoothquant=0.5 dynamic=row learnedround",
        all);
    QuantOptions z =
        QuantOptions.of(Formats.parse("INT8"), Formats.parse("UINT8"))
            .withTechniques(
                new QuantOptions.Techniques(false, 0.01, 128, false, Double.NaN, false, true));
    assertTrue(z.describe().endsWith(" lanes=1 zeropoint"), z.describe());
  }

  /** Over the calibration inputs, GPTQ's ||W X - Q X||^2 is at most round-to-nearest's. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E2M1", "E3M2", "E2M3", "E4M3", "INT4", "INT6", "INT8"})
  void layerErrorIsAtMostRoundToNearest(String fmt) {
    NumberFormat f = Formats.parse(fmt);
    FormatQuantizer q = new FormatQuantizer(f);
    for (int seed = 0; seed < 6; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 31L + fmt.hashCode());
      int rows = 4 + seed;
      int k = 20 + 7 * seed;
      double[][] w = weights(r, rows, k);
      double[][] x = inputs(r, 3 * k, k);
      double[][] h = GptqReference.hessian(x);
      float[] s = scales(w, f);
      double[] g = Gptq.quantize(flat(w), rows, k, flat(h), s, q, 0.01, 16, seed % 2 == 1);
      double eG = 0;
      double eR = 0;
      for (double[] v : x) {
        for (int i = 0; i < rows; i++) {
          double y = 0;
          double yg = 0;
          double yr = 0;
          for (int j = 0; j < k; j++) {
            y += w[i][j] * v[j];
            yg += Math.scalb(g[i * k + j], q.lsb()) * s[i] * v[j];
            yr += GptqReference.quant(w[i][j], s[i], f) * v[j];
          }
          eG += (y - yg) * (y - yg);
          eR += (y - yr) * (y - yr);
        }
      }
      assertTrue(eG <= eR, fmt + " seed " + seed + ": GPTQ error " + eG + " > RTN " + eR);
    }
  }
}
