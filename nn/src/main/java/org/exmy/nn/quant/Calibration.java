package org.exmy.nn.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.SequentialFp32Kernel;
import org.exmy.nn.Session;
import org.exmy.nn.Tensor;

/**
 * What the float32 forward pass over the calibration images shows of each linear node: the
 * activation tensors entering it (for their ranges) and the mean of each row of its activation
 * operand (for bias correction). Observed through the engine's linear hook, so the values are
 * exactly those the node sees. For GPTQ and learned rounding also the Hessian sums {@code 2 x x^T}
 * of each weight node's reduction-axis vectors, and for SmoothQuant their max |x| per reduction
 * index (all of the float32 activations).
 */
public final class Calibration {
  /** Observations of one activation operand (A or B) of one linear node. */
  static final class Operand {
    float absmax;

    /** Every observed value, kept only when the range method needs them. */
    float[] values = new float[0];

    int count;

    /** The least and largest value seen, with 0 (for zero points). */
    float lo;

    float hi;

    synchronized void observe(float[] x, boolean keep) {
      float m = absmax;
      float l = lo;
      float h = hi;
      for (float v : x) {
        float a = Math.abs(v);
        if (a > m) {
          m = a;
        }
        l = Math.min(l, v);
        h = Math.max(h, v);
      }
      absmax = m;
      lo = l;
      hi = h;
      if (keep) {
        if (count + x.length > values.length) {
          values = Arrays.copyOf(values, Math.max(count + x.length, 2 * values.length));
        }
        System.arraycopy(x, 0, values, count, x.length);
        count += x.length;
      }
    }

    float[] values() {
      return Arrays.copyOf(values, count);
    }
  }

  /** Observations of one linear node. */
  static final class Site {
    final LinearSite site;
    final Operand a = new Operand();
    final Operand b = new Operand();

    /** Sum over the calibration products of each reduction row of the activation operand. */
    double[] rowSums = new double[0];

    long rowCount;

    Site(LinearSite site) {
      this.site = site;
    }

    /**
     * GPTQ: per weight block (key: the first weight row of the call for a weight operand A, the
     * matrix index for B), the sum over the calibration products of x x^T of the activation vectors
     * along the reduction axis ({@code k x k}, row-major), and that block's rows.
     */
    final java.util.Map<Integer, double[]> hessians = new java.util.TreeMap<>();

    final java.util.Map<Integer, Integer> hessianRows = new java.util.TreeMap<>();

    /**
     * SmoothQuant: max |x| of the activation operand per reduction index k (null when not
     * recorded).
     */
    float[] kAbsmax;

    synchronized void addKAbsmax(float[] m) {
      if (kAbsmax == null) {
        kAbsmax = m;
        return;
      }
      for (int i = 0; i < m.length; i++) {
        kAbsmax[i] = Math.max(kAbsmax[i], m[i]);
      }
    }

    synchronized void addHessian(int key, int rows, double[] xxt) {
      double[] h = hessians.get(key);
      if (h == null) {
        hessians.put(key, xxt);
        hessianRows.put(key, rows);
        return;
      }
      for (int i = 0; i < h.length; i++) {
        h[i] += xxt[i];
      }
    }

    Operand operand(LinearSite.Operand op) {
      return op == LinearSite.Operand.A ? a : b;
    }

    /**
     * Mean of the activation feeding reduction index k, over every product of the calibration run.
     */
    double mean(int k) {
      return rowCount == 0 || k >= rowSums.length ? 0 : rowSums[k] / rowCount;
    }

    synchronized void addRows(double[] sums, long count) {
      if (rowSums.length < sums.length) {
        rowSums = Arrays.copyOf(rowSums, sums.length);
      }
      for (int i = 0; i < sums.length; i++) {
        rowSums[i] += sums[i];
      }
      rowCount += count;
    }
  }

  private final List<Site> sites;
  private final int images;

  private Calibration(List<Site> sites, int images) {
    this.sites = sites;
    this.images = images;
  }

  /**
   * Runs the float32 model over {@code images} and records what each linear node sees.
   *
   * @param keepValues keep every activation value (for percentile and MSE ranges)
   * @param rowMeans record the activation operand's row means (for bias correction)
   */
  public static Calibration run(
      Model model, Tensor images, boolean keepValues, boolean rowMeans, int threads) {
    return run(
        model,
        org.exmy.nn.Feeds.of(model.source(), model.inputs().get(0).name(), images),
        keepValues,
        rowMeans,
        threads);
  }

  /** Like {@link #run(Model, Tensor, boolean, boolean, int)} for a model of any inputs. */
  public static Calibration run(
      Model model, org.exmy.nn.Feeds images, boolean keepValues, boolean rowMeans, int threads) {
    return run(model, images, keepValues, rowMeans, false, false, threads);
  }

  /**
   * Like {@link #run(Model, org.exmy.nn.Feeds, boolean, boolean, int)}, with {@code hessians}: the
   * GPTQ Hessian sums of each Conv, Gemm and MatMul weight node (of the float32 activations), and
   * with {@code kMax} their activations' max |x| per reduction index (for SmoothQuant).
   */
  static Calibration run(
      Model model,
      org.exmy.nn.Feeds images,
      boolean keepValues,
      boolean rowMeans,
      boolean hessians,
      boolean kMax,
      int threads) {
    List<Site> sites = new ArrayList<>();
    for (LinearSite s : model.linearSites()) {
      sites.add(new Site(s));
    }
    LinearKernels observe =
        site ->
            new Observer(
                sites.get(site.index()),
                keepValues,
                rowMeans,
                hessians && gptqSite(site),
                kMax && gptqSite(site));
    try (Session session = new Session(model, observe, threads)) {
      session.runAll(images, Session.DEFAULT_CHUNK, null);
    }
    return new Calibration(sites, images.items());
  }

  /** Number of calibration images. */
  public int images() {
    return images;
  }

  Site site(int index) {
    return sites.get(index);
  }

  /** The float32 product, observing the activations on the way. */
  private static final class Observer implements LinearKernel {
    private final Site site;
    private final boolean keep;
    private final boolean rowMeans;

    private final boolean hessian;
    private final boolean kMax;

    Observer(Site site, boolean keep, boolean rowMeans, boolean hessian, boolean kMax) {
      this.site = site;
      this.keep = keep;
      this.rowMeans = rowMeans;
      this.hessian = hessian;
      this.kMax = kMax;
    }

    @Override
    public float[] activations(LinearSite.Operand operand, float[] x) {
      site.operand(operand).observe(x, keep);
      return x;
    }

    @Override
    public void multiply(
        float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
      SequentialFp32Kernel.INSTANCE.multiply(a, aOff, b, bOff, c, cOff, m, k, n);
      if (hessian) {
        hessian(a, aOff, b, bOff, m, k, n);
      }
      if (kMax) {
        float[] mx = new float[k];
        boolean wa = site.site.weightOperand() == LinearSite.Operand.A;
        int count = wa ? n : m;
        for (int s = 0; s < count; s++) {
          for (int t = 0; t < k; t++) {
            float v = Math.abs(wa ? b[bOff + t * n + s] : a[aOff + s * k + t]);
            if (v > mx[t]) {
              mx[t] = v;
            }
          }
        }
        site.addKAbsmax(mx);
      }
      if (!rowMeans) {
        return;
      }
      double[] sums = new double[k];
      if (site.site.weightOperand() == LinearSite.Operand.A) {
        // activation operand B [k][n]: sum each row over the n columns
        for (int j = 0; j < k; j++) {
          double s = 0;
          for (int col = 0; col < n; col++) {
            s += b[bOff + j * n + col];
          }
          sums[j] = s;
        }
        site.addRows(sums, n);
      } else if (site.site.weightOperand() == LinearSite.Operand.B) {
        // activation operand A [m][k]: sum each column over the m rows
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < k; j++) {
            sums[j] += a[aOff + i * k + j];
          }
        }
        site.addRows(sums, m);
      }
    }

    /** This call's 2 x x^T (lower triangle summed, then mirrored), added to its block's sum. */
    private void hessian(float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
      double[] h = new double[k * k];
      int key;
      int rows;
      if (site.site.weightOperand() == LinearSite.Operand.A) {
        accumulate(h, b, bOff, k, n, true);
        key = aOff / k;
        rows = m;
      } else {
        accumulate(h, a, aOff, k, m, false);
        key = bOff / (k * n);
        rows = n;
      }
      for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
          h[i * k + j] *= 2;
          h[j * k + i] = h[i * k + j];
        }
      }
      site.addHessian(key, rows, h);
    }
  }

  /**
   * True for the nodes GPTQ and SmoothQuant apply to: Conv, Gemm and MatMul with a constant weight.
   */
  static boolean gptqSite(LinearSite s) {
    return s.weightOperand() != LinearSite.Operand.NONE
        && (s.opType().equals("Conv") || s.opType().equals("Gemm") || s.opType().equals("MatMul"));
  }

  /**
   * The calibration outputs' x x^T, over the columns of B [k][n] (weight A) or the rows of A [m][k]
   * (weight B), in double.
   */
  private static void accumulate(
      double[] h, float[] x, int off, int k, int count, boolean columns) {
    double[] v = new double[k];
    for (int s = 0; s < count; s++) {
      for (int i = 0; i < k; i++) {
        v[i] = columns ? x[off + i * count + s] : x[off + s * k + i];
      }
      for (int i = 0; i < k; i++) {
        double vi = v[i];
        if (vi == 0) {
          continue;
        }
        int row = i * k;
        for (int j = 0; j <= i; j++) {
          h[row + j] += vi * v[j];
        }
      }
    }
  }

  /**
   * The calibrated range of an activation operand: its absmax, the {@code percentile}-th percentile
   * of |x| (nearest rank: the value at rank ceil(p/100 * N) of |x| in ascending order), or the
   * clipping value c_j = fl32(absmax * j / 100), j = 1..100, whose quantize-dequantize squared
   * error over the observed values is least (ties to the larger c).
   */
  static float range(Operand o, QuantOptions opt, FormatQuantizer q) {
    switch (opt.calibration()) {
      case ABSMAX:
        return o.absmax;
      case PERCENTILE:
        {
          float[] v = o.values();
          if (v.length == 0) {
            return 0f;
          }
          for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
          }
          Arrays.sort(v);
          int rank = (int) Math.ceil(opt.percentile() / 100.0 * v.length);
          return v[Math.max(1, Math.min(v.length, rank)) - 1];
        }
      default:
        {
          float[] v = o.values();
          float best = o.absmax;
          double bestErr = Double.POSITIVE_INFINITY;
          for (int j = 100; j >= 1; j--) {
            float clip = (float) ((double) o.absmax * j / 100);
            float s = q.scale(clip, opt.pow2Scales());
            double err = 0;
            for (float x : v) {
              double d = x - q.dequantized(x, s);
              err += d * d;
            }
            if (err < bestErr) {
              bestErr = err;
              best = clip;
            }
          }
          return best;
        }
    }
  }
}
