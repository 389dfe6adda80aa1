package org.exmy.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;

/**
 * ONNX Runtime (CPU, default graph optimizations) on the benchmark's inputs, for {@code exmy bench
 * --model}. ONNX Runtime is not part of exmy.jar: this class is loaded only when {@link
 * BenchCommand#ortAvailable} finds it on the class path (the {@code exmy} script adds {@code
 * cli/target/ort/*.jar}, which the cli build copies there, for the bench command only).
 */
final class OrtBench {
  private OrtBench() {}

  /** Result: images per second and the outputs of the first batch. */
  record Result(double imagesPerSecond, float[] firstOutput) {}

  /**
   * Runs {@code x} (every input by name) in batches of {@code batch} items to warm up (2 passes and
   * 1.5 s), then again until at least {@code seconds} have passed, with {@code threads} intra-op
   * threads.
   */
  static Result run(byte[] model, org.exmy.nn.Feeds x, int batch, int threads, double seconds) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        try (OrtSession s = env.createSession(model, o)) {
          int items = x.items();
          float[] first = null;
          long t0 = 0;
          long passes = -2; // two passes and 1.5 s warm up, as for exmy
          long w0 = System.nanoTime();
          java.util.List<java.util.Map<String, OnnxTensor>> batches = new java.util.ArrayList<>();
          try {
            for (int b0 = 0; b0 < items; b0 += batch) {
              java.util.Map<String, OnnxTensor> m = new java.util.LinkedHashMap<>();
              batches.add(m);
              org.exmy.nn.Feeds part = x.slice(b0, Math.min(items, b0 + batch));
              for (var e : part.tensors().entrySet()) {
                org.exmy.nn.Tensor t = e.getValue();
                long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
                m.put(
                    e.getKey(),
                    t.type() == org.exmy.nn.DType.FLOAT
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape)
                        : OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.longs()), shape));
              }
            }
            while (true) {
              if (passes == 0 && System.nanoTime() - w0 < Math.min(seconds, 1.5) * 1e9) {
                passes = -1;
              }
              if (passes == 0) {
                t0 = System.nanoTime();
              }
              for (java.util.Map<String, OnnxTensor> in : batches) {
                try (OrtSession.Result r = s.run(in)) {
                  if (first == null) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    first = new float[fb.remaining()];
                    fb.get(first);
                  }
                }
              }
              passes++;
              if (passes > 0 && System.nanoTime() - t0 >= seconds * 1e9) {
                break;
              }
            }
          } finally {
            batches.forEach(m -> m.values().forEach(OnnxTensor::close));
          }
          return new Result(passes * items / ((System.nanoTime() - t0) / 1e9), first);
        }
      }
    } catch (OrtException e) {
      throw new org.exmy.nn.NnException("ONNX Runtime refused the model: " + e.getMessage(), e);
    }
  }
}
