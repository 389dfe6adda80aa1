package org.exmy.nn.data;

import java.util.Arrays;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;

/**
 * Model inputs (a float tensor whose dimension 0 is the item) with one integer label per item.
 * Built through {@link #of}, which checks that the counts agree, that every input is finite and
 * every label non-negative; errors are one-line {@link NnException}s naming the file.
 *
 * @param source the file(s) the data came from, used in messages
 */
public record Dataset(String source, Tensor inputs, int[] labels) {

  /** Validates and builds a dataset. */
  public static Dataset of(String source, Tensor inputs, int[] labels) {
    if (inputs.rank() < 1) {
      throw new NnException(source + ": inputs have no item dimension");
    }
    if (inputs.dim(0) != labels.length) {
      throw new NnException(
          source + ": " + inputs.dim(0) + " inputs but " + labels.length + " labels");
    }
    float[] f = inputs.floats();
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) {
        int per = f.length / inputs.dim(0);
        throw new NnException(
            source
                + ": input value "
                + f[i]
                + " at item "
                + i / per
                + " (element "
                + i % per
                + ") is not finite");
      }
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new NnException(source + ": label " + labels[i] + " at item " + i + " is negative");
      }
    }
    return new Dataset(source, inputs, labels);
  }

  /** Number of items. */
  public int size() {
    return labels.length;
  }

  /** Shape of one item (the inputs' shape without dimension 0). */
  public int[] itemShape() {
    int[] s = inputs.shape();
    return Arrays.copyOfRange(s, 1, s.length);
  }

  /** The first {@code n} items (or all, when fewer). */
  public Dataset head(int n) {
    int k = Math.min(n, size());
    return new Dataset(source, inputs.slice0(0, k), Arrays.copyOf(labels, k));
  }

  /** Checks every label against a model with {@code classes} outputs. */
  public void checkClasses(int classes) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= classes) {
        throw new NnException(
            source
                + ": label "
                + labels[i]
                + " at item "
                + i
                + " is out of range for a model with "
                + classes
                + " classes");
      }
    }
  }

  /** Checks that the items fit the model's input (rank and fixed dimensions after the batch). */
  public void checkFits(Model.Input input) {
    int[] want = input.dims();
    int[] have = inputs.shape();
    boolean ok = want.length == have.length;
    for (int d = 1; ok && d < want.length; d++) {
      ok = want[d] < 0 || want[d] == have[d];
    }
    if (!ok) {
      throw new NnException(
          source
              + ": items of shape "
              + Arrays.toString(itemShape())
              + " do not fit the model's"
              + " input "
              + input);
    }
  }
}
