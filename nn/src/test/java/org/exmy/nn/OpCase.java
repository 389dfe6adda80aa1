package org.exmy.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One single-node test model: inputs are graph inputs (fed at run time) or initializers (constants,
 * so the loader may fold the node); run in ONNX Runtime and in exmy and compared.
 */
final class OpCase {
  private final int opset;
  private final String op;
  private final List<String> inputs = new ArrayList<>();
  private final Map<String, Tensor> feeds = new LinkedHashMap<>();
  private final Map<String, Tensor> inits = new LinkedHashMap<>();
  private Consumer<OnnxBuilder.Node> attrs = n -> {};
  private int outputs = 1;

  OpCase(int opset, String op) {
    this.opset = opset;
    this.op = op;
  }

  /** A graph input fed with {@code t}. */
  OpCase in(String name, Tensor t) {
    inputs.add(name);
    feeds.put(name, t);
    return this;
  }

  /** A constant input (initializer). */
  OpCase init(String name, Tensor t) {
    inputs.add(name);
    inits.put(name, t);
    return this;
  }

  /** An omitted optional input. */
  OpCase none() {
    inputs.add("");
    return this;
  }

  OpCase attrs(Consumer<OnnxBuilder.Node> a) {
    this.attrs = a;
    return this;
  }

  OpCase outputs(int n) {
    this.outputs = n;
    return this;
  }

  OnnxBuilder builder() {
    OnnxBuilder b = new OnnxBuilder(opset);
    for (var e : feeds.entrySet()) {
      b.input(
          e.getKey(),
          e.getValue().type() == DType.FLOAT ? OnnxBuilder.FLOAT : OnnxBuilder.INT64,
          Ort.dims(e.getValue()));
    }
    for (var e : inits.entrySet()) {
      b.init(e.getKey(), e.getValue());
    }
    String[] outs = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      outs[i] = "Y" + i;
      b.output(outs[i]);
    }
    attrs.accept(b.node(op, inputs.toArray(new String[0]), outs));
    return b;
  }

  /** Compares ORT and exmy; returns exmy's first output. */
  Tensor check() {
    return Ort.check(builder(), feeds).get("Y0");
  }

  /** The same case with every input made a constant (exercises constant folding). */
  OpCase folded() {
    OpCase c = new OpCase(opset, op);
    for (String name : inputs) {
      if (name.isEmpty()) {
        c.none();
      } else {
        c.init(name, feeds.containsKey(name) ? feeds.get(name) : inits.get(name));
      }
    }
    c.attrs = attrs;
    c.outputs = outputs;
    return c;
  }
}
