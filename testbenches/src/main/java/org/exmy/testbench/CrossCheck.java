package org.exmy.testbench;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.exmy.hdl.sim.SimException;
import org.exmy.mac.MacCore;
import org.exmy.simulator.ProductTable;

/**
 * Proves a generated core against its model: the same stimulus ({@link Stimulus}) goes to the core
 * in Verilator ({@link Driver}) and to {@link org.exmy.simulator.MacModel} ({@link Scoreboard}),
 * block by block, and every output is compared after every cycle, aligned by the core's latency.
 * The model of a block runs while Verilator runs it (two threads).
 */
public final class CrossCheck implements AutoCloseable {
  /** Steps per JNI call. */
  public static final int BATCH = 1 << 16;
  /** The wrap-around run adds the largest product this many times at most (a few tenths of a second). */
  public static final long MAX_WRAP_STEPS = 1L << 22;

  /** Outcome of one check. */
  public record Report(String module, String kind, long vectors, long mismatches, List<String> examples,
      double seconds) {
    public boolean passed() {
      return mismatches == 0 && vectors > 0;
    }

    public double vectorsPerSecond() {
      return seconds > 0 ? vectors / seconds : 0;
    }

    @Override
    public String toString() {
      return String.format("%s %s: %d vectors, %d mismatches, %.2f s (%.0f vectors/s)%s", module, kind,
          vectors, mismatches, seconds, vectorsPerSecond(),
          examples.isEmpty() ? "" : "\n  " + String.join("\n  ", examples));
    }
  }

  private final MacCore core;
  private final Driver driver;
  private final Scoreboard board;
  private final StepBlock[] blocks;
  private final ExecutorService jni;
  private LongConsumer progress = done -> { };

  /** Verilates (or loads from the cache) the core. */
  public CrossCheck(MacCore core) {
    this(core, core.verilog());
  }

  /**
   * Checks {@code verilog} (which must define the core's module with the core's ports) against the
   * core's model: used to show that a tampered core is caught.
   */
  public CrossCheck(MacCore core, String verilog) {
    this.core = core;
    this.driver = new Driver(core, verilog, BATCH);
    this.board = new Scoreboard(core, BATCH);
    this.blocks = new StepBlock[] {new StepBlock(BATCH, core.lanes()), new StepBlock(BATCH, core.lanes())};
    this.jni = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "exmy-verilator");
      t.setDaemon(true);
      return t;
    });
  }

  /** Called after every block with the number of steps checked so far in the current check. */
  public CrossCheck onProgress(LongConsumer listener) {
    this.progress = listener;
    return this;
  }

  /** Every operand pair in every lane, one step each, each step clearing the sum. */
  public Report exhaustivePairs() {
    return run("exhaustive pairs", Stimulus.exhaustivePairs(core));
  }

  /**
   * Random accumulation sequences (see {@link Stimulus#randomSequences}), then {@link #wrapAround()}
   * folded into the same report.
   */
  public Report randomSequences(long seed, int sequences, int maxLen) {
    Report r = run("random sequences (seed " + seed + ")", Stimulus.randomSequences(core, seed, sequences, maxLen));
    Report w = wrapAround();
    List<String> ex = new java.util.ArrayList<>(r.examples());
    ex.addAll(w.examples());
    return new Report(r.module(), r.kind() + " + wrap-around", r.vectors() + w.vectors(),
        r.mismatches() + w.mismatches(), List.copyOf(ex), r.seconds() + w.seconds());
  }

  /**
   * The largest-magnitude product added {@code 2 * terms / lanes + 3} times (at most {@link
   * #MAX_WRAP_STEPS}): the exact register must wrap the same way in the model and the core.
   */
  public Report wrapAround() {
    int[] big = largestProductCodes();
    long n = Math.min(MAX_WRAP_STEPS, 2L * core.spec().terms() / core.lanes() + 3);
    return run("wrap-around (" + n + " largest products)", Stimulus.repeat(core, big[0], big[1], n));
  }

  /** Runs explicit steps {reset, clear, valid, a0, b0, ...}; used by property tests. */
  public Report steps(List<int[]> steps) {
    return run("steps", Stimulus.of(core, steps));
  }

  /**
   * Checked speed: {@code batches} full batches of random accumulation sequences through both sides
   * and compared; vectors per second. Throws if any vector differs.
   */
  public double checkedVectorsPerSecond(int batches) {
    Report r = run("bench", Stimulus.randomSequences(core, 9, batches, BATCH - 1));
    if (!r.passed()) {
      throw new SimException("not bit-exact while benchmarking: " + r);
    }
    return r.vectorsPerSecond();
  }

  /** Raw simulation speed: vectors per second through JNI, without the model or comparing. */
  public double rawVectorsPerSecond(int runs) {
    return driver.rawVectorsPerSecond(runs);
  }

  @Override
  public void close() {
    jni.shutdownNow();
    driver.close();
  }

  /**
   * Runs a stimulus through both sides. Two blocks are in flight: while Verilator runs block n,
   * this thread fills, loads and predicts block n+1, then compares block n while Verilator runs
   * block n+1.
   */
  private Report run(String kind, Stimulus stimulus) {
    long t0 = System.nanoTime();
    driver.slot(0).resetPulse();
    board.restart();
    Failures failures = new Failures(board);
    int cur = 0;
    boolean more = prepare(stimulus, cur);
    Future<?> sim = blocks[cur].size == 0 ? null : submit(cur);
    long first = 0;
    while (sim != null) {
      int next = 1 - cur;
      boolean loaded = false;
      if (more) {
        more = prepare(stimulus, next);
        loaded = blocks[next].size > 0;
      }
      await(sim);
      sim = loaded ? submit(next) : null;
      driver.slot(cur);
      board.slot(cur).compare(blocks[cur], driver, failures, first);
      first += blocks[cur].size;
      progress.accept(first);
      cur = next;
    }
    return new Report(core.moduleName(), kind, failures.vectors, failures.mismatches,
        List.copyOf(failures.examples), (System.nanoTime() - t0) / 1e9);
  }

  /** Fills block {@code slot} from the stimulus, loads it into batch {@code slot}, predicts it. */
  private boolean prepare(Stimulus stimulus, int slot) {
    StepBlock blk = blocks[slot];
    blk.size = 0;
    boolean more = stimulus.fill(blk);
    if (blk.size > 0) {
      driver.slot(slot).load(blk);
      board.slot(slot).expect(blk);
    }
    return more;
  }

  private Future<?> submit(int slot) {
    return jni.submit(() -> driver.run(slot));
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SimException("interrupted while simulating", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new SimException("simulation failed: " + e.getCause(), e.getCause());
    }
  }

  /** The operand codes whose finite product has the largest magnitude. */
  private int[] largestProductCodes() {
    ProductTable t = new ProductTable(core.a(), core.b());
    double best = -1;
    int[] codes = {0, 0};
    for (int a = 0; a < core.a().codeCount(); a++) {
      for (int b = 0; b < core.b().codeCount(); b++) {
        int e = t.get(a, b);
        double m = Math.scalb((double) Math.abs(ProductTable.sig(e)), ProductTable.shift(e));
        if (m > best) {
          best = m;
          codes = new int[] {a, b};
        }
      }
    }
    return codes;
  }
}
