package org.exmy.nn;

import static org.exmy.nn.Rand.randn;
import static org.exmy.nn.Rand.uniform;

import java.util.SplittableRandom;

/** Whole test models built programmatically (random weights, fixed seeds). */
final class TestModels {
  private TestModels() {}

  /**
   * A Fashion-MNIST-sized CNN as PyTorch exports it: [N,1,28,28] -> Conv(c1, 3x3, pad 1) -> BN ->
   * Relu -> MaxPool 2 -> Conv(c2, 3x3, pad 1) -> BN -> Relu -> MaxPool 2 -> flatten through
   * Shape/Gather/Unsqueeze/Concat/Reshape -> Gemm(10, transB=1). MACs per image: 784*9*c1 +
   * 196*9*c1*c2 + 49*c2*10.
   */
  static OnnxBuilder cnn(int opset, int c1, int c2, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    OnnxBuilder b =
        new OnnxBuilder(opset).input("x", OnnxBuilder.FLOAT, -1, 1, 28, 28).output("logits");
    b.init("w1", scaled(randn(r, c1, 1, 3, 3), 1 / 3.0));
    b.init("b1", randn(r, c1));
    b.init("w2", scaled(randn(r, c2, c1, 3, 3), 1 / Math.sqrt(9.0 * c1)));
    b.init("b2", randn(r, c2));
    for (int i = 1; i <= 2; i++) {
      int c = i == 1 ? c1 : c2;
      b.init("g" + i, uniform(r, 0.5, 1.5, c));
      b.init("be" + i, randn(r, c));
      b.init("m" + i, randn(r, c));
      b.init("v" + i, uniform(r, 0.5, 2, c));
    }
    b.init("fw", scaled(randn(r, 10, c2 * 49), 1 / Math.sqrt(c2 * 49.0)));
    b.init("fb", randn(r, 10));
    b.init("zero", Tensor.ofLongs(new long[] {0}));
    b.init("minus1", Rand.longs(-1));
    b.init("axes0", Rand.longs(0));
    String h = "x";
    for (int i = 1; i <= 2; i++) {
      b.node("Conv", new String[] {h, "w" + i, "b" + i}, "c" + i)
          .ints("pads", 1, 1, 1, 1)
          .ints("kernel_shape", 3, 3);
      b.node(
          "BatchNormalization",
          new String[] {"c" + i, "g" + i, "be" + i, "m" + i, "v" + i},
          "bn" + i);
      b.node("Relu", new String[] {"bn" + i}, "r" + i);
      b.node("MaxPool", new String[] {"r" + i}, "p" + i)
          .ints("kernel_shape", 2, 2)
          .ints("strides", 2, 2);
      h = "p" + i;
    }
    b.node("Shape", new String[] {h}, "shp");
    b.node("Gather", new String[] {"shp", "zero"}, "n0").i("axis", 0);
    if (opset >= 13) {
      b.node("Unsqueeze", new String[] {"n0", "axes0"}, "n1");
    } else {
      b.node("Unsqueeze", new String[] {"n0"}, "n1").ints("axes", 0);
    }
    b.node("Concat", new String[] {"n1", "minus1"}, "tgt").i("axis", 0);
    b.node("Reshape", new String[] {h, "tgt"}, "flat");
    b.node("Gemm", new String[] {"flat", "fw", "fb"}, "logits").i("transB", 1);
    return b;
  }

  /**
   * A pre-norm transformer block with a classifier, opset 20: x [N, 8, 16] -> LayerNorm -> QKV
   * MatMul + bias -> Split -> 2 heads (Reshape/Transpose) -> softmax(Q K^T / sqrt(8)) V -> merge ->
   * output MatMul + bias + residual -> LayerNorm -> MLP (MatMul, Gelu, MatMul) + residual ->
   * ReduceMean over tokens -> Gemm(5) -> Softmax.
   */
  static OnnxBuilder attention(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int c = 16;
    OnnxBuilder b = new OnnxBuilder(20).input("x", OnnxBuilder.FLOAT, -1, 8, c).output("probs");
    b.init("ln1g", uniform(r, 0.5, 1.5, c));
    b.init("ln1b", randn(r, c));
    b.init("wqkv", scaled(randn(r, c, 3 * c), 0.25));
    b.init("bqkv", randn(r, 3 * c));
    b.init("heads", Rand.longs(0, 0, 2, 8));
    b.init("merge", Rand.longs(0, 0, c));
    b.init("scale", Tensor.scalar((float) Math.sqrt(8)));
    b.init("wo", scaled(randn(r, c, c), 0.25));
    b.init("bo", randn(r, c));
    b.init("ln2g", uniform(r, 0.5, 1.5, c));
    b.init("ln2b", randn(r, c));
    b.init("w1", scaled(randn(r, c, 32), 0.25));
    b.init("b1", randn(r, 32));
    b.init("w2", scaled(randn(r, 32, c), 0.18));
    b.init("b2", randn(r, c));
    b.init("tok", Rand.longs(1));
    b.init("wc", scaled(randn(r, 5, c), 0.25));
    b.init("bc", randn(r, 5));
    b.node("LayerNormalization", new String[] {"x", "ln1g", "ln1b"}, "h1").i("axis", -1);
    b.node("MatMul", new String[] {"h1", "wqkv"}, "qkv0");
    b.node("Add", new String[] {"qkv0", "bqkv"}, "qkv");
    b.node("Split", new String[] {"qkv"}, "q0", "k0", "v0").i("axis", -1).i("num_outputs", 3);
    for (String t : new String[] {"q", "k", "v"}) {
      b.node("Reshape", new String[] {t + "0", "heads"}, t + "1");
      b.node("Transpose", new String[] {t + "1"}, t + "2").ints("perm", 0, 2, 1, 3);
    }
    b.node("Transpose", new String[] {"k2"}, "kt").ints("perm", 0, 1, 3, 2);
    b.node("MatMul", new String[] {"q2", "kt"}, "s0");
    b.node("Div", new String[] {"s0", "scale"}, "s1");
    b.node("Softmax", new String[] {"s1"}, "att").i("axis", -1);
    b.node("MatMul", new String[] {"att", "v2"}, "o0");
    b.node("Transpose", new String[] {"o0"}, "o1").ints("perm", 0, 2, 1, 3);
    b.node("Reshape", new String[] {"o1", "merge"}, "o2");
    b.node("MatMul", new String[] {"o2", "wo"}, "o3");
    b.node("Add", new String[] {"o3", "bo"}, "o4");
    b.node("Add", new String[] {"x", "o4"}, "res1");
    b.node("LayerNormalization", new String[] {"res1", "ln2g", "ln2b"}, "h2");
    b.node("MatMul", new String[] {"h2", "w1"}, "f0");
    b.node("Add", new String[] {"f0", "b1"}, "f1");
    b.node("Gelu", new String[] {"f1"}, "f2");
    b.node("MatMul", new String[] {"f2", "w2"}, "f3");
    b.node("Add", new String[] {"f3", "b2"}, "f4");
    b.node("Add", new String[] {"res1", "f4"}, "res2");
    b.node("ReduceMean", new String[] {"res2", "tok"}, "pool").i("keepdims", 0);
    b.node("Gemm", new String[] {"pool", "wc", "bc"}, "logits").i("transB", 1);
    b.node("Softmax", new String[] {"logits"}, "probs");
    return b;
  }

  static Tensor scaled(Tensor t, double s) {
    float[] f = t.floats();
    for (int i = 0; i < f.length; i++) {
      f[i] *= (float) s;
    }
    return t;
  }
}
