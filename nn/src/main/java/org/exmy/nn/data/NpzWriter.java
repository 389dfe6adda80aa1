package org.exmy.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Writes tensors as a NumPy {@code .npz} archive, as {@code np.savez} does: one stored (not
 * compressed) {@code NAME.npy} entry per tensor, format version 1.0, little-endian, C order; float
 * tensors as {@code <f4}, integer tensors as {@code <i8}. {@code np.load} reads the result.
 */
public final class NpzWriter {
  private NpzWriter() {}

  /** Writes {@code arrays} (by name, in order) to {@code out}; does not close it. */
  public static void write(OutputStream out, Map<String, Tensor> arrays) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (var e : arrays.entrySet()) {
      byte[] npy = npy(e.getValue());
      ZipEntry z = new ZipEntry(e.getKey() + ".npy");
      z.setMethod(ZipEntry.STORED);
      z.setSize(npy.length);
      CRC32 crc = new CRC32();
      crc.update(npy);
      z.setCrc(crc.getValue());
      zip.putNextEntry(z);
      zip.write(npy);
      zip.closeEntry();
    }
    zip.finish();
    zip.flush();
  }

  /** The {@code .npy} bytes of one tensor. */
  static byte[] npy(Tensor t) {
    boolean fl = t.type() == DType.FLOAT;
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < t.rank(); i++) {
      shape.append(t.dim(i)).append(t.rank() == 1 ? "," : i + 1 < t.rank() ? ", " : "");
    }
    shape.append(')');
    String dict =
        "{'descr': '"
            + (fl ? "<f4" : "<i8")
            + "', 'fortran_order': False, 'shape': "
            + shape
            + ", }";
    // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64,
    // ending in a newline
    int unpadded = 10 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream b = new ByteArrayOutputStream(10 + header.length() + t.size() * 8);
    b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.write(header.length() & 0xff);
    b.write(header.length() >> 8);
    b.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer data = ByteBuffer.allocate(t.size() * (fl ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
    if (fl) {
      data.asFloatBuffer().put(t.floats());
    } else {
      data.asLongBuffer().put(t.longs());
    }
    b.writeBytes(data.array());
    return b.toByteArray();
  }
}
