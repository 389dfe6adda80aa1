package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Resize (opsets 10..20) and Upsample (opset 9): modes nearest (nearest_mode round_prefer_floor,
 * round_prefer_ceil, floor, ceil) and linear (n-linear over every resized axis; Upsample's
 * "bilinear" too); coordinate_transformation_mode half_pixel, pytorch_half_pixel, align_corners,
 * asymmetric, tf_half_pixel_for_nn; scales or sizes. Coordinates are computed in float32 as ONNX
 * Runtime does; before opset 11 (Upsample, Resize-10) the mapping is asymmetric and nearest rounds
 * down when enlarging and up when shrinking. Refused: cubic, tf_crop_and_resize, antialias, axes,
 * keep_aspect_ratio_policy other than stretch.
 */
final class Resize {
  private final boolean linear;
  private final String coord;
  private final String nearest;
  private final int scalesIn;
  private final int sizesIn;

  private Resize(boolean linear, String coord, String nearest, int scalesIn, int sizesIn) {
    this.linear = linear;
    this.coord = coord;
    this.nearest = nearest;
    this.scalesIn = scalesIn;
    this.sizesIn = sizesIn;
  }

  static Built build(NodeSpec n) {
    Attrs at = n.attrs();
    boolean upsample = n.opType().equals("Upsample");
    String coord;
    String nearest;
    int scalesIn;
    int sizesIn;
    if (upsample || n.opset() < 11) {
      at.allow("mode");
      n.arity(2, 2, 1, 1);
      coord = "asymmetric";
      nearest = "simple";
      scalesIn = 1;
      sizesIn = -1;
    } else {
      if (n.opset() >= 18) {
        at.allow("coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
            "extrapolation_value", "mode", "nearest_mode", "antialias", "axes",
            "keep_aspect_ratio_policy");
      } else {
        at.allow("coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
            "extrapolation_value", "mode", "nearest_mode");
      }
      n.arity(n.opset() >= 13 ? 1 : 3, 4, 1, 1);
      coord = at.s("coordinate_transformation_mode", "half_pixel");
      nearest = at.s("nearest_mode", "round_prefer_floor");
      scalesIn = 2;
      sizesIn = 3;
      if (!coord.equals("half_pixel") && !coord.equals("pytorch_half_pixel")
          && !coord.equals("align_corners") && !coord.equals("asymmetric")
          && !coord.equals("tf_half_pixel_for_nn")) {
        throw new OpError("unsupported coordinate_transformation_mode '" + coord + "'");
      }
      if (!nearest.equals("round_prefer_floor") && !nearest.equals("round_prefer_ceil")
          && !nearest.equals("floor") && !nearest.equals("ceil")) {
        throw new OpError("unsupported nearest_mode '" + nearest + "'");
      }
      if (at.i("antialias", 0) != 0) {
        throw new OpError("unsupported antialias " + at.i("antialias", 0));
      }
      if (at.has("axes")) {
        throw new OpError("unsupported attribute 'axes'");
      }
      String policy = at.s("keep_aspect_ratio_policy", "stretch");
      if (!policy.equals("stretch")) {
        throw new OpError("unsupported keep_aspect_ratio_policy '" + policy + "'");
      }
      n.requireInt(3);
    }
    n.requireFloat(0);
    n.requireFloat(scalesIn);
    String mode = at.s("mode", "nearest");
    boolean linear;
    if (mode.equals("nearest")) {
      linear = false;
    } else if (mode.equals("linear") || (upsample && mode.equals("bilinear"))) {
      linear = true;
    } else {
      throw new OpError("unsupported mode '" + mode + "'");
    }
    Resize r = new Resize(linear, coord, nearest, scalesIn, sizesIn);
    return Built.of(r::run, DType.FLOAT);
  }

  private Tensor[] run(Tensor[] in, ExecContext cx) {
    Tensor x = in[0];
    int rank = x.rank();
    int[] xs = x.shape();
    Tensor scalesT = scalesIn < in.length ? in[scalesIn] : null;
    Tensor sizesT = sizesIn > 0 && sizesIn < in.length ? in[sizesIn] : null;
    float[] scale = new float[rank];
    int[] os = new int[rank];
    if (scalesT != null && scalesT.size() > 0) {
      if (sizesT != null && sizesT.size() > 0) {
        throw new OpError("both scales and sizes are given");
      }
      if (scalesT.size() != rank) {
        throw new OpError("scales has " + scalesT.size() + " values for rank " + rank);
      }
      for (int d = 0; d < rank; d++) {
        scale[d] = scalesT.floats()[d];
        if (!(scale[d] > 0)) {
          throw new OpError("scale " + scale[d] + " is not positive");
        }
        double o = (double) (xs[d] * scale[d]);
        if (o > Integer.MAX_VALUE) {
          throw new OpError("output dimension " + o + " is too large");
        }
        os[d] = (int) (xs[d] * scale[d]);
      }
    } else if (sizesT != null && sizesT.size() > 0) {
      if (sizesT.size() != rank) {
        throw new OpError("sizes has " + sizesT.size() + " values for rank " + rank);
      }
      int[] sz = Shapes.toInts(sizesT, "sizes");
      for (int d = 0; d < rank; d++) {
        if (sz[d] < 0) {
          throw new OpError("negative size " + sz[d]);
        }
        os[d] = sz[d];
        scale[d] = xs[d] == 0 ? 1f : (float) sz[d] / (float) xs[d];
      }
    } else {
      throw new OpError("neither scales nor sizes is given");
    }
    int n = Tensor.size(os);
    float[] xa = x.floats();
    float[] out = new float[n];
    if (n == 0) {
      return new Tensor[] {Tensor.of(out, os)};
    }
    int[] st = Shapes.strides(xs);
    // per axis and output coordinate: lower and upper source offsets and the weight of the upper
    int[][] lo = new int[rank][];
    int[][] hi = new int[rank][];
    float[][] w = new float[rank][];
    for (int d = 0; d < rank; d++) {
      lo[d] = new int[os[d]];
      hi[d] = new int[os[d]];
      w[d] = new float[os[d]];
      for (int o = 0; o < os[d]; o++) {
        float c = original(o, scale[d], xs[d], os[d]);
        if (linear) {
          float cl = Math.max(0f, Math.min(c, xs[d] - 1));
          int i0 = Math.min((int) cl, xs[d] - 1);
          int i1 = Math.min(i0 + 1, xs[d] - 1);
          lo[d][o] = i0 * st[d];
          hi[d][o] = i1 * st[d];
          w[d][o] = i0 == i1 ? 0.5f : Math.abs(cl - i0);
        } else {
          int i = nearestIndex(c, scale[d] < 1);
          i = Math.max(0, Math.min(i, xs[d] - 1));
          lo[d][o] = i * st[d];
        }
      }
    }
    int[] idx = new int[rank];
    int corners = 1 << rank;
    for (int e = 0; e < n; e++) {
      if (!linear) {
        int src = 0;
        for (int d = 0; d < rank; d++) {
          src += lo[d][idx[d]];
        }
        out[e] = xa[src];
      } else {
        float acc = 0;
        for (int m = 0; m < corners; m++) {
          int src = 0;
          float wt = 1;
          boolean skip = false;
          for (int d = 0; d < rank; d++) {
            int o = idx[d];
            boolean upper = (m >> d & 1) != 0;
            if (xs[d] == os[d] && scale[d] == 1f && upper) {
              skip = true; // an axis that is not resized contributes one point
              break;
            }
            if (xs[d] == os[d] && scale[d] == 1f) {
              src += o * st[d];
              continue;
            }
            src += upper ? hi[d][o] : lo[d][o];
            wt *= upper ? w[d][o] : 1 - w[d][o];
          }
          if (!skip) {
            acc += wt * xa[src];
          }
        }
        out[e] = acc;
      }
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < os[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return new Tensor[] {Tensor.of(out, os)};
  }

  /** The source coordinate of output coordinate {@code o} along one axis. */
  private float original(int o, float scale, int inLen, int outLen) {
    float x = o;
    return switch (coord) {
      case "half_pixel" -> (x + 0.5f) / scale - 0.5f;
      case "pytorch_half_pixel" -> outLen > 1 ? (x + 0.5f) / scale - 0.5f : 0f;
      case "align_corners" -> outLen == 1 ? 0f : x * (inLen - 1) / (outLen - 1);
      case "tf_half_pixel_for_nn" -> (x + 0.5f) / scale;
      default -> x / scale;
    };
  }

  private int nearestIndex(float c, boolean down) {
    return switch (nearest) {
      case "round_prefer_floor" ->
          c == (int) c + 0.5f ? (int) Math.floor(c) : (int) roundHalfAway(c);
      case "round_prefer_ceil" -> (int) roundHalfAway(c);
      case "floor" -> (int) Math.floor(c);
      case "ceil" -> (int) Math.ceil(c);
      default -> down ? (int) Math.ceil(c) : (int) c;
    };
  }

  private static double roundHalfAway(float c) {
    return Math.copySign(Math.floor(Math.abs((double) c) + 0.5), c);
  }
}
