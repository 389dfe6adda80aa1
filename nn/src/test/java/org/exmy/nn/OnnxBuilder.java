package org.exmy.nn;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.exmy.nn.onnx.proto.Onnx.AttributeProto;
import org.exmy.nn.onnx.proto.Onnx.GraphProto;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.NodeProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.onnx.proto.Onnx.TensorShapeProto;
import org.exmy.nn.onnx.proto.Onnx.TypeProto;
import org.exmy.nn.onnx.proto.Onnx.ValueInfoProto;

/** Builds small ONNX models with the generated protobuf classes, for tests. */
final class OnnxBuilder {
  static final int FLOAT = 1;
  static final int INT64 = 7;

  private final int opset;
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
  private int counter;
  private int nodes;

  OnnxBuilder(int opset) {
    this.opset = opset;
  }

  /** A graph input; a negative dim becomes the symbolic dimension "N". */
  OnnxBuilder input(String name, int elemType, long... dims) {
    g.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  OnnxBuilder output(String name) {
    g.addOutput(ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      if (d < 0) {
        s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
      } else {
        s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s)))
        .build();
  }

  /** A float initializer stored as raw_data (or float_data when {@code typed}). */
  String init(String name, Tensor t, boolean typed) {
    g.addInitializer(tensor(name, t, typed));
    return name;
  }

  String init(String name, Tensor t) {
    return init(name, t, (counter++ & 1) == 0);
  }

  static TensorProto tensor(String name, Tensor t, boolean typed) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name);
    for (int d : t.shape()) {
      b.addDims(d);
    }
    if (t.type() == DType.FLOAT) {
      b.setDataType(FLOAT);
      if (typed) {
        for (float v : t.floats()) {
          b.addFloatData(v);
        }
      } else {
        ByteBuffer bb = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.floats()) {
          bb.putFloat(v);
        }
        b.setRawData(ByteString.copyFrom(bb.array()));
      }
    } else {
      b.setDataType(INT64);
      if (typed) {
        for (long v : t.longs()) {
          b.addInt64Data(v);
        }
      } else {
        ByteBuffer bb = ByteBuffer.allocate(8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : t.longs()) {
          bb.putLong(v);
        }
        b.setRawData(ByteString.copyFrom(bb.array()));
      }
    }
    return b.build();
  }

  /** Adds a node; returns a handle to set attributes. */
  Node node(String op, String[] inputs, String... outputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodes++);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    Node h = new Node(n);
    pending.add(h);
    return h;
  }

  private final List<Node> pending = new ArrayList<>();

  /** Attribute setter for one node. */
  static final class Node {
    final NodeProto.Builder b;

    Node(NodeProto.Builder b) {
      this.b = b;
    }

    Node i(String name, long v) {
      b.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.INT)
              .setI(v));
      return this;
    }

    Node f(String name, float v) {
      b.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.FLOAT)
              .setF(v));
      return this;
    }

    Node s(String name, String v) {
      b.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(v)));
      return this;
    }

    Node ints(String name, long... v) {
      AttributeProto.Builder a =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long x : v) {
        a.addInts(x);
      }
      b.addAttribute(a);
      return this;
    }

    Node floats(String name, float... v) {
      AttributeProto.Builder a =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
      for (float x : v) {
        a.addFloats(x);
      }
      b.addAttribute(a);
      return this;
    }

    Node t(String name, Tensor v) {
      b.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.TENSOR)
              .setT(tensor("", v, false)));
      return this;
    }

    Node domain(String d) {
      b.setDomain(d);
      return this;
    }
  }

  GraphProto.Builder graph() {
    flush();
    return g;
  }

  private void flush() {
    for (Node n : pending) {
      g.addNode(n.b);
    }
    pending.clear();
  }

  ModelProto model() {
    flush();
    return ModelProto.newBuilder()
        .setIrVersion(opset >= 19 ? 9 : 8)
        .setProducerName("exmy-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g)
        .build();
  }

  byte[] bytes() {
    return model().toByteArray();
  }
}
