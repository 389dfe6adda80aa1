package org.exmy.nn;

import static org.exmy.nn.QuantizedReferenceTest.absmax;
import static org.exmy.nn.QuantizedReferenceTest.gaussian;
import static org.exmy.nn.QuantizedReferenceTest.q;
import static org.exmy.nn.QuantizedReferenceTest.scale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.api.Test;

/** PTQ through the new linear sites: ConvTranspose against a BigDecimal reference, LSTM/GRU. */
class QuantNewSitesTest {
  @Test
  void convTransposeQuantizesWeightsAndInputs() {
    for (String fmt : new String[] {"E4M3", "INT6"}) {
      NumberFormat f = Formats.parse(fmt);
      SplittableRandom r = new SplittableRandom(fmt.hashCode());
      int c = 3;
      int hw = 4;
      int oc = 2;
      Tensor w = gaussian(r, 0.4, c, oc, 3, 3);
      OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, -1, c, hw, hw).output("y");
      b.init("w", w);
      b.node("ConvTranspose", new String[] {"x", "w"}, "y")
          .ints("strides", 2, 2)
          .ints("pads", 1, 1, 0, 0);
      Model m = OnnxLoader.load(b.bytes(), "ct.onnx");
      Tensor calib = gaussian(r, 1, 8, c, hw, hw);
      Tensor x = gaussian(r, 1, 2, c, hw, hw);
      Ptq ptq = Ptq.prepare(m, calib, QuantOptions.of(f, f).withPerChannel(false), 1);
      float[] got;
      try (Session s = new Session(m, ptq, 1)) {
        got = s.runBatched(x, 2, null).floats();
      }
      float sa = scale(absmax(calib.floats()), f, false);
      float sw = scale(absmax(w.floats()), f, false);
      int o = 2 * (hw - 1) + 3 - 1; // 8
      assertEquals(2 * oc * o * o, got.length);
      double worst = 0;
      for (int img = 0; img < 2; img++) {
        for (int ch = 0; ch < oc; ch++) {
          for (int oy = 0; oy < o; oy++) {
            for (int ox = 0; ox < o; ox++) {
              BigDecimal sum = BigDecimal.ZERO;
              for (int ci = 0; ci < c; ci++) {
                for (int y = 0; y < hw; y++) {
                  for (int xx = 0; xx < hw; xx++) {
                    int ky = oy + 1 - 2 * y;
                    int kx = ox + 1 - 2 * xx;
                    if (ky < 0 || ky >= 3 || kx < 0 || kx >= 3) {
                      continue;
                    }
                    float wv = w.floats()[((ci * oc + ch) * 3 + ky) * 3 + kx];
                    float xv = x.floats()[((img * c + ci) * hw + y) * hw + xx];
                    sum = sum.add(q(wv, sw, f).multiply(q(xv, sa, f)));
                  }
                }
              }
              double want = sum.doubleValue() * sw * sa;
              double g = got[((img * oc + ch) * o + oy) * o + ox];
              worst = Math.max(worst, Math.abs(g - want));
            }
          }
        }
      }
      // each output sums up to 4 kernel rows' exact products in float32 (col2im)
      assertTrue(worst < 1e-5, fmt + ": worst " + worst);
    }
  }

  @Test
  void recurrentAndEinsumSitesQuantize() {
    SplittableRandom r = new SplittableRandom(5);
    int h = 4;
    OnnxBuilder b = new OnnxBuilder(14).input("x", OnnxBuilder.FLOAT, 5, -1, 3).output("y");
    b.init("w", gaussian(r, 0.5, 1, 4 * h, 3));
    b.init("rr", gaussian(r, 0.5, 1, 4 * h, h));
    b.init("gw", gaussian(r, 0.5, 2, 3 * h, h));
    b.init("gr", gaussian(r, 0.5, 2, 3 * h, h));
    b.init("e", gaussian(r, 0.5, h, 2));
    b.node("LSTM", new String[] {"x", "w", "rr"}, "y1").i("hidden_size", h);
    b.init("ax", Tensor.ofLongs(new long[] {1}, 1));
    b.node("Squeeze", new String[] {"y1", "ax"}, "y2");
    b.node("GRU", new String[] {"y2", "gw", "gr"}, "y3")
        .i("hidden_size", h)
        .s("direction", "bidirectional");
    b.node("Einsum", new String[] {"y3", "e"}, "y").s("equation", "sdbh,hk->sdbk");
    Model m = OnnxLoader.load(b.bytes(), "rnn.onnx");
    assertEquals(5, m.linearSites().size());
    Tensor calib = gaussian(r, 1, 5, 6, 3);
    Tensor x = gaussian(r, 1, 5, 2, 3);
    Map<String, Tensor> want = Ort.runOrt(b.bytes(), Ort.in("x", x));
    Ort.assertClose("fp32", want.get("y"), Ort.runExmy(b.bytes(), Ort.in("x", x)).get("y"));
    for (String fmt : new String[] {"E4M3", "INT8"}) {
      NumberFormat f = Formats.parse(fmt);
      Ptq ptq = Ptq.prepare(m, calib, QuantOptions.of(f, f), 1);
      float[] got;
      try (Session s = new Session(m, ptq, 1)) {
        got = s.run(Ort.in("x", x)).get("y").floats();
      }
      float[] ref = want.get("y").floats();
      double err = 0;
      double diff = 0;
      for (int i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs(got[i] - ref[i]));
        diff += Math.abs(got[i] - ref[i]);
      }
      assertTrue(diff > 0, fmt + ": the quantized run equals float32");
      assertTrue(err < 0.15, fmt + ": max error " + err + " against float32");
    }
  }
}
