package org.exmy.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exmy.nn.onnx.OnnxLoader;

/**
 * The reference models that ship inside exmy: {@code mlp}, {@code cnn}, {@code vit} (trained on
 * Fashion-MNIST by {@code models/train.py}) and {@code bert} (a BERT-style encoder with three int64
 * inputs, trained on a generated sentence-pair task by {@code models/train_bert.py}, its test and
 * calibration data shipped beside it). A model argument is one of these names or a path to an .onnx
 * file.
 */
public final class ReferenceModels {
  /** The names, in the order reports list them. */
  public static final List<String> NAMES = List.of("mlp", "cnn", "vit", "bert");

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
    return isName(spec) ? file(spec.toLowerCase(Locale.ROOT)) : spec;
  }

  private static String file(String name) {
    return name.equals("bert") ? "text_bert.onnx" : "fmnist_" + name + ".onnx";
  }

  /**
   * The data a model is rated on when none is given: {@code fashion-mnist} for the Fashion-MNIST
   * models, the shipped {@code .npz} for {@code bert} (copied to a temporary file, removed at
   * exit); null for a model file (its user names the data).
   */
  public static synchronized String defaultData(String spec) {
    if (!isName(spec)) {
      return null;
    }
    String name = spec.toLowerCase(Locale.ROOT);
    if (!name.equals("bert")) {
      return "fashion-mnist";
    }
    if (bertData == null) {
      try (InputStream in = ReferenceModels.class.getResourceAsStream("models/text_bert.npz")) {
        if (in == null) {
          throw new NnException(
              "the data of reference model 'bert' are not in this build (text_bert.npz)");
        }
        Path tmp = Files.createTempFile("exmy-text_bert-", ".npz");
        tmp.toFile().deleteOnExit();
        Files.write(tmp, in.readAllBytes());
        bertData = tmp.toString();
      } catch (IOException e) {
        throw new NnException(
            "cannot unpack the data of reference model 'bert': " + e.getMessage(), e);
      }
    }
    return bertData;
  }

  private static String bertData;

  /**
   * The bytes of a reference model (by name) or of a model file.
   *
   * @throws NnException naming the file (or the name) when it cannot be read
   */
  public static byte[] bytes(String spec) {
    if (isName(spec)) {
      String name = spec.toLowerCase(Locale.ROOT);
      String res = "models/" + file(name);
      try (InputStream in = ReferenceModels.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new NnException(
              "reference model '" + name + "' is not in this build (" + res + " missing)");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new NnException("cannot read reference model '" + name + "': " + e.getMessage(), e);
      }
    }
    Path p = Path.of(spec);
    if (!Files.isRegularFile(p)) {
      throw new NnException(
          spec
              + ": no such model file (or use a reference model: "
              + String.join(", ", NAMES)
              + ")");
    }
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new NnException(spec + ": cannot read: " + e.getMessage(), e);
    }
  }
}
