package org.exmy.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resolves a dataset name: {@code fashion-mnist} (the IDX files under {@value #FASHION_MNIST}), a
 * directory holding IDX files ({@code <split>-images-idx3-ubyte[.gz]} and {@code
 * <split>-labels-idx1-ubyte[.gz]}), a {@code .npz} file with arrays {@code x} and {@code y}, or a
 * pair {@code inputs.npy,labels.npy}.
 */
public final class Datasets {
  /** Where the {@code fashion-mnist} name points. */
  public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  /** Which part of an IDX dataset to read. */
  public enum Split {
    /** The test split ({@code t10k-*} files). */
    TEST("t10k"),
    /** The training split ({@code train-*} files). */
    TRAIN("train");

    final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  private Datasets() {}

  /** Loads the dataset {@code spec} (the split applies to IDX directories). */
  public static Dataset load(String spec, Split split) {
    if (spec.equals("fashion-mnist")) {
      return idxDirectory(Path.of(FASHION_MNIST), split);
    }
    if (spec.contains(",")) {
      String[] parts = spec.split(",", -1);
      if (parts.length != 2 || !parts[0].endsWith(".npy") || !parts[1].endsWith(".npy")) {
        throw new DataFormatException(spec + ": expected 'inputs.npy,labels.npy'");
      }
      NpyReader.Npy x = npy(Path.of(parts[0]));
      NpyReader.Npy y = npy(Path.of(parts[1]));
      return Dataset.of(spec, x.asInputs(), y.asLabels(parts[1]));
    }
    Path p = Path.of(spec);
    if (Files.isDirectory(p)) {
      return idxDirectory(p, split);
    }
    if (spec.endsWith(".npz")) {
      return NpzReader.read(p);
    }
    if (!Files.exists(p)) {
      throw new DataFormatException(spec + ": no such file or directory");
    }
    throw new DataFormatException(
        spec
            + ": not a dataset (use fashion-mnist, an IDX directory, a .npz file, or"
            + " inputs.npy,labels.npy)");
  }

  /** Reads one .npy file. */
  public static NpyReader.Npy npy(Path file) {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      return NpyReader.read(in, file.toString(), Files.size(file));
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file + ": no such file");
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The IDX image and label files of one split in a directory. */
  public static Dataset idxDirectory(Path dir, Split split) {
    Path images = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
    return Dataset.of(
        images + "," + labels.getFileName(), IdxReader.images(images), IdxReader.labels(labels));
  }

  private static Path find(Path dir, String base) {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataFormatException(dir + ": no " + base + "[.gz] file");
  }
}
