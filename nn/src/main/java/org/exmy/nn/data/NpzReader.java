package org.exmy.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * NumPy {@code .npz} archives (zip of .npy, stored or deflated), as written by {@code
 * np.savez(file, x=inputs, y=labels)}. Each array is read with the bounds of {@link NpyReader}; the
 * size the npy header declares must also fit the zip entry's declared uncompressed size, and the
 * stream must really hold that much, so an archive that lies about its sizes fails before a large
 * allocation.
 */
public final class NpzReader {
  private NpzReader() {}

  /** Reads the arrays {@code x} and {@code y} as a dataset. */
  public static Dataset read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      NpyReader.Npy x = entry(zip, file, "x");
      NpyReader.Npy y = entry(zip, file, "y");
      return Dataset.of(file.toString(), x.asInputs(), y.asLabels(file + ":y"));
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file + ": no such file");
    } catch (ZipException e) {
      throw new DataFormatException(file + ": not a valid .npz (zip) file: " + e.getMessage());
    } catch (IOException e) {
      if (!file.toFile().exists()) {
        throw new DataFormatException(file + ": no such file");
      }
      throw new DataFormatException(file + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * Reads every array of the archive, by name (the entry name without {@code .npy}), in the
   * archive's order. Entries that are not {@code .npy} files are refused.
   */
  public static java.util.Map<String, NpyReader.Npy> readAll(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      java.util.Map<String, NpyReader.Npy> out = new java.util.LinkedHashMap<>();
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        if (e.isDirectory()) {
          continue;
        }
        if (!e.getName().endsWith(".npy")) {
          throw new DataFormatException(file + ": entry '" + e.getName() + "' is not a .npy array");
        }
        String name = e.getName().substring(0, e.getName().length() - 4);
        out.put(name, entry(zip, file, name));
      }
      if (out.isEmpty()) {
        throw new DataFormatException(file + ": no arrays inside");
      }
      return out;
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file + ": no such file");
    } catch (ZipException e) {
      throw new DataFormatException(file + ": not a valid .npz (zip) file: " + e.getMessage());
    } catch (IOException e) {
      if (!file.toFile().exists()) {
        throw new DataFormatException(file + ": no such file");
      }
      throw new DataFormatException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** Reads array {@code name} ({@code name.npy} in the archive). */
  static NpyReader.Npy entry(ZipFile zip, Path file, String name) throws IOException {
    ZipEntry e = zip.getEntry(name + ".npy");
    if (e == null) {
      throw new DataFormatException(file + ": no array '" + name + "' (" + name + ".npy) inside");
    }
    String source = file + ":" + name + ".npy";
    try (InputStream in = zip.getInputStream(e)) {
      return NpyReader.read(in, source, e.getSize());
    } catch (ZipException z) {
      throw new DataFormatException(source + ": corrupt compressed data: " + z.getMessage());
    }
  }
}
