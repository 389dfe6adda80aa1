package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.junit.jupiter.api.Test;

/** Fidelity and top-1 against sums written out by hand or computed in BigDecimal. */
class FidelityTest {

  @Test
  void handComputedValues() {
    // ref [[1,2],[3,4]], quant [[2,1],[3,5]]: error (1,-1,0,1)
    Fidelity f =
        Fidelity.of(
            "y",
            Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
            Tensor.of(new float[] {2, 1, 3, 5}, 2, 2));
    // Σref² = 30, Σe² = 3, Σref·q = 2 + 2 + 9 + 20 = 33, Σq² = 4 + 1 + 9 + 25 = 39
    assertEquals(10 * Math.log10(30.0 / 3.0), f.sqnrDb(), 1e-12);
    assertEquals(33 / Math.sqrt(30.0 * 39.0), f.cosine(), 1e-12);
    assertEquals(1.0, f.maxAbsError());
    // arg-max per row: ref (1, 1), quant (0, 1)
    assertEquals(50.0, f.agreement());
    assertEquals(2, f.positions());
  }

  @Test
  void edgeCases() {
    Tensor z = Tensor.of(new float[] {0, 0, 0}, 3);
    Tensor x = Tensor.of(new float[] {0, 1, 0}, 3);
    Fidelity same = Fidelity.of("y", x, x);
    assertEquals(Double.POSITIVE_INFINITY, same.sqnrDb());
    assertEquals(1.0, same.cosine(), 1e-15);
    assertEquals(100.0, same.agreement());
    assertEquals(3, same.positions()); // rank 1: equal elements
    assertEquals(Double.NEGATIVE_INFINITY, Fidelity.of("y", z, x).sqnrDb());
    assertEquals(0.0, Fidelity.of("y", z, x).cosine());
    assertEquals(1.0, Fidelity.of("y", z, z).cosine());
    assertThrows(
        NnException.class, () -> Fidelity.of("y", x, Tensor.of(new float[] {0, 1, 0}, 1, 3)));
  }

  /** Random tensors: SQNR and cosine against BigDecimal sums of the same floats. */
  @Test
  void matchesBigDecimalSums() {
    Random r = new Random(7);
    for (int t = 0; t < 20; t++) {
      int n = 1 + r.nextInt(500);
      float[] a = new float[n];
      float[] b = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) r.nextGaussian() * 10;
        b[i] = a[i] + (float) r.nextGaussian();
      }
      BigDecimal rr = BigDecimal.ZERO;
      BigDecimal qq = BigDecimal.ZERO;
      BigDecimal rq = BigDecimal.ZERO;
      BigDecimal ee = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        BigDecimal x = new BigDecimal(a[i]);
        BigDecimal y = new BigDecimal(b[i]);
        rr = rr.add(x.multiply(x));
        qq = qq.add(y.multiply(y));
        rq = rq.add(x.multiply(y));
        ee = ee.add(y.subtract(x).pow(2));
      }
      Fidelity f = Fidelity.of("y", Tensor.of(a, n), Tensor.of(b, n));
      MathContext mc = MathContext.DECIMAL64;
      assertEquals(10 * Math.log10(rr.divide(ee, mc).doubleValue()), f.sqnrDb(), 1e-9);
      assertEquals(rq.divide(rr.multiply(qq).sqrt(mc), mc).doubleValue(), f.cosine(), 1e-12);
    }
  }

  @Test
  void topOneOfSequenceLabelsIgnoresNegativeLabels() {
    // [N=1, L=3, C=2] logits, labels [1, 3]; label -1 is padding
    Tensor ref = Tensor.of(new float[] {0, 1, 1, 0, 5, 4}, 1, 3, 2);
    Tensor q = Tensor.of(new float[] {0, 1, 0, 1, 5, 4}, 1, 3, 2);
    Tensor y = Tensor.ofLongs(new long[] {1, 0, -1}, 1, 3);
    Map<String, Tensor> fp = new LinkedHashMap<>();
    fp.put("other", Tensor.of(new float[] {1}, 1)); // fits no labels: skipped
    fp.put("logits", ref);
    Map<String, Tensor> qu = new LinkedHashMap<>(fp);
    qu.put("logits", q);
    Assessment.Top1 t = Assessment.top1(fp, qu, y);
    assertEquals("logits", t.output());
    assertEquals(2, t.positions());
    assertEquals(100.0, t.fp32Top1()); // (1, 0) = labels
    assertEquals(50.0, t.top1()); // (1, 1)
    assertEquals(50.0, t.agreement());
    assertArrayEquals(new int[] {1, 0, 0}, t.fp32Pred());
    NnException bad =
        assertThrows(
            NnException.class,
            () -> Assessment.top1(fp, qu, Tensor.ofLongs(new long[] {1, 2, 0}, 1, 3)));
    assertTrue(bad.getMessage().contains("not below the 2 classes"), bad.getMessage());
    NnException none =
        assertThrows(
            NnException.class, () -> Assessment.top1(fp, qu, Tensor.ofLongs(new long[] {1, 2}, 2)));
    assertTrue(none.getMessage().contains("fit no output"), none.getMessage());
  }

  @Test
  void metricsPickTheWorstOutput() {
    Map<String, Tensor> fp = new LinkedHashMap<>();
    fp.put("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
    fp.put("b", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
    Map<String, Tensor> q = new LinkedHashMap<>();
    q.put("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
    q.put("b", Tensor.of(new float[] {2, 1, 3, 5}, 2, 2));
    Assessment as = Assessment.of(2, fp, q, null);
    assertEquals(10 * Math.log10(10), Metric.SQNR.of(as), 1e-12);
    assertEquals(50.0, Metric.AGREEMENT.of(as));
    assertEquals(1.0, Metric.MAXERR.of(as));
    assertTrue(Double.isNaN(Metric.TOP1.of(as)));
    assertEquals(Metric.SQNR, Metric.parse("fidelity"));
    assertEquals(Metric.COSINE, Metric.parse("Cosine"));
    NnException e = assertThrows(NnException.class, () -> Metric.parse("f1"));
    assertTrue(e.getMessage().startsWith("--metric must be"), e.getMessage());
  }
}
