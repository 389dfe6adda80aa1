package org.exmy.nn.qonnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.onnx.proto.Onnx.AttributeProto;
import org.exmy.nn.onnx.proto.Onnx.GraphProto;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.NodeProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.quant.Ptq;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Specials;

/**
 * Writes exmy's post-training quantization of a model as QONNX: the original graph with a
 * quantization node (domain {@code qonnx.custom_op.general}) in front of each product input of
 * every quantized linear node, the float32 layers left as they are. A minifloat becomes {@code
 * FloatQuant} (E, M, bias, {@code max_val} = its largest finite value, {@code has_inf} / {@code
 * has_nan} from its specials, saturating, ROUND), an integer format {@code Quant} (its bits,
 * signed, not narrow, zero-point 0, ROUND); the scale is the plan's: the activation's one value,
 * the weight's one value or one per output channel (shaped to broadcast along the weight's output
 * axis). Both quantize exactly as exmy does (fl32(x / s) rounded to nearest even on the format's
 * grid, saturating, times s), so the file re-imported with {@link QonnxQuantization} runs the same
 * sums.
 *
 * <p>Refused (one line): MX plans, bias correction (a per-channel output offset QONNX has no node
 * for), minifloats without subnormals, and weights that are not initializers of the file.
 */
public final class QonnxExport {
  private QonnxExport() {}

  /**
   * The QONNX model of {@code ptq} applied to the model in {@code original} (the file's bytes, as
   * loaded into {@code model}).
   */
  public static byte[] write(byte[] original, Model model, Ptq ptq) {
    String src = model.source();
    if (ptq.options().isMx()) {
      throw new NnException(src + ": --export-qonnx: MX block quantization has no QONNX operator");
    }
    if (ptq.options().biasCorrection()) {
      throw new NnException(
          src + ": --export-qonnx: bias correction has no QONNX operator; drop --bias-correction");
    }
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(original);
    } catch (IOException e) {
      throw new NnException(src + ": cannot re-read the model: " + e.getMessage());
    }
    GraphProto g = proto.getGraph();
    Map<String, LinearSite> byNode = new HashMap<>();
    for (LinearSite s : model.linearSites()) {
      if (ptq.quantized(s.index())) {
        byNode.put(s.nodeName(), s);
      }
    }
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    Set<String> names = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      names.addAll(n.getOutputList());
      names.add(n.getName());
    }
    names.addAll(inits.keySet());
    GraphProto.Builder out = g.toBuilder().clearNode();
    List<TensorProto> params = new ArrayList<>();
    Set<String> paramNames = new HashSet<>();
    for (int ni = 0; ni < g.getNodeCount(); ni++) {
      NodeProto n = g.getNode(ni);
      String name = n.getName().isEmpty() ? "#" + ni : n.getName();
      LinearSite site = byNode.get(name);
      if (site == null || n.getInputCount() < 2) {
        out.addNode(n);
        continue;
      }
      NodeProto.Builder nb = n.toBuilder();
      String label = src + ": --export-qonnx: node '" + name + "' (" + site.opType() + ")";
      if (site.weightOperand() == LinearSite.Operand.NONE) {
        for (int i = 0; i < 2; i++) {
          LinearSite.Operand op = i == 0 ? LinearSite.Operand.A : LinearSite.Operand.B;
          String q =
              quantNode(
                  out,
                  params,
                  paramNames,
                  names,
                  n.getInput(i),
                  name + "_aq" + i,
                  ptq.options().activations(),
                  scalar(ptq.activationScale(site.index(), op)),
                  label);
          nb.setInput(i, q);
        }
        out.addNode(nb);
        continue;
      }
      int wi =
          switch (site.opType()) {
            case "Conv" -> 1;
            case "MatMul" -> site.weightOperand() == LinearSite.Operand.B ? 1 : 0;
            default -> inits.containsKey(n.getInput(1)) ? 1 : 0;
          };
      TensorProto w = inits.get(n.getInput(wi));
      if (w == null) {
        throw new NnException(
            label + ": its weight '" + n.getInput(wi) + "' is not an initializer of the file");
      }
      long size = 1;
      for (long d : w.getDimsList()) {
        size *= d;
      }
      if (size != site.weight().size()) {
        throw new NnException(
            label + ": its weight '" + n.getInput(wi) + "' is not the node's constant operand");
      }
      LinearSite.Operand actOp =
          site.weightOperand() == LinearSite.Operand.A
              ? LinearSite.Operand.B
              : LinearSite.Operand.A;
      String aq =
          quantNode(
              out,
              params,
              paramNames,
              names,
              n.getInput(1 - wi),
              name + "_aq",
              ptq.options().activations(),
              scalar(ptq.activationScale(site.index(), actOp)),
              label);
      String wq =
          quantNode(
              out,
              params,
              paramNames,
              names,
              n.getInput(wi),
              name + "_wq",
              ptq.options().weights(),
              weightScale(ptq, site, n, wi, w, label),
              label);
      nb.setInput(1 - wi, aq);
      nb.setInput(wi, wq);
      out.addNode(nb);
    }
    out.addAllInitializer(params);
    ModelProto.Builder mb = proto.toBuilder().setGraph(out);
    boolean has =
        proto.getOpsetImportList().stream()
            .anyMatch(o -> o.getDomain().equals("qonnx.custom_op.general"));
    if (!has) {
      mb.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain("qonnx.custom_op.general").setVersion(1));
    }
    return mb.build().toByteArray();
  }

  private static TensorProto scalar(float v) {
    return floats("", new float[] {v});
  }

  private static TensorProto floats(String name, float[] v, long... dims) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bb.putFloat(f);
    }
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(1)
            .setRawData(ByteString.copyFrom(bb.array()));
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }

  /**
   * The weight's scale: one value, or one per output channel shaped along the weight's output axis.
   */
  private static TensorProto weightScale(
      Ptq ptq, LinearSite site, NodeProto n, int wi, TensorProto w, String label) {
    int cols = site.weight().dim(-1);
    int channels = site.weightChannelAxis() == 0 ? site.weight().size() / cols : cols;
    if (!ptq.options().perChannel() || channels == 1) {
      return scalar(ptq.weightScale(site.index(), 0));
    }
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = ptq.weightScale(site.index(), c);
    }
    int rank = w.getDimsCount();
    int axis =
        switch (site.opType()) {
          case "Conv" -> 0;
          case "Gemm" ->
              wi == 1 ? (attr(n, "transB") == 1 ? 0 : 1) : (attr(n, "transA") == 1 ? 1 : 0);
          case "MatMul" -> rank == 2 ? (wi == 1 ? 1 : 0) : -1;
          default -> -1;
        };
    if (axis < 0 || w.getDims(axis) != channels) {
      throw new NnException(
          label + ": per-channel weight scales have no QONNX shape here; use --granularity tensor");
    }
    long[] dims = new long[rank];
    java.util.Arrays.fill(dims, 1);
    dims[axis] = channels;
    return floats("", s, dims);
  }

  private static long attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return 0;
  }

  private static String fresh(Set<String> names, String base) {
    String s = base;
    for (int i = 1; names.contains(s); i++) {
      s = base + "_" + i;
    }
    names.add(s);
    return s;
  }

  private static String param(
      List<TensorProto> params,
      Set<String> paramNames,
      Set<String> names,
      String base,
      TensorProto value) {
    String n = fresh(names, base);
    params.add(value.toBuilder().setName(n).build());
    paramNames.add(n);
    return n;
  }

  private static String param(
      List<TensorProto> params, Set<String> paramNames, Set<String> names, String base, float v) {
    return param(params, paramNames, names, base, scalar(v));
  }

  /**
   * Adds the quantization node of {@code input} in {@code f} at {@code scale}; returns its output.
   */
  private static String quantNode(
      GraphProto.Builder out,
      List<TensorProto> params,
      Set<String> paramNames,
      Set<String> names,
      String input,
      String node,
      NumberFormat f,
      TensorProto scale,
      String label) {
    String nodeName = fresh(names, node);
    String y = fresh(names, input + "_" + nodeName);
    String s = param(params, paramNames, names, nodeName + "_scale", scale);
    NodeProto.Builder b =
        NodeProto.newBuilder().setName(nodeName).setDomain("qonnx.custom_op.general").addOutput(y);
    if (f instanceof FloatFormat ff) {
      if (!ff.subnormals()) {
        throw new NnException(
            label + ": " + ff.name() + " has no subnormals, which FloatQuant cannot express");
      }
      b.setOpType("FloatQuant")
          .addInput(input)
          .addInput(s)
          .addInput(
              param(params, paramNames, names, nodeName + "_exponent_bitwidth", ff.exponentBits()))
          .addInput(
              param(params, paramNames, names, nodeName + "_mantissa_bitwidth", ff.mantissaBits()))
          .addInput(param(params, paramNames, names, nodeName + "_exponent_bias", ff.bias()))
          .addInput(
              param(
                  params,
                  paramNames,
                  names,
                  nodeName + "_max_val",
                  (float) ff.maxFinite().toDouble()))
          .addAttribute(intAttr("has_inf", ff.specials() == Specials.IEEE ? 1 : 0))
          .addAttribute(intAttr("has_nan", ff.specials() == Specials.NONE ? 0 : 1))
          .addAttribute(intAttr("has_subnormal", 1))
          .addAttribute(intAttr("saturation", 1))
          .addAttribute(strAttr("rounding_mode", "ROUND"));
    } else {
      IntFormat i = (IntFormat) f;
      b.setOpType("Quant")
          .addInput(input)
          .addInput(s)
          .addInput(param(params, paramNames, names, nodeName + "_zeropt", 0f))
          .addInput(param(params, paramNames, names, nodeName + "_bitwidth", i.bits()))
          .addAttribute(intAttr("signed", i.signed() ? 1 : 0))
          .addAttribute(intAttr("narrow", 0))
          .addAttribute(strAttr("rounding_mode", "ROUND"));
    }
    out.addNode(b);
    return y;
  }

  private static AttributeProto intAttr(String n, long v) {
    return AttributeProto.newBuilder()
        .setName(n)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  private static AttributeProto strAttr(String n, String v) {
    return AttributeProto.newBuilder()
        .setName(n)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v))
        .build();
  }
}
