package org.exmy.nn;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.proto.Onnx.AttributeProto;
import org.exmy.nn.onnx.proto.Onnx.GraphProto;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.NodeProto;
import org.exmy.nn.onnx.proto.Onnx.OperatorSetIdProto;
import org.exmy.nn.onnx.proto.Onnx.StringStringEntryProto;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.onnx.proto.Onnx.TensorShapeProto;
import org.exmy.nn.onnx.proto.Onnx.TypeProto;
import org.exmy.nn.onnx.proto.Onnx.ValueInfoProto;

/**
 * A generated ResNet-18 (a speed benchmark at a real size, not a trained network): the torchvision
 * layout, conv 7x7/2 (64) + BatchNormalization + Relu + MaxPool 3x3/2, four stages of two
 * BasicBlocks (64, 128, 256, 512 channels; conv 3x3 + BN + Relu + conv 3x3 + BN, added to the
 * shortcut, Relu; the first block of stages 2-4 has stride 2 and a 1x1/2 conv + BN shortcut),
 * GlobalAveragePool, Flatten, Gemm 512 to 1000 ({@code transB=1}). 11,689,512 parameters (BN
 * running statistics excluded), 1.81 G multiply-accumulates per 224x224 image. Opset 17, input
 * {@code x} float32 {@code [N,3,H,W]} (N free), output {@code logits} {@code [N,1000]}.
 *
 * <p>Weights are seeded and deterministic (one {@link SplittableRandom} drawn in node order): He
 * initialization, N(0, 2 / fan_in), for every conv and the Gemm; BN gamma U(0.5, 1) (U(0.2, 0.5)
 * for the second BN of a block, so that the random residual stream stays bounded), beta and the
 * running mean N(0, 0.1^2), running variance U(0.5, 1.5), epsilon 1e-5; Gemm bias 0.
 */
public final class ResNets {
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("resnet18");
  private final SplittableRandom r;
  private int nodes;
  private long params;

  private ResNets(long seed) {
    this.r = new SplittableRandom(seed);
  }

  /** The ResNet-18 ONNX bytes for input images of {@code h x w} pixels. */
  public static byte[] resnet18(long seed, int h, int w) {
    ResNets b = new ResNets(seed);
    return b.build18(h, w).toByteArray();
  }

  /** Trainable parameters of {@link #resnet18} (for the documentation's count). */
  static long parameters18() {
    ResNets b = new ResNets(0);
    b.build18(32, 32);
    return b.params;
  }

  private ModelProto build18(int h, int w) {
    g.addInput(valueInfo("x", -1, 3, h, w));
    g.addOutput(ValueInfoProto.newBuilder().setName("logits"));
    String x = conv("x", "conv1", 3, 64, 7, 2, 3);
    x = bn(x, "bn1", 64, false);
    x = relu(x);
    x =
        node(
            "MaxPool",
            "maxpool",
            new String[] {x},
            ints("kernel_shape", 3, 3),
            ints("strides", 2, 2),
            ints("pads", 1, 1, 1, 1));
    int cin = 64;
    int[] widths = {64, 128, 256, 512};
    for (int s = 0; s < 4; s++) {
      for (int blk = 0; blk < 2; blk++) {
        int stride = s > 0 && blk == 0 ? 2 : 1;
        String p = "layer" + (s + 1) + "." + blk;
        int cout = widths[s];
        String y = conv(x, p + ".conv1", cin, cout, 3, stride, 1);
        y = relu(bn(y, p + ".bn1", cout, false));
        y = conv(y, p + ".conv2", cout, cout, 3, 1, 1);
        y = bn(y, p + ".bn2", cout, true);
        String shortcut = x;
        if (stride != 1 || cin != cout) {
          shortcut =
              bn(
                  conv(x, p + ".downsample.0", cin, cout, 1, stride, 0),
                  p + ".downsample.1",
                  cout,
                  false);
        }
        x = relu(node("Add", p + ".add", new String[] {y, shortcut}));
        cin = cout;
      }
    }
    x = node("GlobalAveragePool", "avgpool", new String[] {x});
    x =
        node(
            "Flatten",
            "flatten",
            new String[] {x},
            AttributeProto.newBuilder()
                .setName("axis")
                .setType(AttributeProto.AttributeType.INT)
                .setI(1)
                .build());
    init("fc.weight", normal(1000 * 512, Math.sqrt(2.0 / 512)), true, 1000, 512);
    init("fc.bias", new float[1000], true, 1000);
    NodeProto.Builder fc =
        NodeProto.newBuilder()
            .setOpType("Gemm")
            .setName("fc")
            .addInput(x)
            .addInput("fc.weight")
            .addInput("fc.bias")
            .addOutput("logits")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("transB")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(1));
    g.addNode(fc);
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("exmy.ResNets")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .addMetadataProps(
            StringStringEntryProto.newBuilder().setKey("exmy.source").setValue("ResNets.resnet18"))
        .setGraph(g)
        .build();
  }

  private String conv(String x, String name, int cin, int cout, int k, int stride, int pad) {
    init(
        name + ".weight",
        normal(cout * cin * k * k, Math.sqrt(2.0 / (cin * k * k))),
        true,
        cout,
        cin,
        k,
        k);
    return node(
        "Conv",
        name,
        new String[] {x, name + ".weight"},
        ints("kernel_shape", k, k),
        ints("strides", stride, stride),
        ints("pads", pad, pad, pad, pad));
  }

  private String bn(String x, String name, int c, boolean residual) {
    float[] gamma = new float[c];
    float[] beta = new float[c];
    float[] mean = new float[c];
    float[] var = new float[c];
    for (int i = 0; i < c; i++) {
      gamma[i] = (float) (residual ? 0.2 + 0.3 * r.nextDouble() : 0.5 + 0.5 * r.nextDouble());
      beta[i] = (float) (0.1 * gaussian());
      mean[i] = (float) (0.1 * gaussian());
      var[i] = (float) (0.5 + r.nextDouble());
    }
    init(name + ".weight", gamma, true, c);
    init(name + ".bias", beta, true, c);
    init(name + ".running_mean", mean, false, c);
    init(name + ".running_var", var, false, c);
    return node(
        "BatchNormalization",
        name,
        new String[] {
          x, name + ".weight", name + ".bias", name + ".running_mean", name + ".running_var"
        },
        AttributeProto.newBuilder()
            .setName("epsilon")
            .setType(AttributeProto.AttributeType.FLOAT)
            .setF(1e-5f)
            .build());
  }

  private String relu(String x) {
    return node("Relu", "relu_" + nodes, new String[] {x});
  }

  private String node(String op, String name, String[] in, AttributeProto... attrs) {
    String out = name + "_out" + nodes++;
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
    for (String i : in) {
      n.addInput(i);
    }
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    g.addNode(n);
    return out;
  }

  private static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private double gaussian() {
    // Box-Muller from the one seeded stream (SplittableRandom has no nextGaussian in JDK 17)
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private float[] normal(int n, double sd) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (sd * gaussian());
    }
    return f;
  }

  private void init(String name, float[] v, boolean trainable, long... dims) {
    if (trainable) {
      params += v.length;
    }
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(v);
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(bb));
    for (long d : dims) {
      t.addDims(d);
    }
    g.addInitializer(t);
  }

  private static ValueInfoProto valueInfo(String name, long... dims) {
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
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)))
        .build();
  }
}
