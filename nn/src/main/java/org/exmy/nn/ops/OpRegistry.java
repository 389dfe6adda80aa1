package org.exmy.nn.ops;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The operators exmy supports (default ONNX domain, opsets 6..20) and their factories. */
public final class OpRegistry {
  private static final Map<String, Function<NodeSpec, Built>> FACTORIES = new TreeMap<>();

  static {
    for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Pow"}) {
      FACTORIES.put(op, Binary::build);
    }
    for (String op :
        new String[] {
          "Relu", "Sigmoid", "Tanh", "Erf", "Sqrt", "HardSigmoid", "HardSwish", "Gelu", "Clip"
        }) {
      FACTORIES.put(op, Unary::build);
    }
    FACTORIES.put("Conv", Conv::build);
    FACTORIES.put("Gemm", Gemm::build);
    FACTORIES.put("MatMul", MatMul::build);
    FACTORIES.put("MaxPool", Pool::build);
    FACTORIES.put("AveragePool", Pool::build);
    FACTORIES.put("GlobalAveragePool", Pool::buildGlobal);
    FACTORIES.put("BatchNormalization", Norm::batchNorm);
    FACTORIES.put("LayerNormalization", Norm::layerNorm);
    FACTORIES.put("Softmax", Softmax::build);
    FACTORIES.put("ReduceMean", ReduceMean::build);
    FACTORIES.put("Identity", ReshapeOps::identity);
    FACTORIES.put("Dropout", ReshapeOps::dropout);
    FACTORIES.put("Shape", ReshapeOps::shape);
    FACTORIES.put("Reshape", ReshapeOps::reshape);
    FACTORIES.put("Flatten", ReshapeOps::flatten);
    FACTORIES.put("Squeeze", ReshapeOps::squeeze);
    FACTORIES.put("Unsqueeze", ReshapeOps::unsqueeze);
    FACTORIES.put("Transpose", ShapeOps::transpose);
    FACTORIES.put("Concat", ShapeOps::concat);
    FACTORIES.put("Gather", ShapeOps::gather);
    FACTORIES.put("Slice", ShapeOps::slice);
    FACTORIES.put("Split", ShapeOps::split);
    FACTORIES.put("Expand", ReshapeOps::expand);
    FACTORIES.put("ConstantOfShape", ReshapeOps::constantOfShape);
    FACTORIES.put("Cast", Cast::build);
    for (String op : MoreUnary.OPS) {
      FACTORIES.put(op, MoreUnary::build);
    }
    for (String op : Nary.COMPARE) {
      FACTORIES.put(op, Nary::compare);
    }
    for (String op : Nary.LOGIC) {
      FACTORIES.put(op, Nary::logic);
    }
    for (String op : Nary.VARIADIC) {
      FACTORIES.put(op, Nary::variadic);
    }
    FACTORIES.put("Where", Nary::where);
    FACTORIES.put("PRelu", Nary::prelu);
    for (String op : Reduce.REDUCE) {
      FACTORIES.put(op, Reduce::reduce);
    }
    FACTORIES.put("ArgMax", Reduce::arg);
    FACTORIES.put("ArgMin", Reduce::arg);
    FACTORIES.put("TopK", Reduce::topK);
    FACTORIES.put("CumSum", Reduce::cumSum);
    FACTORIES.put("Tile", PadTile::tile);
    FACTORIES.put("Pad", PadTile::pad);
    FACTORIES.put("Range", PadTile::range);
    FACTORIES.put("Resize", Resize::build);
    FACTORIES.put("Upsample", Resize::build);
    FACTORIES.put("InstanceNormalization", GroupNorm::instance);
    FACTORIES.put("GroupNormalization", GroupNorm::group);
    FACTORIES.put("ConvTranspose", ConvTranspose::build);
    FACTORIES.put("Einsum", Einsum::build);
    FACTORIES.put("LSTM", Recurrent::build);
    FACTORIES.put("GRU", Recurrent::build);
    FACTORIES.put("LogSoftmax", SoftmaxVariants::build);
    FACTORIES.put("Hardmax", SoftmaxVariants::build);
    FACTORIES.put("GatherElements", IndexOps::gatherElements);
    FACTORIES.put("ScatterElements", IndexOps::scatterElements);
    FACTORIES.put("Scatter", IndexOps::scatterElements);
    FACTORIES.put("GatherND", IndexOps::gatherNd);
    FACTORIES.put("ScatterND", IndexOps::scatterNd);
    FACTORIES.put("OneHot", IndexOps::oneHot);
    FACTORIES.put("Compress", IndexOps::compress);
    FACTORIES.put("NonZero", IndexOps::nonZero);
    FACTORIES.put("Trilu", TriluEye::trilu);
    FACTORIES.put("EyeLike", TriluEye::eyeLike);
    FACTORIES.put("Mod", ModShift::mod);
    FACTORIES.put("BitShift", ModShift::bitShift);
    FACTORIES.put("Size", Inspect::size);
    FACTORIES.put("IsNaN", Inspect::isNanInf);
    FACTORIES.put("IsInf", Inspect::isNanInf);
    FACTORIES.put("DepthToSpace", SpaceDepth::build);
    FACTORIES.put("SpaceToDepth", SpaceDepth::build);
    FACTORIES.put("GlobalMaxPool", LocalNorm::globalMaxPool);
    FACTORIES.put("LRN", LocalNorm::lrn);
    FACTORIES.put("MeanVarianceNormalization", LocalNorm::meanVarianceNormalization);
  }

  /** Operators that exist only from some opset on. */
  private static final Map<String, Integer> SINCE =
      Map.ofEntries(
          Map.entry("HardSwish", 14),
          Map.entry("LayerNormalization", 17),
          Map.entry("Gelu", 20),
          Map.entry("Shape", 1),
          Map.entry("Expand", 8),
          Map.entry("ConstantOfShape", 9),
          Map.entry("Erf", 9),
          Map.entry("Mish", 18),
          Map.entry("Resize", 10),
          Map.entry("Range", 11),
          Map.entry("CumSum", 11),
          Map.entry("GroupNormalization", 18),
          Map.entry("Einsum", 12),
          Map.entry("Where", 9),
          Map.entry("Sign", 9),
          Map.entry("Sin", 7),
          Map.entry("Cos", 7),
          Map.entry("Upsample", 7),
          Map.entry("GatherElements", 11),
          Map.entry("ScatterElements", 11),
          Map.entry("Scatter", 9),
          Map.entry("GatherND", 11),
          Map.entry("ScatterND", 11),
          Map.entry("OneHot", 9),
          Map.entry("Compress", 9),
          Map.entry("NonZero", 9),
          Map.entry("Trilu", 14),
          Map.entry("EyeLike", 9),
          Map.entry("Mod", 10),
          Map.entry("BitShift", 11),
          Map.entry("IsNaN", 9),
          Map.entry("IsInf", 10),
          Map.entry("Round", 11),
          Map.entry("MeanVarianceNormalization", 9),
          Map.entry("Celu", 12),
          Map.entry("ThresholdedRelu", 10),
          Map.entry("Shrink", 9),
          Map.entry("Tan", 7),
          Map.entry("Asin", 7),
          Map.entry("Acos", 7),
          Map.entry("Atan", 7),
          Map.entry("Sinh", 9),
          Map.entry("Cosh", 9),
          Map.entry("Asinh", 9),
          Map.entry("Acosh", 9),
          Map.entry("Atanh", 9));

  private OpRegistry() {}

  /** Names of the supported operators ({@code Constant} is handled by the loader). */
  public static Set<String> supported() {
    return FACTORIES.keySet();
  }

  /** Whether {@code opType} is a linear node (goes through a {@link org.exmy.nn.LinearKernel}). */
  public static boolean isLinear(String opType) {
    return switch (opType) {
      case "Conv", "Gemm", "MatMul", "ConvTranspose", "Einsum", "LSTM", "GRU" -> true;
      default -> false;
    };
  }

  /** Validates a node and builds its operator; throws {@link OpError} when unsupported. */
  public static Built build(NodeSpec n) {
    Function<NodeSpec, Built> f = FACTORIES.get(n.opType());
    if (f == null) {
      throw new OpError("unsupported operator");
    }
    Integer since = SINCE.get(n.opType());
    if (since != null && n.opset() < since) {
      throw new OpError("does not exist in opset " + n.opset() + " (from " + since + ")");
    }
    return f.apply(n);
  }
}
