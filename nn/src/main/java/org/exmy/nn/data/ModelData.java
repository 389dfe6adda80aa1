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
 * input must be there), plus an optional integer array {@code y} (or {@code labels}) of labels;
 * a one-input model also takes the single other array whatever its name (so {@code x, y} archives
 * keep working). Every other dataset that {@link Datasets#load} reads (IDX, {@code x.npy,y.npy})
 * feeds a one-input model. A float input takes float16/32/64 arrays, and uint8 arrays scaled by
 * 1/255 as {@link NpyReader.Npy#asInputs} does; an integer input takes integer and bool arrays.
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

  /** Loads {@code spec} for {@code model} (the split applies to IDX folders); checks it fits. */
  public static ModelData load(String spec, Model model, Datasets.Split split) {
    ModelData d;
    if (spec.endsWith(".npz") && !spec.contains(",")) {
      d = npz(Path.of(spec), model);
    } else {
      Dataset ds = Datasets.load(spec, split);
      requireOneInput(model, spec);
      long[] l = new long[ds.size()];
      for (int i = 0; i < l.length; i++) {
        l[i] = ds.labels()[i];
      }
      d = new ModelData(Feeds.of(ds.source(), model.inputs().get(0).name(), ds.inputs()),
          Tensor.ofLongs(l, l.length));
    }
    model.checkFeeds(d.inputs());
    return d;
  }

  private static void requireOneInput(Model model, String spec) {
    if (model.inputs().size() != 1) {
      throw new DataFormatException(spec + ": holds one input array, but " + model.source()
          + " has " + model.inputs().size() + " inputs " + model.inputs()
          + "; give a .npz with an array named after each input");
    }
  }

  private static ModelData npz(Path file, Model model) {
    Map<String, NpyReader.Npy> arrays = NpzReader.readAll(file);
    List<String> names = model.inputs().stream().map(Model.Input::name).toList();
    Tensor labels = null;
    String labelName = null;
    for (String n : LABEL_NAMES) {
      if (labels == null && arrays.containsKey(n) && !names.contains(n)) {
        NpyReader.Npy y = arrays.get(n);
        if (y.data().type() != DType.INT64) {
          throw new DataFormatException(file + ":" + n + ": labels must be integers, dtype is "
              + y.dtype());
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
      Model.Input in = model.inputs().stream().filter(i -> i.name().equals(e.getKey())).findFirst()
          .orElse(null);
      NpyReader.Npy a = e.getValue();
      boolean toFloat = in != null && in.type() == DType.FLOAT && a.data().type() == DType.INT64
          && (a.isUint8() || names.size() == 1);
      feeds.put(e.getKey(), toFloat ? a.asInputs() : a.data());
    }
    Feeds f = new Feeds(file.toString(), feeds);
    if (labels != null && (labels.rank() < 1 || labels.dim(0) != f.items())) {
      throw new DataFormatException(file + ":" + labelName + ": " + labels + " labels for "
          + f.items() + " items");
    }
    return new ModelData(f, labels);
  }
}
