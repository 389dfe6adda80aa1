package org.exmy.nn.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.ops.OpError;

/**
 * Reads a serialized ONNX TensorProto file ({@code .pb}, as in ONNX's backend test data sets {@code
 * test_data_set_N/input_K.pb}) into a {@link Tensor} through {@link TensorDecoder}: the file's size
 * is checked before it is read, and every declared size before anything is allocated. Errors are
 * {@link NnException}s with one line naming the file.
 */
public final class TensorFiles {
  /** Largest file read (protobuf messages are limited to 2 GiB). */
  private static final long MAX_FILE = Integer.MAX_VALUE - 8;

  private TensorFiles() {}

  /**
   * A decoded tensor file.
   *
   * @param name the TensorProto's name (may be empty)
   * @param dataType the ONNX data type number the file declares
   * @param tensor the values (float types as float32, integer types and BOOL as int64)
   */
  public record Named(String name, int dataType, Tensor tensor) {}

  /** Parses {@code file} as a TensorProto without decoding its values. */
  public static TensorProto readProto(Path file) {
    String src = file.toString();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE) {
        throw new NnException(src + ": file of " + size + " bytes is too large (limit 2 GiB)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NnException(src + ": no such file");
    } catch (IOException e) {
      throw new NnException(src + ": cannot read: " + e.getMessage());
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(Integer.MAX_VALUE);
      in.setRecursionLimit(64);
      TensorProto t = TensorProto.parseFrom(in);
      in.checkLastTagWas(0);
      return t;
    } catch (IOException e) {
      String m = e.getMessage() == null ? "unknown error" : e.getMessage().split("\n", 2)[0];
      throw new NnException(
          src + ": not a valid ONNX tensor (truncated or corrupt protobuf: " + m + ")");
    }
  }

  /**
   * Reads and decodes {@code file}. A data type exmy cannot hold (STRING, COMPLEX, BFLOAT16, ...)
   * is an {@link NnException} naming it; {@link #holdable} tells it beforehand.
   */
  public static Named read(Path file) {
    TensorProto t = readProto(file);
    return new Named(t.getName(), t.getDataType(), decode(t, file));
  }

  /** Decodes a TensorProto read from {@code file} (named in errors). */
  public static Tensor decode(TensorProto t, Path file) {
    String what = t.getName().isEmpty() ? "tensor" : "tensor '" + t.getName() + "'";
    try {
      return TensorDecoder.decode(t, what);
    } catch (OpError e) {
      throw new NnException(file + ": " + e.getMessage());
    }
  }

  /** Whether exmy holds tensors of this ONNX data type number. */
  public static boolean holdable(int dataType) {
    return TensorDecoder.supported(dataType);
  }
}
