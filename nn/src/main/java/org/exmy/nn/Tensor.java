package org.exmy.nn;

import java.util.Arrays;

/**
 * A dense row-major (C order) tensor of float32 or int64 values.
 *
 * <p>The engine treats tensors as immutable once built: {@link #floats()} and {@link #longs()}
 * return the backing array (no copy, for speed) and callers must not modify a tensor they did not
 * create. A rank-0 tensor (scalar) has shape {@code []} and one element.
 */
public final class Tensor {
  private final DType type;
  private final int[] shape;
  private final float[] f;
  private final long[] l;

  private Tensor(DType type, int[] shape, float[] f, long[] l) {
    this.type = type;
    this.shape = shape;
    this.f = f;
    this.l = l;
  }

  /** A float tensor over {@code data} (not copied); its length must equal the shape's size. */
  public static Tensor of(float[] data, int... shape) {
    int[] s = shape.clone();
    checkSize(data.length, s);
    return new Tensor(DType.FLOAT, s, data, null);
  }

  /** An int64 tensor over {@code data} (not copied); its length must equal the shape's size. */
  public static Tensor ofLongs(long[] data, int... shape) {
    int[] s = shape.clone();
    checkSize(data.length, s);
    return new Tensor(DType.INT64, s, null, data);
  }

  /** A zero-filled tensor of the given type and shape. */
  public static Tensor zeros(DType type, int... shape) {
    int n = size(shape);
    return type == DType.FLOAT ? of(new float[n], shape) : ofLongs(new long[n], shape);
  }

  /** A rank-0 float tensor. */
  public static Tensor scalar(float v) {
    return of(new float[] {v});
  }

  private static void checkSize(int length, int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
      }
    }
    if (n != length) {
      throw new IllegalArgumentException(
          "data length " + length + " does not match shape " + Arrays.toString(shape));
    }
  }

  /** Number of elements of a shape; throws {@link NnException} above 2^31-1 elements. */
  public static int size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new NnException("tensor of shape " + Arrays.toString(shape) + " is too large");
      }
    }
    return (int) n;
  }

  public DType type() {
    return type;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code i} (negative counts from the end). */
  public int dim(int i) {
    return shape[i < 0 ? i + shape.length : i];
  }

  /** Number of elements. */
  public int size() {
    return f != null ? f.length : l.length;
  }

  /** The backing float array (FLOAT tensors only); do not modify. */
  public float[] floats() {
    if (f == null) {
      throw new NnException("expected a float tensor, got int64 " + Arrays.toString(shape));
    }
    return f;
  }

  /** The backing int64 array (INT64 tensors only); do not modify. */
  public long[] longs() {
    if (l == null) {
      throw new NnException("expected an int64 tensor, got float " + Arrays.toString(shape));
    }
    return l;
  }

  /** The same data viewed with another shape of equal size. */
  public Tensor reshape(int... newShape) {
    return f != null ? of(f, newShape) : ofLongs(l, newShape);
  }

  /** Element {@code i} (flat index) as a double, whatever the type. */
  public double getDouble(int i) {
    return f != null ? f[i] : (double) l[i];
  }

  /** Element {@code i} (flat index) as a long (floats truncated toward zero). */
  public long getLong(int i) {
    return f != null ? (long) f[i] : l[i];
  }

  /** This tensor as float32 (a copy converted from int64, or itself). */
  public Tensor toFloat() {
    if (f != null) {
      return this;
    }
    float[] out = new float[l.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = l[i];
    }
    return new Tensor(DType.FLOAT, shape, out, null);
  }

  /** Rows {@code [from, to)} along dimension 0, copied. */
  public Tensor slice0(int from, int to) {
    int inner = shape.length == 0 ? 1 : size(shape) / Math.max(1, shape[0]);
    int[] s = shape.clone();
    s[0] = to - from;
    if (f != null) {
      return of(Arrays.copyOfRange(f, from * inner, to * inner), s);
    }
    return ofLongs(Arrays.copyOfRange(l, from * inner, to * inner), s);
  }

  @Override
  public String toString() {
    return (type == DType.FLOAT ? "float" : "int64") + Arrays.toString(shape);
  }
}
