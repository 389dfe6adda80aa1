package org.exmy.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.qonnx.QonnxTrace;

/** Small QONNX models for the tests: one quantization node, or a builder with the QONNX opset. */
final class QonnxTestModels {
  static final String DOMAIN = "qonnx.custom_op.general";

  private QonnxTestModels() {}

  /** The model's bytes with the QONNX domain's opset imported too. */
  static byte[] withDomain(OnnxBuilder b, String domain) {
    ModelProto m =
        b.model().toBuilder()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1))
            .build();
    return m.toByteArray();
  }

  static Model load(OnnxBuilder b) {
    return OnnxLoader.load(withDomain(b, DOMAIN), "test.onnx");
  }

  static Model load(OnnxBuilder b, QonnxTrace trace) {
    return OnnxLoader.load(withDomain(b, DOMAIN), "test.onnx", trace);
  }

  /**
   * Runs one QONNX node on {@code x} (a graph input), its other inputs the given constants, in
   * order; returns its output's values.
   */
  static float[] run(
      String op,
      String domain,
      Tensor x,
      Map<String, Tensor> params,
      Consumer<OnnxBuilder.Node> attrs) {
    OnnxBuilder b = new OnnxBuilder(13).input("x", OnnxBuilder.FLOAT, Ort.dims(x)).output("y");
    String[] in = new String[params.size() + 1];
    in[0] = "x";
    int i = 1;
    for (var e : params.entrySet()) {
      in[i++] = e.getValue() == null ? "" : b.init(e.getKey(), e.getValue());
    }
    attrs.accept(b.node(op, in, "y").domain(domain));
    Model m = OnnxLoader.load(withDomain(b, domain), "test.onnx");
    return Session.fp32(m).run(Map.of("x", x)).get("y").floats();
  }

  /** An ordered parameter map. */
  static Map<String, Tensor> params(Object... nameValue) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      Object v = nameValue[i + 1];
      m.put(
          (String) nameValue[i],
          v instanceof Tensor t ? t : v == null ? null : Tensor.scalar(((Number) v).floatValue()));
    }
    return m;
  }
}
