package org.exmy.nn.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.DType;
import org.exmy.nn.Feeds;
import org.exmy.nn.Model;
import org.exmy.nn.Tensor;

/**
 * Data for a model of any inputs: the inputs by name, and optionally labels.
 *
 * <p>Read by {@link #load}: a {@code .npz} whose arrays are named after the model's inputs (every
 * input must be there), plus an optional integer array {@code y} (or {@code labels}) of labels; a
 * one-input model also takes the single other array whatever its name (so {@code x, y} archives
 * keep working). Arrays {@code calib_<input>} (and {@code calib_y}) are the archive's calibration
 * split, read for {@link Datasets.Split#TRAIN}; any other array is an error naming it. Every other
 * dataset that {@link Datasets#load} reads (IDX, {@code x.npy,y.npy}) feeds a one-input model. A
 * float input takes float16/32/64 arrays, and uint8 arrays scaled by 1/255 as {@link
 * NpyReader.Npy#asInputs} does; an integer input takes integer and bool arrays.
 *
 * @param inputs the model's inputs
 * @param labels int64 labels, item along dimension 0 ({@code [N]} for a classifier, {@code [N, L]}
 *     for a label per position), or null when the data has none
 */
public record ModelData(Feeds inputs, Tensor labels) {
  /** Names of a labels array in a {@code .npz}, in order of preference. */
  public static final List<String> LABEL_NAMES = List.of("y", "labels");

  /** The source the data came from. */
  public String source() {
    return inputs.source();
  }

  /** Number of items. */
  public int items() {
    return inputs.items();
  }

  /** The first {@code n} items (or all). */
  public ModelData head(int n) {
    if (n >= items()) {
      return this;
    }
    return new ModelData(inputs.head(n), labels == null ? null : labels.slice0(0, n));
  }

  /** Prefix of the calibration split's arrays in a {@code .npz}. */
  public static final String CALIB_PREFIX = "calib_";

  /**
   * Loads {@code spec} for {@code model}: the test split of an IDX folder or the items of a {@code
   * .npz}, or with {@link Datasets.Split#TRAIN} the training split (IDX) or the {@code calib_*}
   * arrays (a {@code .npz}); checks it fits the model.
   *
   * @throws DataFormatException with "no train-" in the message when a training split is asked for
   *     and the data has none
   */
  public static ModelData load(String spec, Model model, Datasets.Split split) {
    ModelData d;
    if (spec.endsWith(".npz") && !spec.contains(",")) {
      d = npz(Path.of(spec), model, split);
    } else {
      Dataset ds = Datasets.load(spec, split);
      requireOneInput(model, spec);
      long[] l = new long[ds.size()];
      for (int i = 0; i < l.length; i++) {
        l[i] = ds.labels()[i];
      }
      d =
          new ModelData(
              Feeds.of(ds.source(), model.inputs().get(0).name(), ds.inputs()),
              Tensor.ofLongs(l, l.length));
    }
    model.checkFeeds(d.inputs());
    return d;
  }

  private static void requireOneInput(Model model, String spec) {
    if (model.inputs().size() != 1) {
      throw new DataFormatException(
          spec
              + ": holds one input array, but "
              + model.source()
              + " has "
              + model.inputs().size()
              + " inputs "
              + model.inputs()
              + "; give a .npz with an array named after each input");
    }
  }

  /**
   * The calibration items for {@code model}: the first {@code n} of the training split of {@code
   * spec} (IDX train files, a {@code .npz}'s {@code calib_*} arrays), or of {@code spec} itself
   * when it has no training split.
   */
  public static Feeds calibration(String spec, Model model, int n) {
    try {
      return load(spec, model, Datasets.Split.TRAIN).inputs().head(n);
    } catch (DataFormatException e) {
      if (!e.getMessage().contains("no train-")) {
        throw e;
      }
      return load(spec, model, Datasets.Split.TEST).inputs().head(n);
    }
  }

  private static ModelData npz(Path file, Model model, Datasets.Split split) {
    Map<String, NpyReader.Npy> all = NpzReader.readAll(file);
    boolean train = split == Datasets.Split.TRAIN;
    Map<String, NpyReader.Npy> arrays = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith(CALIB_PREFIX) == train) {
            arrays.put(train ? k.substring(CALIB_PREFIX.length()) : k, v);
          }
        });
    if (arrays.isEmpty()) {
      throw new DataFormatException(
          file
              + ": "
              + (train ? "no train- split (no calib_* arrays)" : "no arrays other than calib_*"));
    }
    List<String> names = model.inputs().stream().map(Model.Input::name).toList();
    Tensor labels = null;
    String labelName = null;
    for (String n : LABEL_NAMES) {
      if (labels == null && arrays.containsKey(n) && !names.contains(n)) {
        NpyReader.Npy y = arrays.get(n);
        if (y.data().type() != DType.INT64) {
          throw new DataFormatException(
              file + ":" + n + ": labels must be integers, dtype is " + y.dtype());
        }
        labels = y.data();
        labelName = n;
      }
    }
    Map<String, NpyReader.Npy> rest = new LinkedHashMap<>(arrays);
    if (labelName != null) {
      rest.remove(labelName);
    }
    if (names.size() == 1 && rest.size() == 1 && !rest.containsKey(names.get(0))) {
      // a one-input model: the one array is its input, whatever its name ("x")
      NpyReader.Npy x = rest.values().iterator().next();
      rest = Map.of(names.get(0), x);
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (var e : rest.entrySet()) {
      Model.Input in =
          model.inputs().stream().filter(i -> i.name().equals(e.getKey())).findFirst().orElse(null);
      NpyReader.Npy a = e.getValue();
      boolean toFloat =
          in != null
              && in.type() == DType.FLOAT
              && a.data().type() == DType.INT64
              && (a.isUint8() || names.size() == 1);
      feeds.put(e.getKey(), toFloat ? a.asInputs() : a.data());
    }
    Feeds f = new Feeds(file.toString(), feeds);
    if (labels != null && (labels.rank() < 1 || labels.dim(0) != f.items())) {
      throw new DataFormatException(
          file + ":" + labelName + ": " + labels + " labels for " + f.items() + " items");
    }
    return new ModelData(f, labels);
  }
}
