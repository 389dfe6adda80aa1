package org.exmy.hdl.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Verilog module verilated, compiled into a shared library and driven from Java through JNI in
 * batches: one native call runs a whole {@link Batch} of steps.
 *
 * <p>One step: apply the step's inputs and evaluate; if the model has a clock, raise it, evaluate,
 * lower it, evaluate; then sample every output. For {@code always @(posedge clk) acc <= acc + x}
 * the sampled {@code acc} already includes that step's {@code x}. State persists across batches
 * until {@link #close()}.
 *
 * <p>Builds are cached by content hash under {@link #cacheDir()}; loading the same source again
 * only loads the library.
 */
public final class VerilatorSim implements AutoCloseable {
  private static boolean shimLoaded;
  private static volatile boolean lastLoadWasCached;

  private final String top;
  private final List<SimPort> inputs;
  private final List<SimPort> outputs;
  final int inWords;
  final int outWords;
  final int[] inOffset;
  final int[] outOffset;
  private long handle;

  private VerilatorSim(String top, List<SimPort> inputs, List<SimPort> outputs, long handle) {
    this.top = top;
    this.inputs = Collections.unmodifiableList(inputs);
    this.outputs = Collections.unmodifiableList(outputs);
    this.handle = handle;
    inOffset = offsets(inputs);
    outOffset = offsets(outputs);
    inWords = inputs.stream().mapToInt(SimPort::words).sum();
    outWords = outputs.stream().mapToInt(SimPort::words).sum();
  }

  /**
   * Verilates and compiles {@code verilogSource} (or takes it from the cache) and creates a model.
   *
   * @param ports every port of the top module; the clock port must be among them (1 bit)
   * @param clockPort the clock, toggled once per step; null for a combinational module
   */
  public static VerilatorSim load(String verilogSource, String topModule, List<SimPort> ports, String clockPort) {
    if (!available()) {
      throw new SimException("verilator and g++ must be on the PATH (install: apt-get install -y verilator g++)");
    }
    List<SimPort> in = new ArrayList<>();
    List<SimPort> out = new ArrayList<>();
    boolean clockSeen = clockPort == null;
    for (SimPort p : ports) {
      if (p.name().equals(clockPort)) {
        if (!p.input() || p.width() != 1) throw new IllegalArgumentException("clock " + clockPort + " must be a 1-bit input");
        clockSeen = true;
      } else if (p.input()) {
        in.add(p);
      } else {
        out.add(p);
      }
    }
    if (!clockSeen) throw new IllegalArgumentException("clock port " + clockPort + " is not among the ports " + ports);
    boolean[] cached = new boolean[1];
    Path lib = ModelBuilder.model(verilogSource, topModule, in, out, clockPort, cached);
    loadShim();
    long h = NativeBridge.open(lib.toString());
    lastLoadWasCached = cached[0];
    return new VerilatorSim(topModule, in, out, h);
  }

  private static synchronized void loadShim() {
    if (!shimLoaded) {
      System.load(ModelBuilder.shim().toString());
      shimLoaded = true;
    }
  }

  /** True when the most recent {@link #load} found the compiled model in the cache. */
  public static boolean lastLoadWasCached() {
    return lastLoadWasCached;
  }

  /** True when verilator and g++ are on the PATH. */
  public static boolean available() {
    return Tools.onPath("verilator") && Tools.onPath("g++") && Tools.onPath("gcc");
  }

  /** {@code $EXMY_CACHE/verilator}, default {@code ~/.cache/exmy/verilator}. */
  public static Path cacheDir() {
    String env = System.getenv("EXMY_CACHE");
    Path base = env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "exmy");
    return base.resolve("verilator");
  }

  public String top() {
    return top;
  }

  /** Inputs in batch order (the clock excluded). */
  public List<SimPort> inputs() {
    return inputs;
  }

  public List<SimPort> outputs() {
    return outputs;
  }

  /** A reusable buffer of up to {@code maxSteps} steps. */
  public Batch newBatch(int maxSteps) {
    checkOpen();
    if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
    return new Batch(this, maxSteps);
  }

  void run(int[] in, int[] out, int steps) {
    checkOpen();
    if (steps > 0) NativeBridge.run(handle, in, out, steps);
  }

  int inputIndex(String name) {
    for (int i = 0; i < inputs.size(); i++) if (inputs.get(i).name().equals(name)) return i;
    throw new IllegalArgumentException(top + " has no input '" + name + "'; inputs: " + names(inputs));
  }

  int outputIndex(String name) {
    for (int i = 0; i < outputs.size(); i++) if (outputs.get(i).name().equals(name)) return i;
    throw new IllegalArgumentException(top + " has no output '" + name + "'; outputs: " + names(outputs));
  }

  private void checkOpen() {
    if (handle == 0) throw new IllegalStateException("simulation of " + top + " is closed");
  }

  @Override
  public synchronized void close() {
    if (handle != 0) {
      NativeBridge.close(handle);
      handle = 0;
    }
  }

  private static int[] offsets(List<SimPort> ps) {
    int[] o = new int[ps.size()];
    int w = 0;
    for (int i = 0; i < ps.size(); i++) {
      o[i] = w;
      w += ps.get(i).words();
    }
    return o;
  }

  private static String names(List<SimPort> ps) {
    return ps.stream().map(SimPort::name).toList().toString();
  }
}
