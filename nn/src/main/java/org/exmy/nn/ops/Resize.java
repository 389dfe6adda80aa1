package org.exmy.nn.ops;

import org.exmy.nn.DType;
import org.exmy.nn.Tensor;

/**
 * Resize (opsets 10..20) and Upsample (opset 9): modes nearest (nearest_mode round_prefer_floor,
 * round_prefer_ceil, floor, ceil) and linear (n-linear over every resized axis; Upsample's
 * "bilinear" too); coordinate_transformation_mode half_pixel, pytorch_half_pixel, align_corners,
 * asymmetric, tf_half_pixel_for_nn; scales or sizes. Coordinates are computed in float32 as ONNX
 * Runtime does; before opset 11 (Upsample, Resize-10) the mapping is asymmetric and nearest rounds
 * down when enlarging and up when shrinking. Mode cubic (opset 11 on): Keys' cubic convolution with
 * cubic_coeff_a and exclude_outside, edge values repeated. Refused: tf_crop_and_resize, antialias,
 * axes, keep_aspect_ratio_policy other than stretch.
 */
final class Resize {
  private enum Mode {
    NEAREST,
    LINEAR,
    CUBIC
  }

  private final Mode mode;
  private final float cubicA;
  private final boolean excludeOutside;
  private final String coord;
  private final String nearest;
  private final int scalesIn;
  private final int sizesIn;

  private Resize(
      Mode mode,
      float cubicA,
      boolean excludeOutside,
      String coord,
      String nearest,
      int scalesIn,
      int sizesIn) {
    this.mode = mode;
    this.cubicA = cubicA;
    this.excludeOutside = excludeOutside;
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
        at.allow(
            "coordinate_transformation_mode",
            "cubic_coeff_a",
            "exclude_outside",
            "extrapolation_value",
            "mode",
            "nearest_mode",
            "antialias",
            "axes",
            "keep_aspect_ratio_policy");
      } else {
        at.allow(
            "coordinate_transformation_mode",
            "cubic_coeff_a",
            "exclude_outside",
            "extrapolation_value",
            "mode",
            "nearest_mode");
      }
      n.arity(n.opset() >= 13 ? 1 : 3, 4, 1, 1);
      coord = at.s("coordinate_transformation_mode", "half_pixel");
      nearest = at.s("nearest_mode", "round_prefer_floor");
      scalesIn = 2;
      sizesIn = 3;
      if (!coord.equals("half_pixel")
          && !coord.equals("pytorch_half_pixel")
          && !coord.equals("align_corners")
          && !coord.equals("asymmetric")
          && !coord.equals("tf_half_pixel_for_nn")) {
        throw new OpError("unsupported coordinate_transformation_mode '" + coord + "'");
      }
      if (!nearest.equals("round_prefer_floor")
          && !nearest.equals("round_prefer_ceil")
          && !nearest.equals("floor")
          && !nearest.equals("ceil")) {
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
    Mode m;
    if (mode.equals("nearest")) {
      m = Mode.NEAREST;
    } else if (mode.equals("linear") || (upsample && mode.equals("bilinear"))) {
      m = Mode.LINEAR;
    } else if (mode.equals("cubic") && !upsample && n.opset() >= 11) {
      m = Mode.CUBIC;
    } else {
      throw new OpError("unsupported mode '" + mode + "'");
    }
    float a = upsample || n.opset() < 11 ? -0.75f : at.f("cubic_coeff_a", -0.75f);
    boolean exclude = !upsample && n.opset() >= 11 && at.i("exclude_outside", 0) != 0;
    Resize r = new Resize(m, a, exclude, coord, nearest, scalesIn, sizesIn);
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
    // per axis and output coordinate: the source offsets (taps) and their weights; an axis that is
    // not resized has one tap of weight 1
    int[][][] tapOff = new int[rank][][];
    float[][][] tapW = new float[rank][][];
    int[] taps = new int[rank];
    for (int d = 0; d < rank; d++) {
      boolean same = xs[d] == os[d] && scale[d] == 1f;
      taps[d] = same || mode == Mode.NEAREST ? 1 : mode == Mode.LINEAR ? 2 : 4;
      tapOff[d] = new int[os[d]][taps[d]];
      tapW[d] = new float[os[d]][taps[d]];
      for (int o = 0; o < os[d]; o++) {
        int[] off = tapOff[d][o];
        float[] wt = tapW[d][o];
        if (same) {
          off[0] = o * st[d];
          wt[0] = 1;
          continue;
        }
        float c = original(o, scale[d], xs[d], os[d]);
        switch (mode) {
          case NEAREST -> {
            int i = nearestIndex(c, scale[d] < 1);
            off[0] = Math.max(0, Math.min(i, xs[d] - 1)) * st[d];
            wt[0] = 1;
          }
          case LINEAR -> {
            float cl = Math.max(0f, Math.min(c, xs[d] - 1));
            int i0 = Math.min((int) cl, xs[d] - 1);
            int i1 = Math.min(i0 + 1, xs[d] - 1);
            float w = i0 == i1 ? 0.5f : Math.abs(cl - i0);
            off[0] = i0 * st[d];
            off[1] = i1 * st[d];
            wt[0] = 1 - w;
            wt[1] = w;
          }
          default -> cubicTaps(c, xs[d], st[d], off, wt);
        }
      }
    }
    int[] idx = new int[rank];
    int[] tap = new int[rank];
    for (int e = 0; e < n; e++) {
      // every combination of one tap per axis, axis 0's tap varying fastest
      float acc = 0;
      java.util.Arrays.fill(tap, 0);
      while (true) {
        int src = 0;
        float wt = 1;
        for (int d = 0; d < rank; d++) {
          src += tapOff[d][idx[d]][tap[d]];
          wt *= tapW[d][idx[d]][tap[d]];
        }
        acc = mode == Mode.NEAREST ? xa[src] : acc + wt * xa[src];
        int d = 0;
        while (d < rank && ++tap[d] == taps[d]) {
          tap[d] = 0;
          d++;
        }
        if (d == rank) {
          break;
        }
      }
      out[e] = acc;
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < os[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return new Tensor[] {Tensor.of(out, os)};
  }

  /**
   * The four taps of cubic convolution at source coordinate {@code c} (Keys' kernel with
   * coefficient {@code cubicA}): source indices floor(c)-1 .. floor(c)+2, clamped to the axis (edge
   * values repeat); with exclude_outside, taps outside the axis get weight 0 and the others are
   * renormalized to sum to 1.
   */
  private void cubicTaps(float c, int len, int stride, int[] off, float[] wt) {
    int i = (int) Math.floor(c);
    float t = c - i;
    float a = cubicA;
    float[] x = {t + 1, t, 1 - t, 2 - t};
    float sum = 0;
    for (int j = 0; j < 4; j++) {
      float d = x[j];
      float w =
          j == 1 || j == 2
              ? ((a + 2) * d - (a + 3)) * d * d + 1
              : ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
      int src = i - 1 + j;
      if (excludeOutside && (src < 0 || src >= len)) {
        w = 0;
      }
      wt[j] = w;
      sum += w;
      off[j] = Math.max(0, Math.min(src, len - 1)) * stride;
    }
    if (excludeOutside && sum != 0) {
      for (int j = 0; j < 4; j++) {
        wt[j] /= sum;
      }
    }
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
