package org.exmy.nn.ops;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.Tensor;

/**
 * The decoded attributes of one node: {@code Long} (INT), {@code Float} (FLOAT), {@code String}
 * (STRING), {@code long[]} (INTS), {@code float[]} (FLOATS), {@code String[]} (STRINGS), {@link
 * Tensor} (TENSOR).
 */
public final class Attrs {
  private final Map<String, Object> values;

  public Attrs(Map<String, Object> values) {
    this.values = new LinkedHashMap<>(values);
  }

  /** Refuses any attribute whose name is not listed. */
  public void allow(String... names) {
    List<String> ok = Arrays.asList(names);
    for (String k : values.keySet()) {
      if (!ok.contains(k)) {
        throw new OpError("unsupported attribute '" + k + "'");
      }
    }
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  private Object get(String name, Class<?> type, String typeName) {
    Object v = values.get(name);
    if (v != null && !type.isInstance(v)) {
      throw new OpError("attribute '" + name + "' must be " + typeName);
    }
    return v;
  }

  /** INT attribute, or {@code def} when absent. */
  public long i(String name, long def) {
    Long v = (Long) get(name, Long.class, "INT");
    return v == null ? def : v;
  }

  /** FLOAT attribute, or {@code def} when absent. */
  public float f(String name, float def) {
    Float v = (Float) get(name, Float.class, "FLOAT");
    return v == null ? def : v;
  }

  /** STRING attribute, or {@code def} when absent. */
  public String s(String name, String def) {
    String v = (String) get(name, String.class, "STRING");
    return v == null ? def : v;
  }

  /** INTS attribute, or null when absent. */
  public long[] ints(String name) {
    return (long[]) get(name, long[].class, "INTS");
  }

  /** FLOATS attribute, or null when absent. */
  public float[] floats(String name) {
    return (float[]) get(name, float[].class, "FLOATS");
  }

  /** STRINGS attribute, or null when absent. */
  public String[] strings(String name) {
    return (String[]) get(name, String[].class, "STRINGS");
  }

  /** TENSOR attribute, or null when absent. */
  public Tensor t(String name) {
    return (Tensor) get(name, Tensor.class, "TENSOR");
  }

  /** INTS attribute converted to int (each value must fit), or null when absent. */
  public int[] intArray(String name) {
    long[] v = ints(name);
    if (v == null) {
      return null;
    }
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] > Integer.MAX_VALUE || v[i] < Integer.MIN_VALUE) {
        throw new OpError("attribute '" + name + "' value " + v[i] + " out of range");
      }
      out[i] = (int) v[i];
    }
    return out;
  }
}
