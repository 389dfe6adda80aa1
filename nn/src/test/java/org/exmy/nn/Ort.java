package org.exmy.nn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.exmy.nn.onnx.OnnxLoader;

/**
 * The test oracle: runs a model in ONNX Runtime (graph optimizations off) and in exmy, and compares
 * the outputs. Tolerance: {@code |ours - ort| <= 1e-4 * |ort| + 1e-5 * max(1, max|ort|)}, i.e. 1e-4
 * relative with an absolute floor of 1e-5 of the output's scale for values near zero (where
 * different but equally valid summation orders differ in the last bits of large cancelling terms).
 */
final class Ort {
  static final double REL = 1e-4;
  static final double ABS = 1e-5;

  /**
   * Largest relative error seen (for values above 1e-3 of their output's scale), for the report.
   */
  static double maxRelSeen;

  private Ort() {}

  static Map<String, Tensor> runOrt(byte[] model, Map<String, Tensor> inputs) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        o.setIntraOpNumThreads(1);
        try (OrtSession s = env.createSession(model, o)) {
          Map<String, OnnxTensor> in = new HashMap<>();
          try {
            for (var e : inputs.entrySet()) {
              Tensor t = e.getValue();
              long[] shape = new long[t.rank()];
              for (int i = 0; i < shape.length; i++) {
                shape[i] = t.dim(i);
              }
              in.put(
                  e.getKey(),
                  t.type() == DType.FLOAT
                      ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape)
                      : OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (OrtSession.Result r = s.run(in)) {
              for (Map.Entry<String, OnnxValue> e : r) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                long[] ls = t.getInfo().getShape();
                int[] shape = new int[ls.length];
                for (int i = 0; i < ls.length; i++) {
                  shape[i] = (int) ls[i];
                }
                switch (t.getInfo().type) {
                  case FLOAT -> {
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] f = new float[fb.remaining()];
                    fb.get(f);
                    out.put(e.getKey(), Tensor.of(f, shape));
                  }
                  case INT64 -> {
                    LongBuffer lb = t.getLongBuffer();
                    long[] l = new long[lb.remaining()];
                    lb.get(l);
                    out.put(e.getKey(), Tensor.ofLongs(l, shape));
                  }
                  case BFLOAT16 -> {
                    // raw little-endian bit patterns: the top half of a float32
                    java.nio.ByteBuffer bb =
                        t.getByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    float[] f = new float[bb.remaining() / 2];
                    for (int i = 0; i < f.length; i++) {
                      f[i] = Float.intBitsToFloat((bb.getShort() & 0xffff) << 16);
                    }
                    out.put(e.getKey(), Tensor.of(f, shape));
                  }
                  default -> throw new AssertionError("ORT output type " + t.getInfo().type);
                }
              }
            }
            return out;
          } finally {
            for (OnnxTensor t : in.values()) {
              t.close();
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new AssertionError("ONNX Runtime refused the test model: " + e.getMessage(), e);
    }
  }

  static Map<String, Tensor> runExmy(byte[] model, Map<String, Tensor> inputs) {
    Model m = OnnxLoader.load(model, "test.onnx");
    try (Session s = new Session(m, LinearKernels.fp32(), 1)) {
      return s.run(inputs);
    }
  }

  /** Runs both and asserts every output agrees; returns exmy's outputs. */
  static Map<String, Tensor> check(OnnxBuilder b, Map<String, Tensor> inputs) {
    byte[] bytes = b.bytes();
    Map<String, Tensor> want = runOrt(bytes, inputs);
    Map<String, Tensor> got = runExmy(bytes, inputs);
    if (want.size() != got.size()) {
      throw new AssertionError("output count: ORT " + want.keySet() + ", exmy " + got.keySet());
    }
    for (var e : want.entrySet()) {
      assertClose(e.getKey(), e.getValue(), got.get(e.getKey()));
    }
    return got;
  }

  static void assertClose(String what, Tensor want, Tensor got) {
    if (got == null) {
      throw new AssertionError(what + ": missing");
    }
    if (!java.util.Arrays.equals(want.shape(), got.shape())) {
      throw new AssertionError(
          what
              + ": shape ORT "
              + java.util.Arrays.toString(want.shape())
              + ", exmy "
              + java.util.Arrays.toString(got.shape()));
    }
    if (want.type() != got.type()) {
      throw new AssertionError(what + ": type ORT " + want.type() + ", exmy " + got.type());
    }
    if (want.type() == DType.INT64) {
      if (!java.util.Arrays.equals(want.longs(), got.longs())) {
        throw new AssertionError(
            what
                + ": ORT "
                + java.util.Arrays.toString(want.longs())
                + ", exmy "
                + java.util.Arrays.toString(got.longs()));
      }
      return;
    }
    float[] w = want.floats();
    float[] g = got.floats();
    double scale = 1;
    for (float v : w) {
      if (Float.isFinite(v)) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    for (int i = 0; i < w.length; i++) {
      if (Float.isNaN(w[i]) || Float.isInfinite(w[i])) {
        if (Float.compare(w[i], g[i]) != 0 && !(Float.isNaN(w[i]) && Float.isNaN(g[i]))) {
          throw new AssertionError(what + "[" + i + "]: ORT " + w[i] + ", exmy " + g[i]);
        }
        continue;
      }
      double err = Math.abs((double) w[i] - g[i]);
      if (!(err <= REL * Math.abs(w[i]) + ABS * scale)) {
        throw new AssertionError(what + "[" + i + "]: ORT " + w[i] + ", exmy " + g[i]);
      }
      if (Math.abs(w[i]) > 1e-3 * scale) {
        synchronized (Ort.class) {
          maxRelSeen = Math.max(maxRelSeen, err / Math.abs(w[i]));
        }
      }
    }
  }

  static Map<String, Tensor> in(Object... kv) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Tensor) kv[i + 1]);
    }
    return m;
  }

  static long[] dims(Tensor t) {
    long[] d = new long[t.rank()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.dim(i);
    }
    return d;
  }
}
