package org.exmy.nn.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.ModelData;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.Test;

class SensitivityTest {

  private static Feeds random(Model m, int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return Feeds.of("random", m.inputs().get(0).name(), Tensor.of(x, n, 1, 28, 28));
  }

  /** MACs per image from the architectures in models/train.py, counted by hand. */
  @Test
  void macsPerItemOfTheReferenceModels() {
    Model cnn = ReferenceModels.load("cnn");
    // conv3x3 1->16 on 28x28 (padding 1), pool, conv3x3 16->32 on 14x14, pool, 1568-64, 64-10
    assertArrayEquals(
        new long[] {28 * 28 * 16 * 9, 14 * 14 * 32 * 16 * 9, 32 * 7 * 7 * 64, 64 * 10},
        Sensitivity.macsPerItem(cnn, random(cnn, 3, 1)));
    Model mlp = ReferenceModels.load("mlp");
    assertArrayEquals(
        new long[] {784 * 256, 256 * 128, 128 * 10},
        Sensitivity.macsPerItem(mlp, random(mlp, 2, 1)));
  }

  /**
   * Properties: the rows cover every site once, sorted by drop; a site's value is the fidelity of
   * the run with only that site quantized, and the fully quantized run is at least as far from
   * float32 as the worst single site when that site dominates (INT3 everywhere).
   */
  @Test
  void rowsCoverEverySiteSortedByDrop() {
    Model cnn = ReferenceModels.load("cnn");
    Feeds x = random(cnn, 16, 2);
    QuantOptions opt = QuantOptions.of(Formats.parse("INT3"), Formats.parse("INT3"));
    Sensitivity s = Sensitivity.run(cnn, new ModelData(x, null), x, opt, Metric.SQNR, 1, null);
    assertEquals(4, s.rows().size());
    assertEquals(
        List.of(0, 1, 2, 3), s.rows().stream().map(Sensitivity.Row::site).sorted().toList());
    for (int i = 1; i < s.rows().size(); i++) {
      assertTrue(s.rows().get(i - 1).drop() >= s.rows().get(i).drop());
    }
    assertEquals(0.0, s.rows().get(s.rows().size() - 1).drop());
    Ptq ptq = Ptq.prepare(cnn, x, opt, 1);
    Sensitivity.Row worst = s.rows().get(0);
    var ref = Assessment.fp32(cnn, x, 1, null);
    var only = Assessment.outputs(cnn, ptq.only(worst.site()), x, 1, null);
    assertEquals(Metric.SQNR.of(Assessment.of(16, ref, only, null)), worst.value(), 1e-12);
    assertTrue(s.all() <= worst.value() + 1e-9, s.all() + " vs " + worst.value());
    assertTrue(Double.isInfinite(s.fp32()));
  }
}
