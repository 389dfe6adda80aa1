package org.exmy.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Intra-operator parallelism: how many threads one matrix product may use on the current thread,
 * and the pool that lends the extra ones. {@link Session} sets it around each model run so that,
 * with fewer batch chunks than threads (a batch of 1 or 8 on 2 threads), each product is split
 * across the idle threads instead; with enough chunks every thread runs its own chunk and this is 1
 * (never more threads busy than the session has). Products started on a helper thread run serially.
 * Products whose result does not depend on the split (every exact sum; the float32 kernel splits
 * only over output elements, each summed whole on one thread) use it.
 */
public final class IntraOp {
  private static final ThreadLocal<IntraOp> CURRENT = new ThreadLocal<>();

  private final int ways;
  private final ExecutorService pool;

  private IntraOp(int ways, ExecutorService pool) {
    this.ways = ways;
    this.pool = pool;
  }

  /**
   * Runs {@code body} on this thread with {@code ways} threads per product ({@code pool} lends
   * ways-1).
   */
  static <T> T with(int ways, ExecutorService pool, java.util.function.Supplier<T> body) {
    IntraOp prev = CURRENT.get();
    CURRENT.set(ways > 1 ? new IntraOp(ways, pool) : null);
    try {
      return body.get();
    } finally {
      CURRENT.set(prev);
    }
  }

  /** The threads a product started on this thread may use (1 when none were lent). */
  public static int ways() {
    IntraOp cur = CURRENT.get();
    return cur == null ? 1 : cur.ways;
  }

  /** A range task of {@link #forEach}. */
  @FunctionalInterface
  public interface Part {
    /** Runs part {@code p} of {@code parts}. */
    void run(int p, int parts);
  }

  /**
   * Runs {@code part(p, parts)} for p in 0..parts-1: part 0 on this thread, the others on the lent
   * threads, and returns when all are done. {@code parts} must be at most {@link #ways()}.
   */
  public static void forEach(int parts, Part part) {
    IntraOp cur = CURRENT.get();
    if (parts <= 1 || cur == null) {
      for (int p = 0; p < parts; p++) {
        part.run(p, parts);
      }
      return;
    }
    List<Future<?>> fs = new ArrayList<>(parts - 1);
    for (int p = 1; p < parts; p++) {
      int pp = p;
      fs.add(cur.pool.submit(() -> part.run(pp, parts)));
    }
    RuntimeException failure = null;
    try {
      part.run(0, parts);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NnException("interrupted");
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException re
                  ? re
                  : new NnException(String.valueOf(e.getCause()));
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
