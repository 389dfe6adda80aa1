package org.exmy.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.data.ModelData;

/**
 * The model and data arguments that {@code run}, {@code accuracy} and {@code sensitivity} share.
 */
final class ModelInputs {
  private ModelInputs() {}

  /** The data to use: {@code given}, else the reference model's own, else a usage error. */
  static String data(String given, String model, String option) {
    if (given != null) {
      return given;
    }
    String d = ReferenceModels.defaultData(model);
    if (d == null) {
      throw new UsageException(
          option
              + " is needed for a model file ("
              + model
              + "): a .npz with an array per"
              + " input, or fashion-mnist");
    }
    return d;
  }

  /** The test items, the first {@code limit} when given. */
  static ModelData test(String data, Model m, Integer limit) {
    ModelData d = ModelData.load(data, m, Datasets.Split.TEST);
    return limit == null ? d : d.head(limit);
  }

  /** The calibration items: --calib-data, else the training split of the data, else the data. */
  static Feeds calibration(PtqOptions ptq, String data, Model m) {
    Limits.check("--calib-images", ptq.calibImages, 1, 100_000);
    return ModelData.calibration(ptq.calibData != null ? ptq.calibData : data, m, ptq.calibImages);
  }

  /** The name a model is reported under: a reference name, or the file name. */
  static String label(String model) {
    return ReferenceModels.isName(model)
        ? model.toLowerCase(Locale.ROOT)
        : Path.of(model).getFileName().toString();
  }

  /** The worker threads: --threads, else one per processor. */
  static int threads(Integer threads) {
    return threads == null
        ? Runtime.getRuntime().availableProcessors()
        : (int) Limits.check("--threads", threads, 1, 256);
  }
}
