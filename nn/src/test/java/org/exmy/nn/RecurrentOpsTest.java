package org.exmy.nn;

import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.junit.jupiter.api.Test;

/** LSTM and GRU against ONNX Runtime (all outputs). */
class RecurrentOpsTest {
  private final SplittableRandom r = new SplittableRandom(43);

  private final Map<String, Tensor> feeds = new LinkedHashMap<>();

  private OpCase feed(OpCase c, String name, Tensor t) {
    feeds.put(name, t);
    return c.in(name, t);
  }

  /** Runs the case with sequence_lens (initializer "L") stored as int32, as ONNX requires. */
  private void check(OpCase c) {
    OnnxBuilder b = c.builder();
    var g = b.graph();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("L")) {
        Tensor l = org.exmy.nn.onnx.TensorDecoder.decode(g.getInitializer(i), "L");
        var t = TensorProto.newBuilder().setName("L").setDataType(6).addDims(l.size());
        for (long v : l.longs()) {
          t.addInt32Data((int) v);
        }
        g.setInitializer(i, t);
      }
    }
    Ort.check(b, feeds);
  }

  private Tensor w(int... shape) {
    return uniform(r, -0.6, 0.6, shape);
  }

  private void lstm(
      int opset,
      String dir,
      int seq,
      int batch,
      int in,
      int h,
      boolean bias,
      boolean lens,
      boolean init,
      boolean peep,
      boolean constW,
      float clip) {
    int d = dir.equals("bidirectional") ? 2 : 1;
    feeds.clear();
    OpCase c = feed(new OpCase(opset, "LSTM"), "X", randn(r, seq, batch, in));
    if (constW) {
      c.init("W", w(d, 4 * h, in)).init("R", w(d, 4 * h, h));
    } else {
      feed(feed(c, "W", w(d, 4 * h, in)), "R", w(d, 4 * h, h));
    }
    int optional = peep ? 5 : init ? 4 : lens ? 2 : bias ? 1 : 0;
    if (optional >= 1) {
      if (bias) {
        c.init("B", w(d, 8 * h));
      } else {
        c.none();
      }
    }
    if (optional >= 2) {
      if (lens) {
        long[] l = new long[batch];
        for (int b = 0; b < batch; b++) {
          l[b] = 1 + r.nextInt(seq);
        }
        l[0] = seq;
        c.init("L", Tensor.ofLongs(l, batch));
      } else {
        c.none();
      }
    }
    if (optional >= 3) {
      if (init) {
        feed(feed(c, "H0", randn(r, d, batch, h)), "C0", randn(r, d, batch, h));
      } else {
        c.none().none();
      }
    }
    if (peep) {
      c.init("P", w(d, 3 * h));
    }
    c.attrs(
            n -> {
              n.i("hidden_size", h).s("direction", dir);
              if (clip > 0) {
                n.f("clip", clip);
              }
            })
        .outputs(3);
    check(c);
  }

  private void gru(
      int opset,
      String dir,
      int seq,
      int batch,
      int in,
      int h,
      boolean bias,
      boolean lens,
      boolean init,
      int lbr,
      boolean constW) {
    int d = dir.equals("bidirectional") ? 2 : 1;
    feeds.clear();
    OpCase c = feed(new OpCase(opset, "GRU"), "X", randn(r, seq, batch, in));
    if (constW) {
      c.init("W", w(d, 3 * h, in)).init("R", w(d, 3 * h, h));
    } else {
      feed(feed(c, "W", w(d, 3 * h, in)), "R", w(d, 3 * h, h));
    }
    if (bias || lens || init) {
      if (bias) {
        c.init("B", w(d, 6 * h));
      } else {
        c.none();
      }
    }
    if (lens || init) {
      if (lens) {
        long[] l = new long[batch];
        for (int b = 0; b < batch; b++) {
          l[b] = 1 + r.nextInt(seq);
        }
        c.init("L", Tensor.ofLongs(l, batch));
      } else {
        c.none();
      }
    }
    if (init) {
      feed(c, "H0", randn(r, d, batch, h));
    }
    c.attrs(n -> n.i("hidden_size", h).s("direction", dir).i("linear_before_reset", lbr))
        .outputs(2);
    check(c);
  }

  @Test
  void lstmDirectionsAndInputs() {
    for (String dir : new String[] {"forward", "reverse", "bidirectional"}) {
      for (int opset : new int[] {9, 14}) {
        lstm(opset, dir, 5, 3, 4, 6, false, false, false, false, true, 0);
        lstm(opset, dir, 5, 3, 4, 6, true, false, false, false, true, 0);
        lstm(opset, dir, 4, 2, 3, 5, true, false, true, false, false, 0);
        lstm(opset, dir, 6, 4, 3, 5, true, true, true, false, true, 0);
        lstm(opset, dir, 3, 2, 4, 3, true, false, true, true, true, 0);
      }
      lstm(14, dir, 4, 3, 3, 4, true, false, false, false, true, 0.5f);
    }
  }

  @Test
  void gruDirectionsAndLinearBeforeReset() {
    for (String dir : new String[] {"forward", "reverse", "bidirectional"}) {
      for (int lbr = 0; lbr < 2; lbr++) {
        for (int opset : new int[] {9, 14}) {
          gru(opset, dir, 5, 3, 4, 6, false, false, false, lbr, true);
          gru(opset, dir, 5, 3, 4, 6, true, false, true, lbr, true);
          gru(opset, dir, 4, 2, 3, 5, true, false, true, lbr, false);
          gru(opset, dir, 6, 4, 3, 5, true, true, true, lbr, true);
        }
      }
    }
  }

  @Test
  void activationLists() {
    String[][] lists = {
      {"Sigmoid", "Tanh", "Tanh"},
      {"Sigmoid", "Relu", "Tanh"},
      {"Relu", "Tanh", "Relu", "Sigmoid", "Tanh", "Tanh"}
    };
    for (String[] acts : lists) {
      int d = acts.length / 3;
      int h = 3;
      feeds.clear();
      OpCase c =
          feed(new OpCase(14, "LSTM"), "X", randn(r, 4, 2, 3))
              .init("W", w(d, 4 * h, 3))
              .init("R", w(d, 4 * h, h))
              .init("B", w(d, 8 * h));
      c.attrs(
              n -> {
                n.i("hidden_size", h).s("direction", d == 2 ? "bidirectional" : "forward");
                var a =
                    org.exmy.nn.onnx.proto.Onnx.AttributeProto.newBuilder()
                        .setName("activations")
                        .setType(org.exmy.nn.onnx.proto.Onnx.AttributeProto.AttributeType.STRINGS);
                for (String s : acts) {
                  a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(s));
                }
                n.b.addAttribute(a);
              })
          .outputs(3);
      check(c);
      feeds.clear();
      String[] g =
          d == 2
              ? new String[] {acts[0], acts[1], acts[3], acts[4]}
              : new String[] {acts[0], acts[1]};
      OpCase k =
          feed(new OpCase(14, "GRU"), "X", randn(r, 4, 2, 3))
              .init("W", w(d, 3 * h, 3))
              .init("R", w(d, 3 * h, h));
      k.attrs(
              n -> {
                n.i("hidden_size", h).s("direction", d == 2 ? "bidirectional" : "forward");
                var a =
                    org.exmy.nn.onnx.proto.Onnx.AttributeProto.newBuilder()
                        .setName("activations")
                        .setType(org.exmy.nn.onnx.proto.Onnx.AttributeProto.AttributeType.STRINGS);
                for (String s : g) {
                  a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(s));
                }
                n.b.addAttribute(a);
              })
          .outputs(2);
      check(k);
    }
  }

  @Test
  void recurrentNodesHaveTwoSites() {
    OnnxBuilder b =
        new OpCase(14, "GRU")
            .in("X", randn(r, 3, 2, 4))
            .init("W", w(2, 15, 4))
            .init("R", w(2, 15, 5))
            .attrs(n -> n.i("hidden_size", 5).s("direction", "bidirectional"))
            .outputs(2)
            .builder();
    var sites = OnnxLoader.load(b.bytes(), "g.onnx").linearSites();
    assertEquals(2, sites.size());
    assertEquals(4, sites.get(0).k());
    assertEquals(5, sites.get(1).k());
    assertEquals(1, sites.get(1).index());
    assertEquals(LinearSite.Operand.A, sites.get(1).weightOperand());
    assertEquals(30, sites.get(1).weight().dim(0));
  }

  @Test
  void unsupportedAttributesAreOneLineNamingTheNode() {
    String[][] cases = {{"activations", "Elu"}, {"direction", "sideways"}};
    for (String[] c : cases) {
      OnnxBuilder b = new OnnxBuilder(14);
      b.input("X", OnnxBuilder.FLOAT, 2, 1, 3);
      b.init("W", w(1, 8, 3));
      b.init("R", w(1, 8, 2));
      b.output("Y0");
      OnnxBuilder.Node n = b.node("LSTM", new String[] {"X", "W", "R"}, "Y0").i("hidden_size", 2);
      if (c[0].equals("activations")) {
        n.b.addAttribute(
            org.exmy.nn.onnx.proto.Onnx.AttributeProto.newBuilder()
                .setName("activations")
                .setType(org.exmy.nn.onnx.proto.Onnx.AttributeProto.AttributeType.STRINGS)
                .addStrings(com.google.protobuf.ByteString.copyFromUtf8("Sigmoid"))
                .addStrings(com.google.protobuf.ByteString.copyFromUtf8("Elu"))
                .addStrings(com.google.protobuf.ByteString.copyFromUtf8("Tanh")));
      } else {
        n.s(c[0], c[1]);
      }
      NnException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              NnException.class, () -> OnnxLoader.load(b.bytes(), "m.onnx"));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains("LSTM_0") && e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}
