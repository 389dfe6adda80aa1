package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The QONNX operators against implementations written in this test from the qonnx operator
 * documentation (docs/qonnx-custom-ops/*.md): the float32 steps the documentation writes as float32
 * (x / scale, + zeropt, the final products) in float32, and every rounding to the integer or
 * minifloat grid exactly, in BigDecimal: the integer modes by {@link RoundingMode} (whose
 * definitions are the documentation's table), the minifloat by a nearest search over the enumerated
 * grid of the format's values.
 */
class QonnxOpsTest {
  private static final String[] MODES = {
    "ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"
  };

  private static RoundingMode javaMode(String m) {
    return switch (m.toUpperCase(java.util.Locale.ROOT)) {
      case "ROUND", "HALF_EVEN" -> RoundingMode.HALF_EVEN;
      case "CEIL" -> RoundingMode.CEILING;
      case "FLOOR" -> RoundingMode.FLOOR;
      case "UP" -> RoundingMode.UP;
      case "DOWN" -> RoundingMode.DOWN;
      case "HALF_UP" -> RoundingMode.HALF_UP;
      case "HALF_DOWN" -> RoundingMode.HALF_DOWN;
      default -> throw new IllegalArgumentException(m);
    };
  }

  private static void same(float expected, float actual, String what) {
    assertTrue(
        expected == actual || (Float.isNaN(expected) && Float.isNaN(actual)),
        what + ": expected " + expected + ", got " + actual);
  }

  /** The documentation's rounding table, row by row: 5.5, 2.5, 1.6, 1.1, 1.0, -1.0, ... */
  @Test
  void intQuantReproducesTheDocumentedRoundingTable() {
    float[] x = {5.5f, 2.5f, 1.6f, 1.1f, 1.0f, -1.0f, -1.1f, -1.6f, -2.5f, -5.5f};
    Map<String, float[]> table =
        Map.of(
            "ROUND", new float[] {6, 2, 2, 1, 1, -1, -1, -2, -2, -6},
            "CEIL", new float[] {6, 3, 2, 2, 1, -1, -1, -1, -2, -5},
            "FLOOR", new float[] {5, 2, 1, 1, 1, -1, -2, -2, -3, -6},
            "UP", new float[] {6, 3, 2, 2, 1, -1, -2, -2, -3, -6},
            "DOWN", new float[] {5, 2, 1, 1, 1, -1, -1, -1, -2, -5},
            "HALF_UP", new float[] {6, 3, 2, 1, 1, -1, -1, -2, -3, -6},
            "HALF_DOWN", new float[] {5, 2, 2, 1, 1, -1, -1, -2, -2, -5});
    for (var e : table.entrySet()) {
      for (String name : new String[] {e.getKey(), e.getKey().toLowerCase(java.util.Locale.ROOT)}) {
        float[] y =
            QonnxTestModels.run(
                "Quant",
                QonnxTestModels.DOMAIN,
                Tensor.of(x, x.length),
                QonnxTestModels.params("s", 1f, "z", 0f, "bw", 8f),
                n -> n.s("rounding_mode", name));
        for (int i = 0; i < x.length; i++) {
          same(e.getValue()[i], y[i], name + " of " + x[i]);
        }
      }
    }
  }

  /** IntQuant per the documentation's sample implementation, the rounding exact. */
  static float intQuantRef(
      float x, float s, float z, int bw, boolean signed, boolean narrow, String mode) {
    float y = x / s + z;
    if (bw == 1 && signed) {
      y = y >= 0 ? 1 : -1;
    } else {
      long min = signed ? (narrow ? -(1L << (bw - 1)) + 1 : -(1L << (bw - 1))) : 0;
      long max = signed ? (1L << (bw - 1)) - 1 : narrow ? (1L << bw) - 2 : (1L << bw) - 1;
      if (y > max) {
        y = max;
      }
      if (y < min) {
        y = min;
      }
      if (!Float.isNaN(y)) {
        y = new BigDecimal(y).setScale(0, javaMode(mode)).floatValue();
      }
    }
    return (y - z) * s;
  }

  @Test
  void intQuantMatchesTheDocumentedFormulaOverAttributes() {
    Random r = new Random(17);
    int cases = 0;
    for (int bw : new int[] {1, 2, 3, 4, 8}) {
      for (int sg = 0; sg < 2; sg++) {
        for (int nr = 0; nr < 2; nr++) {
          for (String mode : MODES) {
            for (float s : new float[] {1f, 0.25f, 0.3f}) {
              float z = sg == 1 ? 0f : (bw >= 3 ? 3f : 0f);
              boolean signed = sg == 1;
              boolean narrow = nr == 1;
              if (bw == 1 && !signed) {
                continue;
              }
              List<Float> xs = new ArrayList<>();
              for (int k = -300; k <= 300; k++) {
                xs.add((k / 2f - z) * s); // ties (exact when s is a power of two) and integers
              }
              for (int k = 0; k < 200; k++) {
                xs.add((float) (r.nextGaussian() * s * (1 << bw)));
              }
              xs.add(0f);
              xs.add(-0f);
              xs.add(Float.NaN);
              xs.add(Float.POSITIVE_INFINITY);
              xs.add(Float.NEGATIVE_INFINITY);
              float[] x = new float[xs.size()];
              for (int i = 0; i < x.length; i++) {
                x[i] = xs.get(i);
              }
              float[] y =
                  QonnxTestModels.run(
                      "Quant",
                      "finn.custom_op.general",
                      Tensor.of(x, x.length),
                      QonnxTestModels.params("s", s, "z", z, "bw", (float) bw),
                      n ->
                          n.i("signed", signed ? 1 : 0)
                              .i("narrow", narrow ? 1 : 0)
                              .s("rounding_mode", mode));
              for (int i = 0; i < x.length; i++) {
                same(
                    intQuantRef(x[i], s, z, bw, signed, narrow, mode),
                    y[i],
                    "Quant bw="
                        + bw
                        + " signed="
                        + signed
                        + " narrow="
                        + narrow
                        + " "
                        + mode
                        + " s="
                        + s
                        + " x="
                        + x[i]);
                cases++;
              }
            }
          }
        }
      }
    }
    assertTrue(cases > 100_000, "cases " + cases);
  }

  @Test
  void intQuantPerChannelScaleAndZeroPointBroadcast() {
    float[] x = new float[12];
    Random r = new Random(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian() * 4;
    }
    Tensor s = Tensor.of(new float[] {0.5f, 0.125f, 2f}, 3, 1);
    Tensor z = Tensor.of(new float[] {0f, 1f, 0f, 2f}, 1, 4);
    float[] y =
        QonnxTestModels.run(
            "IntQuant",
            "qonnx.custom_op.general",
            Tensor.of(x, 3, 4),
            QonnxTestModels.params("s", s, "z", z, "bw", Tensor.ofLongs(new long[] {4})),
            n -> n.i("signed", 0).s("rounding_mode", "HALF_UP"));
    for (int i = 0; i < 12; i++) {
      same(
          intQuantRef(x[i], s.floats()[i / 4], z.floats()[i % 4], 4, false, false, "HALF_UP"),
          y[i],
          "x=" + x[i]);
    }
  }

  @Test
  void negativeZeroAndBipolar() {
    float[] y =
        QonnxTestModels.run(
            "Quant",
            "onnx.brevitas",
            Tensor.of(new float[] {-0.3f, -0f}, 2),
            QonnxTestModels.params("s", 1f, "z", 0f, "bw", 4f),
            n -> {});
    assertEquals(
        Float.floatToIntBits(-0f), Float.floatToIntBits(y[0]), "round(-0.3) is -0, as np.round");
    // x = -0: the documented y = x / s + zeropt is -0 + 0 = +0 in IEEE arithmetic, so +0 comes out
    assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(y[1]));
    float[] x = {-2f, -0f, 0f, 1e-30f, -1e-30f, Float.NaN, 5f};
    float[] b =
        QonnxTestModels.run(
            "BipolarQuant",
            "qonnx.custom_op.general",
            Tensor.of(x, x.length),
            QonnxTestModels.params("s", 0.75f),
            n -> {});
    // the documentation: y = (x >= 0 ? 1 : -1) * scale; NaN >= 0 is false
    float[] want = {-0.75f, 0.75f, 0.75f, 0.75f, -0.75f, -0.75f, 0.75f};
    for (int i = 0; i < x.length; i++) {
      same(want[i], b[i], "BipolarQuant of " + x[i]);
    }
  }

  /** Trunc per the documentation (v1: 5 inputs, v2: 6 inputs), the roundings exact. */
  @Test
  void truncBothVersions() {
    Random r = new Random(5);
    float[] x = new float[400];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < 200 ? (i - 100) * 0.125f : (float) r.nextGaussian() * 40;
    }
    for (String mode : MODES) {
      float s = 0.125f;
      float z = 0f;
      // v1: round(x / s + z) / 2^(in - out), rounded by the mode, then (y - z) * s
      float[] y1 =
          QonnxTestModels.run(
              "Trunc",
              "qonnx.custom_op.general",
              Tensor.of(x, x.length),
              QonnxTestModels.params("s", s, "z", z, "ib", 8f, "ob", 4f),
              n -> n.s("rounding_mode", mode));
      for (int i = 0; i < x.length; i++) {
        BigDecimal y = new BigDecimal(x[i] / s + z).setScale(0, RoundingMode.HALF_EVEN);
        y = y.divide(BigDecimal.valueOf(16)).setScale(0, javaMode(mode));
        same((y.floatValue() - z) * s, y1[i], "Trunc v1 " + mode + " x=" + x[i]);
      }
      // v2: out_scale 1 = 8 * s: t = 8; clamp to the 4-bit signed range, round, (y - z / t) *
      // out_scale
      for (int signed = 0; signed < 2; signed++) {
        int sg = signed;
        float[] y2 =
            QonnxTestModels.run(
                "Trunc",
                "qonnx.custom_op.general",
                Tensor.of(x, x.length),
                QonnxTestModels.params("s", s, "z", z, "ib", 8f, "os", 1f, "ob", 4f),
                n -> n.s("rounding_mode", mode).i("signed", sg));
        for (int i = 0; i < x.length; i++) {
          BigDecimal y = new BigDecimal(x[i] / s + z).setScale(0, RoundingMode.HALF_EVEN);
          y = y.divide(BigDecimal.valueOf(8));
          BigDecimal lo = BigDecimal.valueOf(sg == 1 ? -8 : 0);
          BigDecimal hi = BigDecimal.valueOf(sg == 1 ? 7 : 15);
          y = y.max(lo).min(hi).setScale(0, javaMode(mode));
          same(
              (y.floatValue() - z / 8f) * 1f,
              y2[i],
              "Trunc v2 signed=" + sg + " " + mode + " x=" + x[i]);
        }
      }
    }
  }

  // ---- FloatQuant

  /**
   * The grid of a minifloat's non-negative values, as if unbounded above: value → integer m (tie
   * parity).
   */
  static TreeMap<BigDecimal, Long> grid(int e, int m, int b) {
    TreeMap<BigDecimal, Long> g = new TreeMap<>();
    BigDecimal two = BigDecimal.valueOf(2);
    for (long k = 0; k < (1L << m); k++) { // subnormals: k * 2^(1 - b - m)
      g.put(pow2(1 - b - m).multiply(BigDecimal.valueOf(k)), k);
    }
    for (int f = 1; f <= (1 << e) + 1; f++) { // normals, two binades beyond the exponent field
      for (long k = 0; k < (1L << m); k++) {
        long sig = (1L << m) + k;
        g.put(pow2(f - b - m).multiply(BigDecimal.valueOf(sig)), sig);
      }
    }
    assert two != null;
    return g;
  }

  static BigDecimal pow2(int k) {
    return k >= 0
        ? BigDecimal.valueOf(2).pow(k)
        : BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(-k));
  }

  /** compute_max_val of the documentation: sum_{i=0..m} 2^-i times 2^(2^e - 1 - b). */
  static BigDecimal docMax(int e, int m, int b) {
    BigDecimal s = BigDecimal.ZERO;
    for (int i = 0; i <= m; i++) {
      s = s.add(pow2(-i));
    }
    return s.multiply(pow2((1 << e) - 1 - b));
  }

  /** FloatQuant per the documentation, by a search over the grid. */
  static float floatQuantRef(
      float x,
      float s,
      int e,
      int m,
      int b,
      Float maxVal,
      String mode,
      boolean sat,
      boolean hasInf) {
    float xs = x / s;
    if (Float.isNaN(xs) || Float.isInfinite(xs)) {
      return Float.NaN;
    }
    TreeMap<BigDecimal, Long> g = grid(e, m, b);
    BigDecimal a = new BigDecimal(xs).abs();
    BigDecimal lo = g.floorKey(a);
    BigDecimal hi = g.ceilingKey(a);
    boolean neg = xs < 0;
    BigDecimal q;
    if (hi == null) {
      q = a; // beyond the enumerated grid: far above the range, clamped below
    } else if (lo.compareTo(a) == 0) {
      q = lo;
    } else {
      int cmp = a.subtract(lo).compareTo(hi.subtract(a));
      String mu = mode.toUpperCase(java.util.Locale.ROOT);
      boolean up = switch (mu) { // toward the larger magnitude?
            case "CEIL" -> !neg;
            case "FLOOR" -> neg;
            case "UP" -> true;
            case "DOWN" -> false;
            case "HALF_UP" -> cmp >= 0;
            case "HALF_DOWN" -> cmp > 0;
            default -> cmp > 0 || (cmp == 0 && (g.get(hi) % 2 == 0));
          };
      q = up ? hi : lo;
    }
    BigDecimal max = docMax(e, m, b);
    if (maxVal != null) {
      max = max.min(new BigDecimal(maxVal));
    }
    float out;
    if (q.compareTo(max) > 0) {
      if (sat) {
        out = max.floatValue();
      } else {
        out = hasInf ? Float.POSITIVE_INFINITY : Float.NaN;
      }
    } else {
      out = q.round(MathContext.DECIMAL128).floatValue();
    }
    if (neg) {
      out = -out;
    }
    return out * s;
  }

  /**
   * Test inputs: every grid value, every midpoint and its float neighbours, random, zero, beyond.
   */
  static float[] inputs(int e, int m, int b, float s, Random r) {
    List<Float> xs = new ArrayList<>();
    TreeMap<BigDecimal, Long> g = grid(e, m, b);
    BigDecimal prev = null;
    for (BigDecimal v : g.keySet()) {
      float fv = v.floatValue();
      xs.add(fv * s);
      xs.add(-fv * s);
      if (prev != null) {
        float mid = prev.add(v).divide(BigDecimal.valueOf(2)).floatValue();
        for (float t : new float[] {mid, Math.nextUp(mid), Math.nextDown(mid)}) {
          xs.add(t * s);
          xs.add(-t * s);
        }
      }
      prev = v;
    }
    double top = g.lastKey().doubleValue();
    for (int i = 0; i < 300; i++) {
      xs.add(
          (float)
              (Math.signum(r.nextGaussian())
                  * Math.exp(r.nextDouble() * Math.log(top * 4) - 12)
                  * s));
    }
    xs.add(0f);
    xs.add(-0f);
    xs.add(Float.NaN);
    xs.add(Float.POSITIVE_INFINITY);
    xs.add(Float.NEGATIVE_INFINITY);
    xs.add(Float.MAX_VALUE);
    xs.add(Float.MIN_VALUE);
    float[] x = new float[xs.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = xs.get(i);
    }
    return x;
  }

  @Test
  void floatQuantMatchesTheDocumentedFormula() {
    Random r = new Random(11);
    // E, M, bias, max_val (null: none given), has_inf, has_nan, saturation
    Object[][] configs = {
      {4, 3, 7, 448f, 0, 1, 1}, // OCP E4M3 (float8_e4m3fn values)
      {4, 3, 7, null, 0, 0, 1}, // plain E4M3, max 480
      {5, 2, 15, 57344f, 1, 1, 1}, // OCP E5M2
      {5, 2, 15, 57344f, 1, 1, 0}, // E5M2 non-saturating: overflow to inf
      {4, 3, 7, 448f, 0, 1, 0}, // E4M3 non-saturating: overflow to NaN
      {2, 1, 1, 6f, 0, 0, 1}, // E2M1 (FP4)
      {3, 2, 3, 28f, 0, 0, 1}, // E3M2
      {2, 3, 1, 7.5f, 0, 0, 1}, // E2M3
      {4, 3, 8, 240f, 0, 0, 1}, // odd bias
      {3, 2, -2, null, 0, 0, 1}, // negative bias
      {4, 3, 7, 300f, 0, 0, 1}, // max_val off the grid: clamped there
      {3, 4, 3, null, 0, 0, 1}, // E3M4
    };
    int cases = 0;
    for (Object[] c : configs) {
      int e = (int) c[0];
      int m = (int) c[1];
      int b = (int) c[2];
      Float maxVal = (Float) c[3];
      boolean hasInf = (int) c[4] == 1;
      boolean hasNan = (int) c[5] == 1;
      boolean sat = (int) c[6] == 1;
      for (String mode :
          new String[] {"ROUND", "round", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"}) {
        for (float s : new float[] {1f, 0.0625f, 0.37f}) {
          float[] x = inputs(e, m, b, s, r);
          var p =
              maxVal == null
                  ? QonnxTestModels.params("s", s, "e", (float) e, "m", (float) m, "b", (float) b)
                  : QonnxTestModels.params(
                      "s", s, "e", (float) e, "m", (float) m, "b", (float) b, "max", maxVal);
          float[] y =
              QonnxTestModels.run(
                  "FloatQuant",
                  "qonnx.custom_op.general",
                  Tensor.of(x, x.length),
                  p,
                  n ->
                      n.i("has_inf", hasInf ? 1 : 0)
                          .i("has_nan", hasNan ? 1 : 0)
                          .i("saturation", sat ? 1 : 0)
                          .i("has_subnormal", 1)
                          .s("rounding_mode", mode));
          for (int i = 0; i < x.length; i++) {
            same(
                floatQuantRef(x[i], s, e, m, b, maxVal, mode, sat, hasInf),
                y[i],
                "FloatQuant E"
                    + e
                    + "M"
                    + m
                    + " bias "
                    + b
                    + " max "
                    + maxVal
                    + " "
                    + mode
                    + " sat "
                    + sat
                    + " s "
                    + s
                    + " x "
                    + x[i]);
            cases++;
          }
        }
      }
    }
    assertTrue(cases > 50_000, "cases " + cases);
  }

  @Test
  void floatQuantHandPickedValues() {
    // E4M3 bias 7: 0.5 * 2^-9 is half the smallest subnormal 2^-9: a tie to 0 (even); 3 * 2^-10
    // ties to 2^-8
    // (m = 2, even); 464 rounds to 448 with max_val 448 (saturation) or to 480 → NaN without
    // saturation
    float[] x = {0x1p-10f, 3 * 0x1p-10f, 464f, 1000f, -1000f, 0x1p-9f, 17f, 19f};
    float[] sat = {0f, 0x1p-8f, 448f, 448f, -448f, 0x1p-9f, 16f, 20f};
    float[] y =
        QonnxTestModels.run(
            "FloatQuant",
            "qonnx.custom_op.general",
            Tensor.of(x, x.length),
            QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 448f),
            n -> n.i("has_nan", 1));
    for (int i = 0; i < x.length; i++) {
      same(sat[i], y[i], "E4M3 of " + x[i]);
    }
    float[] ns =
        QonnxTestModels.run(
            "FloatQuant",
            "qonnx.custom_op.general",
            Tensor.of(x, x.length),
            QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 448f),
            n -> n.i("has_nan", 1).i("saturation", 0));
    same(448f, ns[2], "464 rounds to 448 (a tie between 448 and 480, to even)");
    same(Float.NaN, ns[3], "1000 without saturation");
    same(Float.NaN, ns[4], "-1000 without saturation");
  }

  @Test
  void refusalsAreOneLineNamingTheNode() {
    Tensor x = Tensor.of(new float[] {1f}, 1);
    NnException e =
        assertThrows(
            NnException.class,
            () ->
                QonnxTestModels.run(
                    "Quant",
                    "qonnx.custom_op.general",
                    x,
                    QonnxTestModels.params("s", 1f, "z", 0f, "bw", 4f),
                    n -> n.s("rounding_mode", "STOCHASTIC")));
    assertTrue(
        e.getMessage().contains("node 'Quant_0' (Quant)")
            && e.getMessage().contains("STOCHASTIC")
            && !e.getMessage().contains("\n"),
        e.getMessage());
    e =
        assertThrows(
            NnException.class,
            () ->
                QonnxTestModels.run(
                    "FloatQuant",
                    "qonnx.custom_op.general",
                    x,
                    QonnxTestModels.params("s", 1f, "e", 4f, "m", 3f, "b", 7f, "max", 448f),
                    n -> n.i("saturation", 0)));
    assertTrue(e.getMessage().contains("saturation=0 needs has_inf or has_nan"), e.getMessage());
    e =
        assertThrows(
            NnException.class,
            () ->
                QonnxTestModels.run(
                    "MultiThreshold",
                    "qonnx.custom_op.general",
                    x,
                    QonnxTestModels.params("t", 1f),
                    n -> {}));
    assertTrue(e.getMessage().contains("unsupported QONNX operator"), e.getMessage());
    e =
        assertThrows(
            NnException.class,
            () ->
                QonnxTestModels.run(
                    "Quant",
                    "com.example",
                    x,
                    QonnxTestModels.params("s", 1f, "z", 0f, "bw", 4f),
                    n -> {}));
    assertTrue(e.getMessage().contains("domain 'com.example' is not supported"), e.getMessage());
    e =
        assertThrows(
            NnException.class,
            () ->
                QonnxTestModels.run(
                    "Quant",
                    "qonnx.custom_op.general",
                    x,
                    QonnxTestModels.params("s", 1f, "z", 0f, "bw", 0.5f),
                    n -> {}));
    assertTrue(e.getMessage().contains("bitwidth must be an integer"), e.getMessage());
  }
}
