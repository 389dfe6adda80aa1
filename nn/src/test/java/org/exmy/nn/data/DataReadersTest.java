package org.exmy.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exmy.nn.DType;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX, .npy and .npz readers and dataset validation. The .npy/.npz fixtures under
 * src/test/resources were written by numpy 1.x ({@code np.save}, {@code np.savez}, {@code
 * np.savez_compressed}); their expected values are the numpy expressions that made them.
 */
class DataReadersTest {
  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      try (InputStream in = getClass().getResourceAsStream(name)) {
        Files.copy(in, p);
      }
    }
    return p;
  }

  private static NnException fails(Runnable r, String... fragments) {
    NnException e = assertThrows(NnException.class, r::run);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
    return e;
  }

  // ---- IDX ----

  private static byte[] idx(int[] dims, byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) {
      b.writeBytes(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
    }
    b.writeBytes(data);
    return b.toByteArray();
  }

  private Path write(String name, byte[] bytes, boolean gz) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream o =
        gz ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      o.write(bytes);
    }
    return p;
  }

  @Test
  void idxImagesAndLabelsPlainAndGzip() throws IOException {
    byte[] px = {0, (byte) 255, 51, 102, (byte) 204, 1, 2, 3, 4, 5, 6, 7};
    for (boolean gz : new boolean[] {false, true}) {
      Path img =
          write("t10k-images-idx3-ubyte" + (gz ? ".gz" : ""), idx(new int[] {2, 2, 3}, px), gz);
      Path lab =
          write(
              "t10k-labels-idx1-ubyte" + (gz ? ".gz" : ""),
              idx(new int[] {2}, new byte[] {7, (byte) 200}),
              gz);
      Tensor t = IdxReader.images(img);
      assertArrayEquals(new int[] {2, 1, 2, 3}, t.shape());
      assertEquals(0f, t.floats()[0]);
      assertEquals(1f, t.floats()[1]);
      assertEquals(0.2f, t.floats()[2], 1e-7f); // 51/255
      assertEquals(0.8f, t.floats()[4], 1e-7f); // 204/255
      assertArrayEquals(new int[] {7, 200}, IdxReader.labels(lab));
      Files.delete(img);
      Files.delete(lab);
    }
  }

  @Test
  void idxRejections() throws IOException {
    Path bad = write("bad", new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 5}, false);
    fails(() -> IdxReader.labels(bad), "bad: not an IDX file (bad magic at byte 0)");
    Path f32 = write("f32", new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, false);
    fails(() -> IdxReader.labels(f32), "element type 0xd at byte 2 is not supported");
    Path shortData = write("short", idx(new int[] {1000, 28, 28}, new byte[100]), false);
    fails(() -> IdxReader.images(shortData), "truncated: the header declares 784000 bytes");
    Path trailing = write("trail", idx(new int[] {2}, new byte[] {1, 2, 3}), false);
    fails(() -> IdxReader.labels(trailing), "trailing bytes");
    Path rank = write("rank", idx(new int[] {2}, new byte[] {1, 2}), false);
    fails(() -> IdxReader.images(rank), "must have 3 dimensions");
    // a gzip file cut in the middle
    Path whole = write("whole.gz", idx(new int[] {50, 10, 10}, randomBytes(5000)), true);
    byte[] gz = Files.readAllBytes(whole);
    Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2), false);
    fails(() -> IdxReader.images(cut), "cut.gz: truncated");
    fails(() -> IdxReader.images(dir.resolve("missing")), "no such file");
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(1).nextBytes(b);
    return b;
  }

  @Test
  void fashionMnistByName() {
    assumeTrue(
        Files.isDirectory(Path.of(Datasets.FASHION_MNIST)),
        "Fashion-MNIST is not installed at " + Datasets.FASHION_MNIST);
    Dataset d = Datasets.load("fashion-mnist", Datasets.Split.TEST);
    assertEquals(10000, d.size());
    assertArrayEquals(new int[] {1, 28, 28}, d.itemShape());
    // numpy on the same files: labels[:10], image 0's pixel sum, and 1000 items per class
    assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(d.labels(), 10));
    double sum0 = 0;
    for (int i = 0; i < 784; i++) {
      sum0 += Math.round(d.inputs().floats()[i] * 255);
    }
    assertEquals(33456, sum0);
    int[] perClass = new int[10];
    for (int l : d.labels()) {
      perClass[l]++;
    }
    for (int c : perClass) {
      assertEquals(1000, c);
    }
    d.checkClasses(10);
    fails(() -> d.checkClasses(9), "label 9 at item 0 is out of range for a model with 9 classes");
  }

  // ---- npy / npz ----

  @Test
  void npyDtypesFromNumpy() throws IOException {
    NpyReader.Npy f4 = Datasets.npy(resource("f4.npy"));
    assertArrayEquals(new int[] {2, 3, 4}, f4.data().shape());
    for (int i = 0; i < 24; i++) {
      assertEquals((i - 5.5f) / 4, f4.data().floats()[i]); // (arange(24) - 5.5) / 4
    }
    NpyReader.Npy u1 = Datasets.npy(resource("u1.npy"));
    assertTrue(u1.isUint8());
    for (int i = 0; i < 18; i++) {
      assertEquals((i * 29 % 256) / 255f, u1.asInputs().floats()[i]); // arange*29 % 256, scaled
    }
    assertArrayEquals(new int[] {2, 1, 3, 3}, u1.asInputs().shape());
    assertArrayEquals(new long[] {3, 0, 9, -1, 7}, Datasets.npy(resource("i8.npy")).data().longs());
    assertArrayEquals(new long[] {1, 2, 3, 4}, Datasets.npy(resource("i4.npy")).data().longs());
    assertArrayEquals(new float[] {0.5f, -1.25f}, Datasets.npy(resource("f8.npy")).data().floats());
    assertEquals(DType.INT64, Datasets.npy(resource("i4.npy")).data().type());
  }

  @Test
  void npyRefusesPickleFortranAndLies() throws IOException {
    Path obj = resource("object.npy");
    Path fortran = resource("fortran.npy");
    fails(() -> Datasets.npy(obj), "dtype '|O' is not supported", "pickle");
    fails(() -> Datasets.npy(fortran), "Fortran-order arrays are not supported");
    byte[] f4 = Files.readAllBytes(resource("f4.npy"));
    Path cut = dir.resolve("cut.npy");
    Files.write(cut, Arrays.copyOf(f4, f4.length - 10));
    fails(() -> Datasets.npy(cut), "cut.npy: the header declares 96 bytes of data");
    // a header that claims a huge shape: refused from the size before reading anything
    Path big = dir.resolve("big.npy");
    Files.write(big, npyBytes("<f4", "(100000, 1000, 10)", new byte[16]));
    fails(() -> Datasets.npy(big), "big.npy: the header declares 4000000000 bytes");
    Path notNpy = dir.resolve("x.npy");
    Files.write(notNpy, "hello".getBytes(StandardCharsets.US_ASCII));
    fails(() -> Datasets.npy(notNpy), "not a .npy file");
  }

  /** A version-1.0 .npy file with the given header fields. */
  private static byte[] npyBytes(String descr, String shape, byte[] data) {
    String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    StringBuilder sb = new StringBuilder(h);
    while ((10 + sb.length() + 1) % 64 != 0) {
      sb.append(' ');
    }
    sb.append('\n');
    byte[] hb = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        new byte[] {
          (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) hb.length, (byte) (hb.length >> 8)
        });
    b.writeBytes(hb);
    b.writeBytes(data);
    return b.toByteArray();
  }

  @Test
  void npzFromNumpy() throws IOException {
    Dataset d = Datasets.load(resource("xy.npz").toString(), Datasets.Split.TEST);
    assertArrayEquals(new int[] {1, 0, 2, 1}, d.labels());
    assertArrayEquals(new int[] {1, 2, 2}, d.itemShape());
    for (int i = 0; i < 16; i++) {
      assertEquals((i * 17 % 256) / 255f, d.inputs().floats()[i]); // uint8 scaled by 1/255
    }
    Dataset c = Datasets.load(resource("xy_compressed.npz").toString(), Datasets.Split.TEST);
    assertArrayEquals(d.labels(), c.labels());
    assertArrayEquals(d.inputs().floats(), c.inputs().floats(), 1e-7f);
    // the same arrays as a pair of .npy files
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    Files.write(
        x, npyBytes("|u1", "(2, 3)", new byte[] {0, 51, 102, (byte) 153, (byte) 204, (byte) 255}));
    Files.write(
        y, npyBytes("<i8", "(2,)", new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}));
    Dataset p = Datasets.load(x + "," + y, Datasets.Split.TEST);
    assertArrayEquals(new int[] {4, 2}, p.labels());
    assertEquals(0.6f, p.inputs().floats()[3], 1e-7f);
  }

  /** A stored (uncompressed) zip entry whose declared sizes are given, independent of the data. */
  private static void storedEntry(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  @Test
  void npzRejections() throws IOException {
    byte[] y = npyBytes("<i8", "(2,)", new byte[16]);
    // x's npy header declares 10^9 floats in an entry of a few hundred bytes (zip-bomb-like lie)
    Path bomb = dir.resolve("bomb.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      storedEntry(z, "x.npy", npyBytes("<f4", "(1000000, 1000)", new byte[64]));
      storedEntry(z, "y.npy", y);
    }
    fails(
        () -> NpzReader.read(bomb),
        "bomb.npz:x.npy: the header declares 4000000000 bytes",
        "holds at most 64");
    // a deflated entry that really holds far less than its header says
    Path lie = dir.resolve("lie.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(lie))) {
      z.putNextEntry(new ZipEntry("x.npy"));
      z.write(npyBytes("<f4", "(3, 2)", new byte[8]));
      z.closeEntry();
      storedEntry(z, "y.npy", y);
    }
    fails(() -> NpzReader.read(lie), "lie.npz:x.npy: the header declares 24 bytes");
    Path noY = dir.resolve("noy.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noY))) {
      storedEntry(z, "x.npy", npyBytes("<f4", "(2,)", new byte[8]));
    }
    fails(() -> NpzReader.read(noY), "noy.npz: no array 'y' (y.npy) inside");
    Path notZip = dir.resolve("junk.npz");
    Files.write(notZip, new byte[] {1, 2, 3, 4});
    fails(() -> NpzReader.read(notZip), "junk.npz: not a valid .npz");
  }

  // ---- dataset validation ----

  @Test
  void datasetValidation() {
    Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, Float.NaN}, 3, 2);
    fails(
        () -> Dataset.of("d.npz", x, new int[] {0, 1, 2}),
        "d.npz: input value NaN at item 2 (element 1) is not finite");
    Tensor ok = Tensor.of(new float[6], 3, 2);
    fails(() -> Dataset.of("d.npz", ok, new int[] {0, 1}), "d.npz: 3 inputs but 2 labels");
    fails(() -> Dataset.of("d.npz", ok, new int[] {0, -1, 1}), "label -1 at item 1 is negative");
    Dataset d = Dataset.of("d.npz", ok, new int[] {0, 4, 1});
    fails(() -> d.checkClasses(4), "d.npz: label 4 at item 1 is out of range for a model with 4");
    d.checkClasses(5);
    Model.Input in = new Model.Input("x", DType.FLOAT, new int[] {-1, 1, 28, 28});
    fails(() -> d.checkFits(in), "d.npz: items of shape [2] do not fit the model's input x");
    d.checkFits(new Model.Input("x", DType.FLOAT, new int[] {-1, 2}));
    fails(() -> Datasets.load("nothing-here.npz", Datasets.Split.TEST), "no such file");
    fails(() -> Datasets.load(dir.toString(), Datasets.Split.TRAIN), "no train-images-idx3-ubyte");
  }
}
