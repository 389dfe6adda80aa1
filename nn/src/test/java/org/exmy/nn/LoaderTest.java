package org.exmy.nn;

import static org.exmy.nn.Rand.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.onnx.proto.Onnx.StringStringEntryProto;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader: tensor decoding of every supported type, Constant nodes, and rejection paths. */
class LoaderTest {
  private final SplittableRandom r = new SplittableRandom(9);

  /** Loads and expects an NnException whose one-line message contains every fragment. */
  private static NnException rejects(byte[] model, String... fragments) {
    NnException e = assertThrows(NnException.class, () -> OnnxLoader.load(model, "bad.onnx"));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.startsWith("bad.onnx: "), m);
    for (String f : fragments) {
      assertTrue(m.contains(f), "'" + f + "' not in: " + m);
    }
    return e;
  }

  private static OnnxBuilder addModel(Tensor w) {
    OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 3).output("Y");
    b.init("W", w, false);
    b.node("Add", new String[] {"X", "W"}, "Y");
    return b;
  }

  @Test
  void truncatedFileIsRefused() {
    byte[] ok = addModel(randn(r, 2, 3)).bytes();
    for (int cut : new int[] {ok.length - 7, ok.length / 2, 5}) {
      rejects(Arrays.copyOf(ok, cut), "truncated or corrupt");
    }
    rejects(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, "not a valid ONNX model");
  }

  @Test
  void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("none.onnx");
    NnException e = assertThrows(NnException.class, () -> OnnxLoader.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
    Path f = dir.resolve("m.onnx");
    Files.write(f, addModel(randn(r, 2, 3)).bytes());
    assertEquals(1, OnnxLoader.load(f).steps().size());
  }

  @Test
  void lyingSizesAreRefusedBeforeAllocating() {
    OnnxBuilder b = addModel(randn(r, 2, 3));
    ModelProto m = b.model();
    // raw_data of 6 floats, but dims claim a billion elements
    TensorProto big =
        m.getGraph().getInitializer(0).toBuilder()
            .clearDims()
            .addDims(1000)
            .addDims(1000)
            .addDims(1000)
            .build();
    rejects(withInit(m, big), "initializer 'W'", "1000000000 elements", "24 bytes of raw_data");
    TensorProto huge = big.toBuilder().clearDims().addDims(1L << 40).addDims(1L << 40).build();
    rejects(withInit(m, huge), "initializer 'W'", "more than 2^31-1");
    TensorProto neg = big.toBuilder().clearDims().addDims(-2).addDims(-3).build();
    rejects(withInit(m, neg), "negative dimension -2");
    TensorProto typed =
        TensorProto.newBuilder()
            .setName("W")
            .setDataType(1)
            .addDims(2)
            .addDims(3)
            .addFloatData(1)
            .addFloatData(2)
            .build();
    rejects(withInit(m, typed), "declares 6 elements but holds 2 values");
    TensorProto empty =
        TensorProto.newBuilder().setName("W").setDataType(1).addDims(2).addDims(3).build();
    rejects(withInit(m, empty), "(no data)");
  }

  @Test
  void externalDataIsRefused() {
    ModelProto m = addModel(randn(r, 2, 3)).model();
    TensorProto ext =
        TensorProto.newBuilder()
            .setName("W")
            .setDataType(1)
            .addDims(2)
            .addDims(3)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
            .build();
    rejects(withInit(m, ext), "initializer 'W' uses external data");
  }

  private static byte[] withInit(ModelProto m, TensorProto t) {
    return m.toBuilder()
        .setGraph(m.getGraph().toBuilder().setInitializer(0, t))
        .build()
        .toByteArray();
  }

  @Test
  void unknownOperatorOtherDomainAndOpsetsAreRefusedAtLoad() {
    OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 3).output("Y");
    b.node("Relu", new String[] {"X"}, "h");
    b.node("FancyOp", new String[] {"h"}, "Y");
    rejects(b.bytes(), "node 'FancyOp_1' (FancyOp): unsupported operator");

    OnnxBuilder d = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 3).output("Y");
    d.node("Gelu", new String[] {"X"}, "Y").domain("com.microsoft");
    rejects(d.bytes(), "node 'Gelu_0' (Gelu)", "domain 'com.microsoft' is not supported");

    ModelProto m = addModel(randn(r, 2, 3)).model();
    for (int v : new int[] {5, 21}) {
      byte[] bytes =
          m.toBuilder()
              .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(v))
              .build()
              .toByteArray();
      rejects(bytes, "opset " + v + " is not supported (6..20)");
    }
    rejects(m.toBuilder().clearOpsetImport().build().toByteArray(), "no default-domain opset");
    OnnxBuilder g = new OnnxBuilder(17).input("X", OnnxBuilder.FLOAT, 2, 3).output("Y");
    g.node("Gelu", new String[] {"X"}, "Y");
    rejects(g.bytes(), "(Gelu): does not exist in opset 17");
  }

  @Test
  void unsupportedAttributesAndValuesAreRefused() {
    OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 1, 1, 4, 4).output("Y");
    b.init("W", randn(r, 1, 1, 3, 3));
    b.node("Conv", new String[] {"X", "W"}, "Y").s("auto_pad", "BOGUS");
    rejects(b.bytes(), "(Conv): unsupported auto_pad 'BOGUS'");
    OnnxBuilder c = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2).output("Y");
    c.node("Relu", new String[] {"X"}, "Y").f("alpha", 0.1f);
    rejects(c.bytes(), "node 'Relu_0' (Relu): unsupported attribute 'alpha'");
    OnnxBuilder g = new OnnxBuilder(20).input("X", OnnxBuilder.FLOAT, 2).output("Y");
    g.node("Gelu", new String[] {"X"}, "Y").s("approximate", "fast");
    rejects(g.bytes(), "unsupported approximate 'fast'");
    OnnxBuilder n = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2).output("Y");
    n.node("Add", new String[] {"X", "nowhere"}, "Y");
    rejects(n.bytes(), "input 'nowhere' is not defined before this node");
    OnnxBuilder t =
        new OnnxBuilder(13)
            .input("X", OnnxBuilder.FLOAT, 2)
            .input("I", OnnxBuilder.INT64, 2)
            .output("Y");
    t.node("Add", new String[] {"X", "I"}, "Y");
    rejects(t.bytes(), "(Add): inputs have different element types");
    // opset 6: Dropout and BatchNormalization without is_test=1 are in training mode
    OnnxBuilder m = new OnnxBuilder(6).input("X", OnnxBuilder.FLOAT, 1, 1, 4, 4).output("Y");
    m.node("Dropout", new String[] {"X"}, "Y");
    rejects(m.bytes(), "(Dropout): is_test=0 (training mode) is not supported");
    OnnxBuilder bn = new OnnxBuilder(6).input("X", OnnxBuilder.FLOAT, 1, 2, 3).output("Y");
    for (String v : new String[] {"s", "b", "mean", "var"}) {
      bn.init(v, Tensor.of(new float[] {1, 2}, 2));
    }
    bn.node("BatchNormalization", new String[] {"X", "s", "b", "mean", "var"}, "Y").i("is_test", 0);
    rejects(bn.bytes(), "(BatchNormalization): is_test=0 (training mode) is not supported");
  }

  @Test
  void unnamedNodesAreNamedByIndexAndRuntimeErrorsNameTheNode() {
    OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, -1, 6).output("Y");
    b.init("S", Rand.longs(4, -1));
    b.node("Reshape", new String[] {"X", "S"}, "Y");
    ModelProto p = b.model();
    byte[] bytes =
        p.toBuilder()
            .setGraph(
                p.getGraph().toBuilder()
                    .setNode(0, p.getGraph().getNode(0).toBuilder().clearName()))
            .build()
            .toByteArray();
    Model m = OnnxLoader.load(bytes, "m.onnx");
    try (Session s = new Session(m, LinearKernels.fp32(), 1)) {
      NnException e = assertThrows(NnException.class, () -> s.run(Ort.in("X", randn(r, 3, 6))));
      assertEquals(
          "m.onnx: node '#0' (Reshape): cannot reshape float[3, 6] to [4, -1]", e.getMessage());
      NnException e2 = assertThrows(NnException.class, () -> s.run(Ort.in("X", randn(r, 3, 5))));
      assertEquals(
          "m.onnx: input 'X' is float[3, 5], the model expects X float[?, 6]", e2.getMessage());
    }
  }

  @Test
  void attributesWithoutTypeFieldAreInferred() {
    // IR version 1 files leave AttributeProto.type out: axis=2 given only through field i
    OnnxBuilder b = new OnnxBuilder(9).input("X", OnnxBuilder.FLOAT, 2, 3, 4).output("Y");
    b.node("Flatten", new String[] {"X"}, "Y")
        .b
        .addAttribute(
            org.exmy.nn.onnx.proto.Onnx.AttributeProto.newBuilder().setName("axis").setI(2));
    Tensor y = Ort.runExmy(b.bytes(), Ort.in("X", randn(r, 2, 3, 4))).get("Y");
    assertArrayEquals(new int[] {6, 4}, y.shape());
  }

  @Test
  void graphInputWithInitializerIsAConstant() {
    OnnxBuilder b =
        new OnnxBuilder(11)
            .input("X", OnnxBuilder.FLOAT, 2, 3)
            .input("W", OnnxBuilder.FLOAT, 2, 3)
            .output("Y");
    Tensor w = randn(r, 2, 3);
    b.init("W", w);
    b.node("Mul", new String[] {"X", "W"}, "Y");
    Model m = OnnxLoader.load(b.bytes(), "m.onnx");
    assertEquals(1, m.inputs().size());
    assertEquals("X", m.inputs().get(0).name());
    Ort.check(b, Ort.in("X", randn(r, 2, 3)));
  }

  @Test
  void constantNodesAndFolding() {
    OnnxBuilder b = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 6).output("Y").output("Z");
    b.node("Constant", new String[0], "c1").t("value", randn(r, 6));
    b.node("Constant", new String[0], "c2").f("value_float", 0.5f);
    b.node("Constant", new String[0], "c3").floats("value_floats", 1, 2, 3, 4, 5, 6);
    b.node("Constant", new String[0], "c4").i("value_int", 3);
    b.node("Constant", new String[0], "c5").ints("value_ints", 4, 3);
    b.node("Mul", new String[] {"c1", "c2"}, "k"); // folded
    b.node("Add", new String[] {"k", "c3"}, "k2"); // folded
    b.node("Add", new String[] {"X", "k2"}, "a");
    b.node("Reshape", new String[] {"a", "c5"}, "Y");
    b.node("Unsqueeze", new String[] {"c4", "c0"}, "Z");
    b.node("Constant", new String[0], "c0").ints("value_ints", 0);
    // c0 is used before its definition: not topologically sorted
    rejects(b.bytes(), "node 'Unsqueeze_9' (Unsqueeze): input 'c0' is not defined");

    OnnxBuilder fixed = new OnnxBuilder(13).input("X", OnnxBuilder.FLOAT, 2, 6).output("Y");
    fixed.node("Constant", new String[0], "c1").t("value", randn(r, 6));
    fixed.node("Constant", new String[0], "c2").f("value_float", 0.5f);
    fixed.node("Constant", new String[0], "c3").floats("value_floats", 1, 2, 3, 4, 5, 6);
    fixed.node("Constant", new String[0], "c5").ints("value_ints", 4, 3);
    fixed.node("Mul", new String[] {"c1", "c2"}, "k");
    fixed.node("Add", new String[] {"k", "c3"}, "k2");
    fixed.node("Add", new String[] {"X", "k2"}, "a");
    fixed.node("Reshape", new String[] {"a", "c5"}, "Y");
    Model m = OnnxLoader.load(fixed.bytes(), "m.onnx");
    assertEquals(2, m.steps().size(), "Mul and the first Add are folded: " + m.opCounts());
    Ort.check(fixed, Ort.in("X", randn(r, 2, 6)));
  }

  @Test
  void everySupportedDataTypeDecodesLikeOrt() {
    // {data type, bytes per element}; values chosen to exercise sign and range
    long[] ints = {0, 1, -1, 127, -128, 100, 255, 7};
    int[][] types = {{6, 4}, {3, 1}, {2, 1}, {9, 1}, {7, 8}, {5, 2}, {4, 2}};
    for (int[] t : types) {
      for (boolean raw : new boolean[] {true, false}) {
        TensorProto.Builder tp = TensorProto.newBuilder().setName("C").setDataType(t[0]).addDims(8);
        ByteBuffer bb = ByteBuffer.allocate(8 * t[1]).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : ints) {
          long w = t[0] == 9 ? (v != 0 ? 1 : 0) : v;
          switch (t[1]) {
            case 1 -> bb.put((byte) w);
            case 2 -> bb.putShort((short) w);
            case 4 -> bb.putInt((int) w);
            default -> bb.putLong(w);
          }
          if (!raw) {
            if (t[0] == 7) {
              tp.addInt64Data(w);
            } else {
              // int32_data holds the value (uint8 as 0..255)
              long stored =
                  switch (t[0]) {
                    case 2 -> w & 0xff;
                    case 4 -> w & 0xffff;
                    case 3 -> (byte) w;
                    case 5 -> (short) w;
                    default -> w;
                  };
              tp.addInt32Data((int) stored);
            }
          }
        }
        if (raw) {
          tp.setRawData(ByteString.copyFrom(bb.array()));
        }
        castModelMatchesOrt(tp.build());
      }
    }
    double[] fl = {0.1, -2.5, 1e-3, 3.14159, -0.0, 65504, 6.1e-5, 1e-7};
    for (boolean raw : new boolean[] {true, false}) {
      TensorProto.Builder d = TensorProto.newBuilder().setName("C").setDataType(11).addDims(8);
      TensorProto.Builder h = TensorProto.newBuilder().setName("C").setDataType(10).addDims(8);
      ByteBuffer db = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer hb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : fl) {
        db.putDouble(v);
        // binary16 bits via the float value rounded by org.exmy.nn.ops.Half, re-encoded by hand
        int bits = halfBits((float) v);
        hb.putShort((short) bits);
        if (!raw) {
          d.addDoubleData(v);
          h.addInt32Data(bits);
        }
      }
      if (raw) {
        d.setRawData(ByteString.copyFrom(db.array()));
        h.setRawData(ByteString.copyFrom(hb.array()));
      }
      castModelMatchesOrt(d.build());
      castModelMatchesOrt(h.build());
    }
  }

  /** Float value to binary16 bits for normal and subnormal values in range (test helper). */
  private static int halfBits(float v) {
    int sign = Float.floatToRawIntBits(v) < 0 ? 0x8000 : 0;
    float a = Math.abs(v);
    if (a == 0) {
      return sign;
    }
    int e = Math.max(Math.getExponent(a), -14);
    int man = Math.round(a / Math.scalb(1f, e - 10));
    if (man >= 2048) {
      man >>= 1;
      e++;
    }
    if (man < 1024) {
      return sign | man; // subnormal
    }
    return sign | ((e + 15) << 10) | (man - 1024);
  }

  /** A model Y = Cast(C, to=FLOAT or INT64) over a constant, compared with ORT. */
  private static void castModelMatchesOrt(TensorProto c) {
    int t = c.getDataType();
    boolean fl = t == 1 || t == 10 || t == 11;
    OnnxBuilder b = new OnnxBuilder(13).output("Y");
    b.graph().addInitializer(c);
    b.node("Cast", new String[] {"C"}, "Y").i("to", fl ? 1 : 7);
    Ort.check(b, Ort.in());
    Tensor got = Ort.runExmy(b.bytes(), Ort.in()).get("Y");
    assertArrayEquals(new int[] {8}, got.shape());
  }
}
