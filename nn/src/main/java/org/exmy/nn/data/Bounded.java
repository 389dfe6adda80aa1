package org.exmy.nn.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounded reading: a declared number of bytes is read in 1 MiB pieces and only assembled once all
 * of it is present, so a file that declares more than it holds (or a compressed stream that lies
 * about its size) fails before a large buffer is allocated.
 */
final class Bounded {
  /** Largest array payload accepted: 1 GiB, or a quarter of the heap when that is less. */
  static final long MAX_BYTES = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

  private static final int PIECE = 1 << 20;

  private Bounded() {}

  /**
   * Reads exactly {@code n} bytes; throws EOFException when the stream ends first.
   *
   * @param what names the data in the size-limit message
   */
  static byte[] readExactly(InputStream in, long n, String what) throws IOException {
    if (n > MAX_BYTES) {
      throw new DataFormatException(
          what + " declares " + n + " bytes, above the limit of " + MAX_BYTES + " bytes");
    }
    List<byte[]> pieces = new ArrayList<>();
    long left = n;
    while (left > 0) {
      int len = (int) Math.min(PIECE, left);
      byte[] p = in.readNBytes(len);
      if (p.length < len) {
        throw new EOFException("ends after " + (n - left + p.length) + " of " + n + " bytes");
      }
      pieces.add(p);
      left -= len;
    }
    if (pieces.size() == 1) {
      return pieces.get(0);
    }
    byte[] out = new byte[(int) n];
    int at = 0;
    for (byte[] p : pieces) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
