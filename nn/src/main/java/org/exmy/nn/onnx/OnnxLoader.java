package org.exmy.nn.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.nn.DType;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.exmy.nn.onnx.proto.Onnx.AttributeProto;
import org.exmy.nn.onnx.proto.Onnx.GraphProto;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.NodeProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.onnx.proto.Onnx.TensorShapeProto;
import org.exmy.nn.onnx.proto.Onnx.ValueInfoProto;
import org.exmy.nn.ops.Attrs;
import org.exmy.nn.ops.Built;
import org.exmy.nn.ops.NodeSpec;
import org.exmy.nn.ops.OpError;
import org.exmy.nn.ops.OpRegistry;

/**
 * Reads an ONNX model (opsets 6..20, default domain, plus the QONNX quantization operators of
 * {@link org.exmy.nn.qonnx.QonnxOps}) into a {@link Model}. Everything is validated here, before
 * anything runs: every node's operator, attributes and input types, every tensor's declared size
 * against its bytes; nodes whose inputs are all constant (except linear nodes) are evaluated once
 * as they are read ({@link ConstantFolding}), and each value is released after its last reader
 * ({@link Liveness}). Errors are {@link NnException}s with one line naming the file and the node or
 * tensor.
 */
public final class OnnxLoader {
  /** Oldest and newest default-domain opset supported. */
  public static final int MIN_OPSET = 6;

  /**
   * Operators whose definition has not changed from opset 1 to opset 6 (no consumed_inputs, no
   * legacy broadcast attribute): a model of an older opset made only of these loads as opset 6.
   */
  static final java.util.Set<String> UNCHANGED_SINCE_OPSET_1 =
      java.util.Set.of(
          "GlobalAveragePool",
          "GlobalMaxPool",
          "Not",
          "Softplus",
          "Softsign",
          "Identity",
          "Constant",
          "Flatten",
          "Transpose",
          "Shape",
          "Size");

  public static final int MAX_OPSET = 20;

  private static final long MAX_FILE = Integer.MAX_VALUE - 8;

  private final String source;

  /** Where the QONNX quantization of each value is recorded (null: not asked for). */
  private final org.exmy.nn.qonnx.QonnxTrace trace;

  // value slots
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final List<DType> slotType = new ArrayList<>();
  private final List<Tensor> slotConst = new ArrayList<>();

  private OnnxLoader(String source, org.exmy.nn.qonnx.QonnxTrace trace) {
    this.source = source;
    this.trace = trace;
  }

  /** Loads a model file. */
  public static Model load(Path file) {
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
    return load(bytes, src);
  }

  /** Loads a model from its serialized bytes; {@code source} names it in messages. */
  public static Model load(byte[] bytes, String source) {
    return load(bytes, source, null);
  }

  /**
   * Like {@link #load(byte[], String)}, recording into {@code trace} (when not null) the QONNX
   * quantization that reaches each linear node's inputs.
   */
  public static Model load(byte[] bytes, String source, org.exmy.nn.qonnx.QonnxTrace trace) {
    ModelProto proto;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(Integer.MAX_VALUE);
      in.setRecursionLimit(64);
      proto = ModelProto.parseFrom(in);
      in.checkLastTagWas(0);
    } catch (IOException e) {
      throw new NnException(
          source
              + ": not a valid ONNX model (truncated or corrupt protobuf: "
              + firstLine(e.getMessage())
              + ")");
    }
    return new OnnxLoader(source, trace).build(proto);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private NnException fail(String msg) {
    return new NnException(source + ": " + msg);
  }

  private Model build(ModelProto proto) {
    int opset = -1;
    for (OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) Math.min(Integer.MAX_VALUE, Math.max(-1, o.getVersion()));
      }
    }
    if (opset < 0) {
      if (!proto.hasGraph()) {
        throw fail("not an ONNX model (no graph and no opset import)");
      }
      throw fail("the model imports no default-domain opset");
    }
    if (opset >= 1
        && opset < MIN_OPSET
        && proto.hasGraph()
        && proto.getGraph().getNodeList().stream()
            .allMatch(
                nd ->
                    UNCHANGED_SINCE_OPSET_1.contains(nd.getOpType()) && nd.getDomain().isEmpty())) {
      opset = MIN_OPSET; // every operator means in opset 6 what it meant in the model's opset
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw fail("opset " + opset + " is not supported (" + MIN_OPSET + ".." + MAX_OPSET + ")");
    }
    if (!proto.hasGraph()) {
      throw fail("the model has no graph");
    }
    GraphProto g = proto.getGraph();
    if (g.getSparseInitializerCount() > 0) {
      throw fail("sparse initializers are not supported");
    }
    for (var init : g.getInitializerList()) {
      String name = init.getName();
      if (name.isEmpty()) {
        throw fail("an initializer has no name");
      }
      if (slotOf.containsKey(name)) {
        throw fail("initializer '" + name + "' is defined twice");
      }
      Tensor t;
      try {
        t = TensorDecoder.decode(init, "initializer '" + name + "'");
      } catch (OpError e) {
        throw fail(e.getMessage());
      }
      define(name, t.type(), t);
    }
    List<Model.Input> inputs = new ArrayList<>();
    List<Integer> inputSlots = new ArrayList<>();
    for (ValueInfoProto vi : g.getInputList()) {
      if (slotOf.containsKey(vi.getName())) {
        continue; // an input with an initializer is a constant
      }
      Model.Input in = input(vi);
      inputs.add(in);
      inputSlots.add(define(vi.getName(), in.type(), null));
    }
    List<Model.Step> steps = new ArrayList<>();
    List<LinearSite> sites = new ArrayList<>();
    for (int ni = 0; ni < g.getNodeCount(); ni++) {
      NodeProto node = g.getNode(ni);
      String name = node.getName().isEmpty() ? "#" + ni : node.getName();
      String label = "node '" + name + "' (" + node.getOpType() + ")";
      try {
        node(node, name, opset, steps, sites);
      } catch (OpError e) {
        throw fail(label + ": " + e.getMessage());
      }
    }
    List<String> outputs = new ArrayList<>();
    int[] outSlots = new int[g.getOutputCount()];
    for (int i = 0; i < g.getOutputCount(); i++) {
      String name = g.getOutput(i).getName();
      Integer s = slotOf.get(name);
      if (s == null) {
        throw fail("graph output '" + name + "' is not produced by any node");
      }
      outputs.add(name);
      outSlots[i] = s;
    }
    if (outputs.isEmpty()) {
      throw fail("the graph has no outputs");
    }
    List<Model.Step> withRelease =
        Liveness.release(
            steps, slotType.size(), outSlots, inputSlots, s -> slotConst.get(s) != null);
    return new Model(
        source,
        opset,
        inputs,
        inputSlots.stream().mapToInt(Integer::intValue).toArray(),
        outputs,
        outSlots,
        withRelease,
        slotConst.toArray(new Tensor[0]),
        sites,
        slotType.toArray(new DType[0]));
  }

  private Model.Input input(ValueInfoProto vi) {
    String name = vi.getName();
    if (!vi.hasType() || !vi.getType().hasTensorType()) {
      throw fail(
          "graph input '"
              + name
              + "' "
              + (vi.hasType()
                  ? "is a sequence, map or optional value, which is not supported (only tensors)"
                  : "has no type"));
    }
    var tt = vi.getType().getTensorType();
    DType type = TensorDecoder.engineType(tt.getElemType());
    if (type == null) {
      throw fail(
          "graph input '"
              + name
              + "' has unsupported type "
              + TensorDecoder.typeName(tt.getElemType()));
    }
    if (!tt.hasShape()) {
      throw fail("graph input '" + name + "' has no shape");
    }
    int[] dims = new int[tt.getShape().getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension d = tt.getShape().getDim(i);
      if (d.hasDimValue()) {
        long v = d.getDimValue();
        if (v < 0 || v > Integer.MAX_VALUE) {
          throw fail("graph input '" + name + "' has invalid dimension " + v);
        }
        dims[i] = (int) v;
      } else {
        dims[i] = -1;
      }
    }
    return new Model.Input(name, type, dims);
  }

  private int define(String name, DType type, Tensor value) {
    if (slotOf.containsKey(name)) {
      throw new OpError("value '" + name + "' is defined twice");
    }
    int s = slotType.size();
    slotOf.put(name, s);
    slotType.add(type);
    slotConst.add(value);
    return s;
  }

  private void node(
      NodeProto node, String name, int opset, List<Model.Step> steps, List<LinearSite> sites) {
    String domain = node.getDomain();
    boolean qonnx = org.exmy.nn.qonnx.QonnxOps.isDomain(domain);
    if (!domain.isEmpty() && !domain.equals("ai.onnx") && !qonnx) {
      throw new OpError(
          "domain '"
              + domain
              + "' is not supported (only the default ONNX domain and the"
              + " QONNX domains "
              + new java.util.TreeSet<>(org.exmy.nn.qonnx.QonnxOps.DOMAINS)
              + ")");
    }
    String op = node.getOpType();
    Attrs attrs = attributes(node);
    if (op.equals("Constant")) {
      if (node.getInputCount() != 0 || node.getOutputCount() != 1) {
        throw new OpError("expects no inputs and one output");
      }
      Tensor t = constant(attrs);
      define(node.getOutput(0), t.type(), t);
      return;
    }
    if (!qonnx && !OpRegistry.supported().contains(op)) {
      throw new OpError("unsupported operator");
    }
    int nIn = node.getInputCount();
    while (nIn > 0 && node.getInput(nIn - 1).isEmpty()) {
      nIn--; // trailing omitted optional inputs
    }
    int[] in = new int[nIn];
    DType[] types = new DType[nIn];
    Tensor[] consts = new Tensor[nIn];
    for (int i = 0; i < nIn; i++) {
      String v = node.getInput(i);
      if (v.isEmpty()) {
        in[i] = -1;
        continue;
      }
      Integer s = slotOf.get(v);
      if (s == null) {
        throw new OpError(
            "input '"
                + v
                + "' is not defined before this node (unknown name, or nodes not in"
                + " topological order)");
      }
      in[i] = s;
      types[i] = slotType.get(s);
      consts[i] = slotConst.get(s);
    }
    int nOut = node.getOutputCount();
    NodeSpec spec = new NodeSpec(op, opset, name, attrs, types, consts, nOut, sites.size());
    Built b = qonnx ? org.exmy.nn.qonnx.QonnxOps.build(spec) : OpRegistry.build(spec);
    boolean linear = !qonnx && OpRegistry.isLinear(op);
    if (trace != null) {
      trace.node(
          qonnx, spec, node.getInputList(), node.getOutputList(), linear ? b.sites() : List.of());
    }
    if (ConstantFolding.applies(in, consts, linear)) {
      Tensor[] vals = ConstantFolding.fold(b, consts);
      for (int i = 0; i < nOut; i++) {
        if (!node.getOutput(i).isEmpty()) {
          define(node.getOutput(i), vals[i].type(), vals[i]);
        }
      }
      return;
    }
    int[] out = new int[nOut];
    for (int i = 0; i < nOut; i++) {
      String o = node.getOutput(i);
      out[i] =
          o.isEmpty()
              ? define("\u0000unused" + steps.size() + "_" + i, b.outTypes()[i], null)
              : define(o, b.outTypes()[i], null);
    }
    if (linear) {
      sites.addAll(b.sites());
    }
    steps.add(new Model.Step(name, op, b.op(), in, out, new int[0]));
  }

  private static Tensor constant(Attrs attrs) {
    attrs.allow("value", "value_float", "value_floats", "value_int", "value_ints");
    if (attrs.has("value")) {
      return attrs.t("value");
    }
    if (attrs.has("value_float")) {
      return Tensor.scalar(attrs.f("value_float", 0));
    }
    if (attrs.has("value_floats")) {
      float[] f = attrs.floats("value_floats");
      return Tensor.of(f.clone(), f.length);
    }
    if (attrs.has("value_int")) {
      return Tensor.ofLongs(new long[] {attrs.i("value_int", 0)});
    }
    if (attrs.has("value_ints")) {
      long[] l = attrs.ints("value_ints");
      return Tensor.ofLongs(l.clone(), l.length);
    }
    throw new OpError("has no value");
  }

  private static Attrs attributes(NodeProto node) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (AttributeProto a : node.getAttributeList()) {
      String n = a.getName();
      if (!a.getRefAttrName().isEmpty()) {
        throw new OpError("attribute '" + n + "' refers to a function attribute");
      }
      Object v =
          switch (typeOf(a)) {
            case INT -> a.getI();
            case FLOAT -> a.getF();
            case STRING -> a.getS().toStringUtf8();
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case FLOATS -> {
              float[] f = new float[a.getFloatsCount()];
              for (int i = 0; i < f.length; i++) {
                f[i] = a.getFloats(i);
              }
              yield f;
            }
            case TENSOR -> TensorDecoder.decode(a.getT(), "attribute '" + n + "'");
            case STRINGS ->
                a.getStringsList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            default ->
                throw new OpError(
                    "attribute '" + n + "' of type " + a.getType() + " is not supported");
          };
      if (m.put(n, v) != null) {
        throw new OpError("attribute '" + n + "' is given twice");
      }
    }
    return new Attrs(m);
  }

  /** The attribute's type; files older than IR version 2 leave it out, so infer it there. */
  private static AttributeProto.AttributeType typeOf(AttributeProto a) {
    if (a.getType() != AttributeProto.AttributeType.UNDEFINED) {
      return a.getType();
    }
    if (a.hasF()) {
      return AttributeProto.AttributeType.FLOAT;
    }
    if (a.hasI()) {
      return AttributeProto.AttributeType.INT;
    }
    if (a.hasS()) {
      return AttributeProto.AttributeType.STRING;
    }
    if (a.hasT()) {
      return AttributeProto.AttributeType.TENSOR;
    }
    if (a.getFloatsCount() > 0) {
      return AttributeProto.AttributeType.FLOATS;
    }
    if (a.getIntsCount() > 0) {
      return AttributeProto.AttributeType.INTS;
    }
    return AttributeProto.AttributeType.UNDEFINED;
  }
}
