package org.exmy.nn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.exmy.nn.Tensor;

/**
 * MNIST-style IDX files of unsigned bytes (magic {@code 00 00 08 ndims}, big-endian int32 dims,
 * then the data), plain or gzip-compressed (detected from the gzip magic). Images ({@code [N][rows]
 * [cols]}) become float32 {@code [N, 1, rows, cols]} scaled by 1/255; labels ({@code [N]}) ints.
 */
public final class IdxReader {
  private IdxReader() {}

  /** A decoded IDX file: dims and raw unsigned bytes. */
  record Idx(int[] dims, byte[] data) {}

  /** Reads an image file as {@code [N, 1, rows, cols]} floats in [0, 1]. */
  public static Tensor images(Path file) {
    Idx idx = read(file);
    if (idx.dims().length != 3) {
      throw new DataFormatException(
          file + ": an image file must have 3 dimensions, has " + idx.dims().length);
    }
    byte[] d = idx.data();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (d[i] & 0xff) / 255f;
    }
    return Tensor.of(f, idx.dims()[0], 1, idx.dims()[1], idx.dims()[2]);
  }

  /** Reads a label file. */
  public static int[] labels(Path file) {
    Idx idx = read(file);
    if (idx.dims().length != 1) {
      throw new DataFormatException(
          file + ": a label file must have 1 dimension, has " + idx.dims().length);
    }
    byte[] d = idx.data();
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i] & 0xff;
    }
    return out;
  }

  static Idx read(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      byte[] head = in.readNBytes(4);
      if (head.length < 4 || head[0] != 0 || head[1] != 0) {
        throw new DataFormatException(file + ": not an IDX file (bad magic at byte 0)");
      }
      if (head[2] != 0x08) {
        throw new DataFormatException(
            file
                + ": IDX element type 0x"
                + Integer.toHexString(head[2] & 0xff)
                + " at byte 2 is not supported (only unsigned bytes, 0x08)");
      }
      int nd = head[3] & 0xff;
      if (nd < 1 || nd > 4) {
        throw new DataFormatException(file + ": IDX rank " + nd + " at byte 3 is not supported");
      }
      int[] dims = new int[nd];
      long count = 1;
      byte[] db = in.readNBytes(4 * nd);
      if (db.length < 4 * nd) {
        throw new DataFormatException(file + ": truncated IDX header");
      }
      for (int i = 0; i < nd; i++) {
        long v =
            ((db[4 * i] & 0xffL) << 24)
                | ((db[4 * i + 1] & 0xff) << 16)
                | ((db[4 * i + 2] & 0xff) << 8)
                | (db[4 * i + 3] & 0xff);
        if (v > Integer.MAX_VALUE) {
          throw new DataFormatException(
              file + ": IDX dimension " + v + " at byte " + (4 + 4 * i) + " is too large");
        }
        dims[i] = (int) v;
        count *= v;
      }
      byte[] data;
      try {
        data = Bounded.readExactly(in, count, file.toString());
      } catch (EOFException e) {
        throw new DataFormatException(
            file
                + ": truncated: the header declares "
                + count
                + " bytes of data ("
                + e.getMessage()
                + ")");
      }
      if (in.read() != -1) {
        throw new DataFormatException(
            file + ": " + "trailing bytes after the " + count + " bytes the header declares");
      }
      return new Idx(dims, data);
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file + ": no such file");
    } catch (EOFException | ZipException e) {
      throw new DataFormatException(file + ": truncated or corrupt gzip data");
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read: " + e.getMessage());
    }
  }
}
