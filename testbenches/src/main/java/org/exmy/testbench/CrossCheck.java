package org.exmy.testbench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.exmy.hdl.sim.SimException;
import org.exmy.mac.MacCore;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.ExactProduct;

/**
 * Proves a generated core against its model: the same stimulus ({@link Stimulus}) goes to the core
 * in Verilator ({@link Driver}) and to {@link org.exmy.simulator.MacModel} ({@link Scoreboard}),
 * block by block, and every output is compared after every cycle, aligned by the core's latency.
 * The model of a block runs while Verilator runs it (two threads).
 *
 * <p>A failed check reports its first failing cycle in full ({@link FirstFailure}) and, when a
 * failures folder is set ({@link #failures}), writes a reproduction folder there ({@link Repro}:
 * the Verilog, the vectors up to the failure, a Verilog testbench, {@code run.sh} and a VCD of the
 * cycles around the failure).
 */
public final class CrossCheck implements AutoCloseable {
  /** Steps per JNI call. */
  public static final int BATCH = 1 << 16;

  /**
   * The wrap-around run adds the largest product this many times at most (a few tenths of a
   * second).
   */
  public static final long MAX_WRAP_STEPS = 1L << 22;

  /**
   * Outcome of one check.
   *
   * @param first the first failing cycle in full, null when the check passed
   * @param repro the reproduction folder, null when the check passed or no failures folder was set
   */
  public record Report(
      String module,
      String kind,
      long vectors,
      long mismatches,
      List<String> examples,
      double seconds,
      FirstFailure first,
      Repro repro) {
    /** A report without a first failure (a passed check, or one that does not locate it). */
    public Report(
        String module,
        String kind,
        long vectors,
        long mismatches,
        List<String> examples,
        double seconds) {
      this(module, kind, vectors, mismatches, examples, seconds, null, null);
    }

    public boolean passed() {
      return mismatches == 0 && vectors > 0;
    }

    public double vectorsPerSecond() {
      return seconds > 0 ? vectors / seconds : 0;
    }

    /** The first line of {@link #toString()}: counts and time. */
    public String summary() {
      return String.format(
          "%s %s: %d vectors, %d mismatches, %.2f s (%.0f vectors/s)",
          module, kind, vectors, mismatches, seconds, vectorsPerSecond());
    }

    /**
     * {@link #summary()}, then for a failed check the first failing cycle in full, the repro folder
     * and up to {@value Failures#MAX_EXAMPLES} failing cycles, one line each.
     */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(summary());
      if (first != null) sb.append("\n  ").append(first.toString().replace("\n", "\n  "));
      if (repro != null) sb.append("\n  ").append(repro);
      if (!examples.isEmpty()) sb.append("\n  ").append(String.join("\n  ", examples));
      return sb.toString();
    }
  }

  private final MacCore core;
  private final String verilog;
  private final Driver driver;
  private final Scoreboard board;
  private final StepBlock[] blocks;
  private final ExecutorService jni;
  private LongConsumer progress = done -> {};
  private Path failures;

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
    this.verilog = verilog;
    this.driver = new Driver(core, verilog, BATCH);
    this.board = new Scoreboard(core, BATCH);
    this.blocks =
        new StepBlock[] {new StepBlock(BATCH, core.lanes()), new StepBlock(BATCH, core.lanes())};
    this.jni =
        Executors.newSingleThreadExecutor(
            r -> {
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

  /**
   * Writes a reproduction folder under {@code dir} for each failed check from now on ({@link
   * Repro}); null (the default) writes none. A passed check writes nothing.
   */
  public CrossCheck failures(Path dir) {
    this.failures = dir;
    return this;
  }

  /** Every operand pair in every lane, one step each, each step clearing the sum. */
  public Report exhaustivePairs() {
    return run("exhaustive pairs", () -> Stimulus.exhaustivePairs(core));
  }

  /**
   * Random accumulation sequences (see {@link Stimulus#randomSequences}), then {@link
   * #wrapAround()} folded into the same report.
   */
  public Report randomSequences(long seed, int sequences, int maxLen) {
    Report r =
        run(
            "random sequences (seed " + seed + ")",
            () -> Stimulus.randomSequences(core, seed, sequences, maxLen));
    Path dir = failures;
    failures = r.first() == null ? dir : null; // one repro per report: the first failure's
    Report w;
    try {
      w = wrapAround();
    } finally {
      failures = dir;
    }
    List<String> ex = new java.util.ArrayList<>(r.examples());
    ex.addAll(w.examples());
    boolean rFirst = r.first() != null;
    return new Report(
        r.module(),
        r.kind() + " + wrap-around",
        r.vectors() + w.vectors(),
        r.mismatches() + w.mismatches(),
        List.copyOf(ex),
        r.seconds() + w.seconds(),
        rFirst ? r.first() : w.first(),
        rFirst ? r.repro() : w.repro());
  }

  /**
   * The largest-magnitude product added {@code 2 * terms / lanes + 3} times (at most {@link
   * #MAX_WRAP_STEPS}): the exact register must wrap the same way in the model and the core.
   */
  public Report wrapAround() {
    int[] big = largestProductCodes();
    long n = Math.min(MAX_WRAP_STEPS, 2L * core.spec().terms() / core.lanes() + 3);
    return run(
        "wrap-around (" + n + " largest products)", () -> Stimulus.repeat(core, big[0], big[1], n));
  }

  /** Runs explicit steps {reset, clear, valid, a0, b0, ...}; used by property tests. */
  public Report steps(List<int[]> steps) {
    return run("steps", () -> Stimulus.of(core, steps));
  }

  /**
   * Checked speed: {@code batches} full batches of random accumulation sequences through both sides
   * and compared; vectors per second. Throws if any vector differs.
   */
  public double checkedVectorsPerSecond(int batches) {
    Report r = run("bench", () -> Stimulus.randomSequences(core, 9, batches, BATCH - 1));
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
   * block n+1. {@code source} makes the stimulus; a failed check makes it once more to describe and
   * replay the first failure.
   */
  private Report run(String kind, Supplier<Stimulus> source) {
    long t0 = System.nanoTime();
    Stimulus stimulus = source.get();
    driver.slot(0).resetPulse();
    board.restart();
    Failures failures = new Failures(board);
    int cur = 0;
    boolean more = prepare(stimulus, cur);
    Future<?> sim = blocks[cur].size == 0 ? null : submit(cur);
    long done = 0;
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
      board.slot(cur).compare(blocks[cur], driver, failures, done);
      done += blocks[cur].size;
      progress.accept(done);
      cur = next;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Report report =
        new Report(
            core.moduleName(),
            kind,
            failures.vectors,
            failures.mismatches,
            List.copyOf(failures.examples),
            seconds);
    if (failures.firstStep < 0) {
      return report;
    }
    long fail = failures.firstStep;
    Replay.Window window =
        Replay.collect(source.get(), core.lanes(), fail, fail + Replay.POST, Replay.MAX_FULL_LINES);
    String[] inputs = Replay.inputsAround(core, window, fail);
    FirstFailure first =
        new FirstFailure(
            kind,
            fail,
            core.latency(),
            inputs[0],
            inputs[1],
            failures.firstExpected,
            board.valueOf(failures.firstExpected),
            failures.firstActual,
            board.valueOf(failures.firstActual),
            board.flags(failures.firstExpFlags),
            board.flags(failures.firstHwFlags),
            core.spec().accWidth());
    Repro repro = null;
    if (this.failures != null) {
      int w = core.spec().accWidth();
      Integer unit =
          core.spec().accumulator() instanceof AccumulatorKind.Exact
              ? core.geometry().lsbExponent()
              : core.spec().accumulator() instanceof AccumulatorKind.Fixed f
                  ? Integer.valueOf(f.lsbExponent())
                  : null;
      Replay replay =
          new Replay(
              core,
              verilog,
              kind,
              window,
              fail,
              w,
              0,
              unit,
              "io_acc as the model predicts it (" + w + " bits)",
              first);
      expectFromModel(replay);
      repro = ReproWriter.write(replay, "FAIL " + report.summary(), this.failures);
    }
    return new Report(
        report.module(),
        kind,
        report.vectors(),
        report.mismatches(),
        report.examples(),
        seconds,
        first,
        repro);
  }

  /**
   * Fills in the expected outputs of every single-cycle line of {@code r}: a fresh model runs the
   * replay.
   */
  private void expectFromModel(Replay r) {
    int cap = 4096;
    Scoreboard model = new Scoreboard(core, cap);
    model.restart();
    StepBlock blk = new StepBlock(cap, core.lanes());
    Replay.Line[] owner = new Replay.Line[cap];
    for (Replay.Line l : r.lines) {
      for (long k = 0; k < l.count; k++) {
        int i = blk.add(l.reset, l.clear, l.valid);
        for (int lane = 0; lane < core.lanes(); lane++) blk.operands(i, lane, l.a[lane], l.b[lane]);
        owner[i] = l.count == 1 && l != r.lines.get(0) ? l : null;
        if (blk.full()) flushExpected(model, blk, owner);
      }
    }
    flushExpected(model, blk, owner);
  }

  private static void flushExpected(Scoreboard model, StepBlock blk, Replay.Line[] owner) {
    model.expect(blk);
    for (int i = 0; i < blk.size; i++) {
      Replay.Line l = owner[i];
      if (l != null) {
        l.checkAcc = true;
        l.checkFlags = true;
        l.expected = model.expected(i);
        l.flags = model.expectedFlags(i);
      }
    }
    blk.size = 0;
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
    ExactProduct t = new ExactProduct(core.a(), core.b());
    double best = -1;
    int[] codes = {0, 0};
    for (int a = 0; a < core.a().codeCount(); a++) {
      for (int b = 0; b < core.b().codeCount(); b++) {
        int e = t.get(a, b);
        double m = Math.scalb((double) Math.abs(ExactProduct.sig(e)), ExactProduct.shift(e));
        if (m > best) {
          best = m;
          codes = new int[] {a, b};
        }
      }
    }
    return codes;
  }
}
