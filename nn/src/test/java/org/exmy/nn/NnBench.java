package org.exmy.nn;

import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;

/**
 * Scratch throughput benchmark (not a test): FP32 images/s of the engine on a ~1M-MAC CNN ({@link
 * TestModels#cnn} with 16 and 32 channels: 1,031,744 MACs per image) over 10,000 random 28x28
 * images. Arguments: [threads] [images].
 */
public final class NnBench {
  private NnBench() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Model m = OnnxLoader.load(TestModels.cnn(13, 16, 32, 1).bytes(), "cnn-1m.onnx");
    Tensor x = Rand.uniform(new SplittableRandom(1), 0, 1, n, 1, 28, 28);
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (Session s = new Session(m, LinearKernels.fp32(), threads)) {
      for (int rep = 0; rep < 3; rep++) {
        long cpu0 = os.getProcessCpuTime();
        double ips = s.imagesPerSecond(x, 2000);
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        // CPU seconds include the warm-up pass (2000 images): per-image CPU cost over n + 2000
        double cpuPerImage = cpu / (n + Math.min(2000, n));
        System.out.printf(
            "threads %d: %.0f images/s wall (%.2f s for %d images, %.2f GMAC/s); CPU %.3f ms per"
                + " image, i.e. %.0f images/s on %d dedicated cores%n",
            threads,
            ips,
            n / ips,
            n,
            ips * 1_031_744 / 1e9,
            cpuPerImage * 1e3,
            threads / cpuPerImage,
            threads);
      }
    }
  }
}
