package org.exmy.nn.qonnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.LinearSite;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.exmy.nn.quant.CarriedQuant;
import org.exmy.simulator.AccumulatorChoice;

/**
 * Runs a QONNX model "as quantized": every Conv, Gemm and MatMul whose two product inputs both come
 * from QONNX quantization nodes is summed by the MAC arithmetic of the formats those nodes denote
 * ({@link TensorQuant}), at their scales ({@link CarriedQuant}); every other node runs float32, the
 * quantization nodes included (they put the values on the formats' grids).
 *
 * <p>A weight's scale may be one value or one per output channel (a tensor whose only dimension
 * above 1 is the weight's output-channel axis: 0 for Conv, Gemm's B with transB=1 and its A; 1 for
 * Gemm's B with transB=0; the last for MatMul's right operand, the one before it for its left); an
 * activation's scale must be one value. Anything else, or a quantization node whose values have no
 * exmy format, is refused with one line naming the node.
 */
public final class QonnxQuantization {
  private QonnxQuantization() {}

  /** One mapped linear node, for reports: its name, op, and the two formats with their scales. */
  public record Mapped(String node, String op, String weight, String activation) {}

  /** The sites summed by the MAC arithmetic. */
  public static List<CarriedQuant.Site> sites(String source, QonnxTrace trace) {
    List<CarriedQuant.Site> out = new ArrayList<>();
    for (QonnxTrace.Site s : trace.sites()) {
      if (!s.bothQuantized()) {
        continue;
      }
      LinearSite site = s.site();
      String label = source + ": node '" + site.nodeName() + "' (" + site.opType() + ")";
      for (int i = 0; i < 2; i++) {
        TensorQuant q = i == 0 ? s.in0() : s.in1();
        if (q.format() == null) {
          throw new NnException(
              label
                  + ": input "
                  + i
                  + " comes from "
                  + q.op()
                  + " node '"
                  + q.node()
                  + "', which has no exmy format: "
                  + q.refusal());
        }
      }
      if (site.weightOperand() == LinearSite.Operand.NONE) {
        TensorQuant a = s.in0();
        TensorQuant b = s.in1();
        if (!a.perTensor() || !b.perTensor()) {
          throw new NnException(
              label + ": a product of two activations needs one scale per tensor");
        }
        out.add(
            new CarriedQuant.Site(
                site,
                a.format(),
                new float[] {a.scale().floats()[0]},
                b.format(),
                b.scale().floats()[0]));
        continue;
      }
      int wi = s.spec().isConst(1) ? 1 : 0;
      TensorQuant w = wi == 1 ? s.in1() : s.in0();
      TensorQuant a = wi == 1 ? s.in0() : s.in1();
      if (!a.perTensor()) {
        throw new NnException(
            label
                + ": the activation scale of "
                + a.op()
                + " node '"
                + a.node()
                + "' has shape "
                + Arrays.toString(a.scale().shape())
                + "; the cores' activation operand takes one scale per tensor");
      }
      float[] ws = weightScales(label, s, wi, w);
      out.add(new CarriedQuant.Site(site, w.format(), ws, a.format(), a.scale().floats()[0]));
    }
    return out;
  }

  /** The kernels that run {@code trace}'s quantized sites with the MAC arithmetic. */
  public static CarriedQuant kernels(
      String source, QonnxTrace trace, AccumulatorChoice acc, int lanes) {
    return new CarriedQuant(source, sites(source, trace), acc, lanes);
  }

  /** One line per mapped node: name, op, weight format and activation format. */
  public static List<Mapped> report(String source, QonnxTrace trace) {
    List<Mapped> out = new ArrayList<>();
    for (CarriedQuant.Site s : sites(source, trace)) {
      out.add(
          new Mapped(
              s.site().nodeName(), s.site().opType(), s.weight().name(), s.activation().name()));
    }
    return out;
  }

  private static float[] weightScales(String label, QonnxTrace.Site s, int wi, TensorQuant w) {
    if (w.perTensor()) {
      return new float[] {w.scale().floats()[0]};
    }
    Tensor weight = s.spec().consts()[wi];
    int[] shape = weight.shape();
    int r = shape.length;
    var attrs = s.spec().attrs();
    int axis =
        switch (s.site().opType()) {
          case "Conv" -> 0;
          case "Gemm" ->
              wi == 1 ? (attrs.i("transB", 0) == 1 ? 0 : 1) : (attrs.i("transA", 0) == 1 ? 1 : 0);
          case "MatMul" -> r == 2 ? (wi == 1 ? 1 : 0) : -1;
          default -> -1;
        };
    int[] ps = w.scale().shape();
    boolean ok = axis >= 0 && ps.length <= r;
    for (int d = 0; ok && d < ps.length; d++) {
      int wd = d + r - ps.length;
      ok = ps[d] == 1 || (wd == axis && ps[d] == shape[axis]);
    }
    if (!ok) {
      throw new NnException(
          label
              + ": the weight scale of "
              + w.op()
              + " node '"
              + w.node()
              + "' has shape "
              + Arrays.toString(ps)
              + ", not one value per output channel of the weight of shape "
              + Arrays.toString(shape));
    }
    return w.scale().floats().clone();
  }
}
