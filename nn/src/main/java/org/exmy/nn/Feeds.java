package org.exmy.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named input tensors that share an item dimension: dimension 0 of every tensor is the item (the
 * batch), so item {@code i} of a run is row {@code i} of each. A model with several inputs (a
 * BERT's {@code input_ids}, {@code attention_mask}, {@code token_type_ids}) is fed one {@code
 * Feeds}; a one-input model one with a single entry.
 *
 * @param source the file(s) the data came from, used in messages
 * @param tensors the tensors by input name, in the order given
 */
public record Feeds(String source, Map<String, Tensor> tensors) {

  /** Validates that every tensor has an item dimension and that the item counts agree. */
  public Feeds {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    if (tensors.isEmpty()) {
      throw new NnException(source + ": no input arrays");
    }
    int items = -1;
    String first = null;
    for (var e : tensors.entrySet()) {
      Tensor t = e.getValue();
      if (t.rank() < 1) {
        throw new NnException(
            source
                + ": array '"
                + e.getKey()
                + "' has no item dimension"
                + " (a scalar); every input needs the items along dimension 0");
      }
      if (items < 0) {
        items = t.dim(0);
        first = e.getKey();
      } else if (t.dim(0) != items) {
        throw new NnException(
            source
                + ": array '"
                + e.getKey()
                + "' has "
                + t.dim(0)
                + " items along dimension 0, but '"
                + first
                + "' has "
                + items);
      }
    }
  }

  /** Feeds of one tensor. */
  public static Feeds of(String source, String name, Tensor t) {
    return new Feeds(source, Map.of(name, t));
  }

  /** Number of items (dimension 0 of every tensor). */
  public int items() {
    return tensors.values().iterator().next().dim(0);
  }

  /** Items {@code [from, to)} of every tensor, copied. */
  public Feeds slice(int from, int to) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    tensors.forEach((k, v) -> m.put(k, v.slice0(from, to)));
    return new Feeds(source, m);
  }

  /** The first {@code n} items (or all, when fewer). */
  public Feeds head(int n) {
    return n >= items() ? this : slice(0, n);
  }

  /** The shape of every tensor, by name (for {@link Model#bind}). */
  public Map<String, int[]> shapes() {
    Map<String, int[]> m = new LinkedHashMap<>();
    tensors.forEach((k, v) -> m.put(k, v.shape()));
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source).append(" {");
    tensors.forEach(
        (k, v) ->
            sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : ", ")
                .append(k)
                .append(' ')
                .append(v.type() == DType.FLOAT ? "float" : "int64")
                .append(Arrays.toString(v.shape())));
    return sb.append('}').toString();
  }
}
