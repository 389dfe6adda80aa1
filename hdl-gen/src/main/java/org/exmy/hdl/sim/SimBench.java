package org.exmy.hdl.sim;

import java.util.List;

/**
 * Throughput of the Verilator/JNI path on an 8x8 multiplier, batches of 65536 vectors.
 *
 * <p>Run: {@code java -cp hdl-gen/target/classes org.exmy.hdl.sim.SimBench [seconds]}. Prints the
 * load time (cold or cached), the rate of {@code run()} alone on a filled batch, and the end-to-end
 * rate (fill with {@code set}, {@code run}, read every output with {@code get}, check).
 */
public final class SimBench {
  static final String MUL =
      """
      module mul8 (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
        assign p = {8'd0, a} * {8'd0, b};
      endmodule
      """;

  private SimBench() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
    if (!VerilatorSim.available()) {
      System.err.println("verilator/g++ not on the PATH (apt-get install -y verilator g++)");
      System.exit(2);
    }
    List<SimPort> ports =
        List.of(new SimPort("a", true, 8), new SimPort("b", true, 8), new SimPort("p", false, 16));
    long t0 = System.nanoTime();
    try (VerilatorSim sim = VerilatorSim.load(MUL, "mul8", ports, null)) {
      double loadMs = (System.nanoTime() - t0) / 1e6;
      System.out.printf(
          "load: %.1f ms (%s)%n", loadMs, VerilatorSim.lastLoadWasCached() ? "cached" : "built");
      final int n = 65536;
      Batch b = sim.newBatch(n);
      fill(b);

      // warm-up of both paths
      for (int i = 0; i < 20; i++) {
        b.run();
        roundTrip(b);
      }

      long steps = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      do {
        for (int i = 0; i < 10; i++) b.run();
        steps += 10L * n;
      } while (System.nanoTime() < end);
      double runOnly = steps / ((System.nanoTime() - start) / 1e9);

      steps = 0;
      long check = 0;
      start = System.nanoTime();
      end = start + (long) (seconds * 1e9);
      do {
        check += roundTrip(b);
        steps += n;
      } while (System.nanoTime() < end);
      double full = steps / ((System.nanoTime() - start) / 1e9);

      System.out.printf("run() only          : %,.0f vectors/s (batches of %d)%n", runOnly, n);
      System.out.printf("set + run + get     : %,.0f vectors/s (batches of %d)%n", full, n);
      if (check != 0) throw new AssertionError(check + " mismatches");
    }
  }

  private static void fill(Batch b) {
    b.clear();
    for (int i = 0; i < 65536; i++) b.set(0, i >> 8).set(1, i & 255).endStep();
  }

  /** One full batch: fill, run, read back and compare; returns the number of wrong products. */
  private static long roundTrip(Batch b) {
    fill(b);
    b.run();
    long bad = 0;
    for (int i = 0; i < 65536; i++) {
      if (b.get(i, 0) != (long) (i >> 8) * (i & 255)) bad++;
    }
    return bad;
  }
}
