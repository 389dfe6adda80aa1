package org.exmy.dse;

import java.util.Map;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Metric;

/** A model of the sweep, its data and identity, and its float32 outputs (made once, on demand). */
final class ModelContext {
  final String name;
  final Model model;
  final String hash;
  final String dataKey;
  final ModelData test;
  final Feeds calib;
  private Map<String, Tensor> fp32;

  private ModelContext(
      String name, Model model, String hash, String dataKey, ModelData test, Feeds calib) {
    this.name = name;
    this.model = model;
    this.hash = hash;
    this.dataKey = dataKey;
    this.test = test;
    this.calib = calib;
  }

  /**
   * Loads model {@code m} and its data: --data, else the reference model's own; calibration from
   * --calib-data, else the data's training split, else the data.
   *
   * @throws org.exmy.nn.NnException for a model or data that cannot be read or do not fit
   */
  static ModelContext load(String m, Sweep.Config c) {
    Model model = ReferenceModels.load(m);
    String data = c.data() != null ? c.data() : ReferenceModels.defaultData(m);
    if (data == null) {
      throw new org.exmy.nn.NnException(
          "--data is needed for the model file "
              + m
              + " (a .npz with an array per input, or fashion-mnist)");
    }
    ModelData test = ModelData.load(data, model, Datasets.Split.TEST);
    if (c.limit() != null) {
      test = test.head(c.limit());
    }
    if ((c.metric() == null || c.metric() == Metric.TOP1) && test.labels() == null) {
      throw new org.exmy.nn.NnException(
          test.source()
              + ": no labels (an array y) to rate "
              + m
              + " by top-1; use --metric fidelity");
    }
    Feeds calib =
        ModelData.calibration(c.calibData() != null ? c.calibData() : data, model, c.calibImages());
    String dataKey =
        c.data() != null ? c.data() : "default:" + m.toLowerCase(java.util.Locale.ROOT);
    return new ModelContext(
        m,
        model,
        ResultCache.key(java.util.Base64.getEncoder().encodeToString(ReferenceModels.bytes(m))),
        dataKey,
        test,
        calib);
  }

  /**
   * Only what the accuracy stage's cache key needs (the model's bytes and the data's name): for
   * --status and --collect, which compute nothing and so read no data.
   *
   * @throws org.exmy.nn.NnException for a model file that cannot be read
   */
  static ModelContext keysOnly(String m, Sweep.Config c) {
    String dataKey =
        c.data() != null ? c.data() : "default:" + m.toLowerCase(java.util.Locale.ROOT);
    return new ModelContext(
        m,
        null,
        ResultCache.key(java.util.Base64.getEncoder().encodeToString(ReferenceModels.bytes(m))),
        dataKey,
        null,
        null);
  }

  synchronized Map<String, Tensor> fp32(int threads) {
    if (fp32 == null) fp32 = Assessment.fp32(model, test.inputs(), threads, null);
    return fp32;
  }
}
