package org.exmy.nn.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.exmy.nn.DType;
import org.exmy.nn.Tensor;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.ops.Half;
import org.exmy.nn.ops.OpError;

/**
 * Converts an ONNX TensorProto into a {@link Tensor}: float types (FLOAT, DOUBLE, FLOAT16,
 * BFLOAT16) to float32, integer types and BOOL to int64. The element count the dims declare is
 * checked against the data actually present (raw_data bytes or typed values) before anything is
 * allocated; negative or overflowing dims, external data and segments are refused. Errors are
 * {@link OpError}s whose message names the tensor; the caller adds the file.
 */
public final class TensorDecoder {
  private TensorDecoder() {}

  /** Whether {@code dataType} (a TensorProto.DataType number) is decoded. */
  public static boolean supported(int dataType) {
    return elemSize(dataType) > 0;
  }

  /** The engine type of an ONNX data type, or null when unsupported. */
  public static DType engineType(int dataType) {
    return switch (dataType) {
      case 1, 10, 11, 16 -> DType.FLOAT;
      case 2, 3, 4, 5, 6, 7, 9, 12, 13 -> DType.INT64;
      default -> null;
    };
  }

  /** Bytes per element in raw_data, or 0 for an unsupported type. */
  static int elemSize(int t) {
    return switch (t) {
      case 1, 6, 12 -> 4; // FLOAT, INT32, UINT32
      case 2, 3, 9 -> 1; // UINT8, INT8, BOOL
      case 4, 5, 10, 16 -> 2; // UINT16, INT16, FLOAT16, BFLOAT16
      case 7, 11, 13 -> 8; // INT64, DOUBLE, UINT64
      default -> 0;
    };
  }

  /** Decodes {@code t}; {@code what} names it in errors (e.g. "initializer 'w'"). */
  public static Tensor decode(TensorProto t, String what) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OpError(what + " uses external data, which is not supported");
    }
    if (t.hasSegment()) {
      throw new OpError(what + " is a segment, which is not supported");
    }
    int type = t.getDataType();
    int size = elemSize(type);
    if (size == 0) {
      throw new OpError(what + " has unsupported data type " + typeName(type));
    }
    int[] shape = new int[t.getDimsCount()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = t.getDims(i);
      if (d < 0) {
        throw new OpError(what + " has negative dimension " + d);
      }
      if (d > Integer.MAX_VALUE || (d > 0 && count > Integer.MAX_VALUE / d)) {
        throw new OpError(what + " declares more than 2^31-1 elements");
      }
      shape[i] = (int) d;
      count *= d;
    }
    int n = (int) count;
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      long need = count * size;
      if (raw.size() != need) {
        throw new OpError(
            what
                + " declares "
                + count
                + " elements ("
                + need
                + " bytes) but has "
                + raw.size()
                + " bytes of raw_data");
      }
      return fromRaw(raw, type, n, shape);
    }
    return fromTyped(t, type, n, shape, what);
  }

  private static Tensor fromRaw(ByteString raw, int type, int n, int[] shape) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    if (engineType(type) == DType.FLOAT) {
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] =
            switch (type) {
              case 1 -> b.getFloat();
              case 11 -> (float) b.getDouble();
              case 16 ->
                  Float.intBitsToFloat((b.getShort() & 0xffff) << 16); // bfloat16: the top half
              default -> Half.toFloat(b.getShort() & 0xffff);
            };
      }
      return Tensor.of(f, shape);
    }
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] =
          switch (type) {
            case 2 -> b.get() & 0xff;
            case 3 -> b.get();
            case 9 -> b.get() != 0 ? 1 : 0;
            case 4 -> b.getShort() & 0xffff;
            case 5 -> b.getShort();
            case 6 -> b.getInt();
            case 12 -> b.getInt() & 0xffffffffL;
            default -> b.getLong();
          };
    }
    return Tensor.ofLongs(l, shape);
  }

  private static Tensor fromTyped(TensorProto t, int type, int n, int[] shape, String what) {
    int have;
    switch (type) {
      case 1 -> have = t.getFloatDataCount();
      case 11 -> have = t.getDoubleDataCount();
      case 7 -> have = t.getInt64DataCount();
      case 12, 13 -> have = t.getUint64DataCount();
      default -> have = t.getInt32DataCount();
    }
    if (have != n) {
      throw new OpError(
          what
              + " declares "
              + n
              + " elements but holds "
              + have
              + " values"
              + (have == 0 && n > 0 ? " (no data)" : ""));
    }
    if (engineType(type) == DType.FLOAT) {
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] =
            switch (type) {
              case 1 -> t.getFloatData(i);
              case 11 -> (float) t.getDoubleData(i);
              case 16 -> Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
              default -> Half.toFloat(t.getInt32Data(i) & 0xffff);
            };
      }
      return Tensor.of(f, shape);
    }
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] =
          switch (type) {
            case 7 -> t.getInt64Data(i);
            case 12, 13 -> t.getUint64Data(i);
            case 9 -> t.getInt32Data(i) != 0 ? 1 : 0;
            case 2 -> t.getInt32Data(i) & 0xff;
            case 3 -> (byte) t.getInt32Data(i);
            case 4 -> t.getInt32Data(i) & 0xffff;
            case 5 -> (short) t.getInt32Data(i);
            default -> t.getInt32Data(i);
          };
    }
    return Tensor.ofLongs(l, shape);
  }

  /** Name of an ONNX data type number. */
  public static String typeName(int t) {
    TensorProto.DataType d = TensorProto.DataType.forNumber(t);
    return d == null ? String.valueOf(t) : d.name();
  }
}
