package org.exmy.nn.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * NumPy {@code .npy} arrays (format versions 1-3) of dtype float16, float32, float64, bool, int8,
 * uint8, int16, uint16, int32, uint32 or int64, little-endian, C order (floats are held as float32,
 * integers and bool as int64, bool as 0/1). The header is parsed as text (never evaluated); object
 * dtypes (which need pickle) and Fortran order are refused, and the data size the header declares
 * is checked against what is actually present before the array is built.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int MAX_HEADER = 1 << 16;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /**
   * An array read from a .npy file.
   *
   * @param dtype the numpy dtype string, e.g. {@code <f4} or {@code |u1}
   * @param data float32 (float dtypes) or int64 (integer dtypes) values in C order
   */
  public record Npy(String dtype, Tensor data) {
    /** Whether the dtype is uint8. */
    public boolean isUint8() {
      return dtype.endsWith("u1");
    }

    /**
     * The array as model inputs: floats as they are, uint8 scaled by 1/255, other integers as their
     * values.
     */
    public Tensor asInputs() {
      if (data.type() == DType.FLOAT) {
        return data;
      }
      long[] l = data.longs();
      float[] f = new float[l.length];
      boolean u8 = isUint8();
      for (int i = 0; i < l.length; i++) {
        f[i] = u8 ? l[i] / 255f : l[i]; // correctly rounded, as numpy's x.astype(float32) / 255
      }
      return Tensor.of(f, data.shape());
    }

    /** The array as class labels: an integer vector whose values fit an int. */
    public int[] asLabels(String source) {
      if (data.type() != DType.INT64) {
        throw new DataFormatException(source + ": labels must be integers, dtype is " + dtype);
      }
      if (data.rank() != 1) {
        throw new DataFormatException(
            source
                + ": labels must be a vector, shape is "
                + java.util.Arrays.toString(data.shape()));
      }
      long[] l = data.longs();
      int[] out = new int[l.length];
      for (int i = 0; i < l.length; i++) {
        if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
          throw new DataFormatException(
              source + ": label " + l[i] + " at item " + i + " is out of range");
        }
        out[i] = (int) l[i];
      }
      return out;
    }
  }

  /**
   * Reads one array from {@code in}; {@code source} names it in messages; {@code limit} is the most
   * bytes the source can hold (e.g. a zip entry's declared size), or -1 when unknown.
   */
  public static Npy read(InputStream in, String source, long limit) {
    try {
      byte[] magic = in.readNBytes(8);
      if (magic.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(magic, 6), MAGIC)) {
        throw new DataFormatException(source + ": not a .npy file (bad magic at byte 0)");
      }
      int major = magic[6];
      int hlen;
      int pre;
      if (major == 1) {
        byte[] l = in.readNBytes(2);
        if (l.length < 2) {
          throw new DataFormatException(source + ": truncated .npy header");
        }
        hlen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        pre = 10;
      } else if (major == 2 || major == 3) {
        byte[] l = in.readNBytes(4);
        if (l.length < 4) {
          throw new DataFormatException(source + ": truncated .npy header");
        }
        long v = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        if (v > MAX_HEADER) {
          throw new DataFormatException(source + ": .npy header of " + v + " bytes is too long");
        }
        hlen = (int) v;
        pre = 12;
      } else {
        throw new DataFormatException(
            source + ": .npy format version " + major + " at byte 6 is not supported");
      }
      byte[] hb = in.readNBytes(hlen);
      if (hb.length < hlen) {
        throw new DataFormatException(source + ": truncated .npy header");
      }
      String header =
          new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      String dtype = field(DESCR, header, "descr", source);
      String fortran = field(FORTRAN, header, "fortran_order", source);
      String shapeText = field(SHAPE, header, "shape", source);
      if (fortran.equals("True")) {
        throw new DataFormatException(source + ": Fortran-order arrays are not supported");
      }
      int size = itemSize(dtype, source);
      int[] shape = shape(shapeText, source);
      long count = 1;
      for (int d : shape) {
        count *= d;
        if (count > Integer.MAX_VALUE) {
          throw new DataFormatException(source + ": shape " + shapeText + " is too large");
        }
      }
      long bytes = count * size;
      if (limit >= 0 && pre + hlen + bytes > limit) {
        throw new DataFormatException(
            source
                + ": the header declares "
                + bytes
                + " bytes of data but the entry holds at most "
                + Math.max(0, limit - pre - hlen));
      }
      byte[] data;
      try {
        data = Bounded.readExactly(in, bytes, source);
      } catch (EOFException e) {
        throw new DataFormatException(
            source
                + ": truncated: the header declares "
                + bytes
                + " bytes of data at byte "
                + (pre + hlen)
                + " ("
                + e.getMessage()
                + ")");
      }
      if (in.read() != -1) {
        throw new DataFormatException(
            source + ": trailing bytes after the " + bytes + " bytes of data the header declares");
      }
      return new Npy(dtype, decode(dtype, data, (int) count, shape));
    } catch (EOFException e) {
      throw new DataFormatException(source + ": truncated or corrupt data");
    } catch (IOException e) {
      throw new DataFormatException(source + ": cannot read: " + e.getMessage());
    }
  }

  private static String field(Pattern p, String header, String name, String source) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DataFormatException(source + ": .npy header has no valid '" + name + "'");
    }
    return m.group(1);
  }

  private static int itemSize(String dtype, String source) {
    return switch (dtype) {
      case "<f2", "<i2", "<u2" -> 2;
      case "<f4", "<i4", "<u4" -> 4;
      case "<f8", "<i8" -> 8;
      case "|u1", "<u1", "u1", "|i1", "<i1", "i1", "|b1", "<b1", "b1" -> 1;
      default ->
          throw new DataFormatException(
              source
                  + ": dtype '"
                  + dtype
                  + "' is not supported"
                  + (dtype.contains("O")
                      ? " (Python objects need pickle, which is never loaded)"
                      : "")
                  + "; use float16/32/64, bool, int8..int64 or uint8..uint32");
    };
  }

  private static int[] shape(String text, String source) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.endsWith("L")) {
        t = t.substring(0, t.length() - 1);
      }
      long v;
      try {
        v = Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new DataFormatException(source + ": bad shape (" + text + ")");
      }
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new DataFormatException(source + ": bad dimension " + v + " in shape (" + text + ")");
      }
      dims.add((int) v);
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Tensor decode(String dtype, byte[] data, int n, int[] shape) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "<f2", "<f4", "<f8" -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] =
              switch (dtype) {
                case "<f2" -> org.exmy.nn.ops.Half.toFloat(b.getShort() & 0xffff);
                case "<f4" -> b.getFloat();
                default -> (float) b.getDouble();
              };
        }
        return Tensor.of(f, shape);
      }
      default -> {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] =
              switch (dtype) {
                case "<i4" -> b.getInt();
                case "<u4" -> b.getInt() & 0xffffffffL;
                case "<i2" -> b.getShort();
                case "<u2" -> b.getShort() & 0xffff;
                case "<i8" -> b.getLong();
                case "|i1", "<i1", "i1" -> b.get();
                case "|b1", "<b1", "b1" -> b.get() != 0 ? 1 : 0;
                default -> b.get() & 0xff;
              };
        }
        return Tensor.ofLongs(l, shape);
      }
    }
  }
}
