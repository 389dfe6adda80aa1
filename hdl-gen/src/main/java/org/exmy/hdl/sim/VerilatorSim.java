package org.exmy.hdl.sim;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Verilog module verilated, compiled into a shared library and driven from Java through JNI in
 * batches: one native call runs a whole {@link Batch} of steps.
 *
 * <h2>Step semantics</h2>
 *
 * One step: apply the step's inputs; {@code eval()}; if the model has a clock: clock = 1, {@code
 * eval()}, clock = 0, {@code eval()}; then sample every output. So for {@code always @(posedge clk)
 * acc <= acc + x} the {@code acc} sampled after a step already includes that step's {@code x}. A
 * combinational model (no clock) is just apply, eval, sample. The clock is 0 between steps and is
 * not an input of the batch. Inputs never set are 0; an input not set in a step keeps its value of
 * the previous step (also across {@link Batch#clear()}). Model state (registers) persists across
 * batches and runs until {@link #close()}; registers start at 0 (Verilator's {@code --x-initial
 * fast}), but designs should be reset explicitly. Ports of the module that are not in the port list
 * are left at 0 (inputs) or ignored (outputs).
 *
 * <h2>Building and caching</h2>
 *
 * {@link #load} runs {@code verilator --cc} and {@code g++} once per distinct (source, top, ports,
 * clock, wrapper, toolchain, flags) and caches the library under {@link #cacheDir()}; loading the
 * same source again (in any JVM) only loads the library. Concurrent builds of the same model, from
 * threads or JVMs, are serialised with a lock file and renamed into place atomically. The cache is
 * capped ({@link ModelCache}: least recently used models go first); an open model is never evicted.
 * Every loaded model is its own {@code dlopen(RTLD_LOCAL)}ed library with a private copy of the
 * Verilator runtime, so any number of different models can live in one JVM.
 *
 * <h2>Errors</h2>
 *
 * Tool failures (syntax errors, missing tools, compile errors) and a port list that does not match
 * the module throw {@link SimException} with the tool's own messages. A {@code $stop}, {@code
 * $fatal} or Verilator runtime error during a run throws {@link SimException} from {@link
 * Batch#run()} instead of aborting the JVM ({@code $finish} is ignored).
 *
 * <p>Instances are not thread-safe: use one model per thread (different instances may run in
 * parallel).
 */
public final class VerilatorSim implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static boolean shimLoaded;
  private static volatile boolean lastLoadWasCached;

  private final String top;
  private final List<SimPort> inputs;
  private final List<SimPort> outputs;
  private final Path library;
  final int inWords;
  final int outWords;
  final int[] inOffset;
  final int[] outOffset;
  private final Native model;
  private final Cleaner.Cleanable cleanable;

  /** The native model; destroyed by {@link #close()} or, if forgotten, once unreachable. */
  private static final class Native implements Runnable {
    private long handle;
    private final CacheLocks.Use use;

    Native(long handle, CacheLocks.Use use) {
      this.handle = handle;
      this.use = use;
    }

    @Override
    public synchronized void run() {
      if (handle != 0) {
        long h = handle;
        handle = 0;
        NativeBridge.close(h);
        use.close(); // the cache may evict the model now
      }
    }
  }

  private VerilatorSim(
      String top,
      List<SimPort> inputs,
      List<SimPort> outputs,
      Path library,
      long handle,
      CacheLocks.Use use) {
    this.top = top;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.library = library;
    this.model = new Native(handle, use);
    this.cleanable = CLEANER.register(this, model);
    inOffset = offsets(inputs);
    outOffset = offsets(outputs);
    inWords = inputs.stream().mapToInt(SimPort::words).sum();
    outWords = outputs.stream().mapToInt(SimPort::words).sum();
  }

  /**
   * Verilates and compiles {@code verilogSource} (or takes it from the cache) and creates a model.
   *
   * @param verilogSource Verilog source text defining {@code topModule} (and what it instantiates)
   * @param topModule the module to simulate
   * @param ports the ports to drive and sample, in the order that defines {@link #inputs()} and
   *     {@link #outputs()}; names, directions and widths are checked against the module
   * @param clockPort the clock (a 1-bit input among {@code ports}), toggled once per step; null for
   *     a combinational module
   * @throws SimException if the tools are missing or fail, or the ports do not match the module
   */
  public static VerilatorSim load(
      String verilogSource, String topModule, List<SimPort> ports, String clockPort) {
    Objects.requireNonNull(verilogSource, "verilogSource");
    Objects.requireNonNull(ports, "ports");
    if (topModule == null || !topModule.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("illegal top module name '" + topModule + "'");
    }
    List<SimPort> in = new ArrayList<>();
    List<SimPort> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean clockSeen = clockPort == null;
    for (SimPort p : ports) {
      if (!names.add(p.name()))
        throw new IllegalArgumentException("port " + p.name() + " is listed twice");
      if (p.name().equals(clockPort)) {
        if (!p.input() || p.width() != 1) {
          throw new IllegalArgumentException(
              "clock " + clockPort + " must be a 1-bit input, got " + p);
        }
        clockSeen = true;
      } else if (p.input()) {
        in.add(p);
      } else {
        out.add(p);
      }
    }
    if (!clockSeen) {
      throw new IllegalArgumentException(
          "clock port " + clockPort + " is not among the ports " + names(ports));
    }
    if (!available()) {
      throw new SimException(
          "the Verilator backend needs verilator, g++ and gcc on the PATH"
              + " (missing: "
              + missingTools()
              + "); install them with: apt-get install -y verilator g++");
    }
    ModelCache.maxBytes(); // a bad EXMY_CACHE_MAX fails before any work
    ModelBuilder.Model model =
        ModelBuilder.model(verilogSource, topModule, in, out, clockPort, List.copyOf(ports));
    long h;
    try {
      loadShim();
      h = NativeBridge.open(model.library().toString());
    } catch (RuntimeException | Error e) {
      model.use().close();
      throw e;
    }
    lastLoadWasCached = model.cached();
    return new VerilatorSim(topModule, in, out, model.library(), h, model.use());
  }

  private static synchronized void loadShim() {
    if (!shimLoaded) {
      Path shim = ModelBuilder.shim();
      try {
        System.load(shim.toString());
      } catch (UnsatisfiedLinkError e) {
        throw new SimException("cannot load the JNI shim " + shim + ": " + e.getMessage(), e);
      }
      shimLoaded = true;
    }
  }

  /**
   * True when the most recent {@link #load} (by any thread) found the compiled model in the cache,
   * false when it verilated and compiled it.
   */
  public static boolean lastLoadWasCached() {
    return lastLoadWasCached;
  }

  /** Number of models this JVM has verilated and compiled so far (cache misses). */
  public static int buildCount() {
    return ModelBuilder.builds();
  }

  /** True when verilator, g++ and gcc are on the PATH. */
  public static boolean available() {
    return missingTools().isEmpty();
  }

  private static String missingTools() {
    List<String> missing = new ArrayList<>();
    for (String t : List.of("verilator", "g++", "gcc")) if (Tools.onPath(t) == null) missing.add(t);
    return String.join(", ", missing);
  }

  /**
   * {@code $EXMY_CACHE/verilator}, by default {@code ~/.cache/exmy/verilator}: see {@link
   * ModelCache}.
   */
  public static Path cacheDir() {
    return ModelCache.dir();
  }

  public String top() {
    return top;
  }

  /** The compiled model library (in the cache). */
  public Path library() {
    return library;
  }

  /** Inputs in batch order (the clock excluded). */
  public List<SimPort> inputs() {
    return inputs;
  }

  /** Outputs in batch order. */
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
    synchronized (model) {
      checkOpen();
      if (steps > 0) NativeBridge.run(model.handle, in, out, steps);
    }
  }

  /**
   * Index of input {@code name} in {@link #inputs()}, for the fast {@link Batch#set(int, long)}.
   */
  public int inputIndex(String name) {
    for (int i = 0; i < inputs.size(); i++) if (inputs.get(i).name().equals(name)) return i;
    throw new IllegalArgumentException(
        top + " has no input '" + name + "'; its inputs: " + names(inputs));
  }

  /**
   * Index of output {@code name} in {@link #outputs()}, for the fast {@link Batch#get(int, int)}.
   */
  public int outputIndex(String name) {
    for (int i = 0; i < outputs.size(); i++) if (outputs.get(i).name().equals(name)) return i;
    throw new IllegalArgumentException(
        top + " has no output '" + name + "'; its outputs: " + names(outputs));
  }

  void checkOpen() {
    synchronized (model) {
      if (model.handle == 0)
        throw new IllegalStateException("the simulation of " + top + " is closed");
    }
  }

  /**
   * Destroys the model and frees its memory; further use throws IllegalStateException. Idempotent.
   */
  @Override
  public void close() {
    cleanable.clean();
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
