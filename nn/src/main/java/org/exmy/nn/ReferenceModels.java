package org.exmy.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exmy.nn.onnx.OnnxLoader;

/**
 * The reference models that ship inside exmy (trained on Fashion-MNIST by {@code
 * models/train.py}): {@code mlp}, {@code cnn}, {@code vit}. A model argument is one of these names
 * or a path to an .onnx file.
 */
public final class ReferenceModels {
  /** The names, in the order reports list them. */
  public static final List<String> NAMES = List.of("mlp", "cnn", "vit");

  private ReferenceModels() {}

  /** True for a reference model name. */
  public static boolean isName(String spec) {
    return NAMES.contains(spec.toLowerCase(Locale.ROOT));
  }

  /**
   * Loads a reference model by name, or a model file.
   *
   * @throws NnException naming the file (or the name) and what is wrong
   */
  public static Model load(String spec) {
    return OnnxLoader.load(bytes(spec), source(spec));
  }

  /** The file name a model is reported under. */
  public static String source(String spec) {
    return isName(spec) ? "fmnist_" + spec.toLowerCase(Locale.ROOT) + ".onnx" : spec;
  }

  /**
   * The bytes of a reference model (by name) or of a model file.
   *
   * @throws NnException naming the file (or the name) when it cannot be read
   */
  public static byte[] bytes(String spec) {
    if (isName(spec)) {
      String name = spec.toLowerCase(Locale.ROOT);
      String res = "models/fmnist_" + name + ".onnx";
      try (InputStream in = ReferenceModels.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new NnException("reference model '" + name + "' is not in this build (" + res + " missing)");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new NnException("cannot read reference model '" + name + "': " + e.getMessage(), e);
      }
    }
    Path p = Path.of(spec);
    if (!Files.isRegularFile(p)) {
      throw new NnException(spec + ": no such model file (or use a reference model: " + String.join(", ", NAMES) + ")");
    }
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new NnException(spec + ": cannot read: " + e.getMessage(), e);
    }
  }
}
