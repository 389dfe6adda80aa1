package org.exmy.dse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs stages: each one is looked up in the cache first, the rest are computed on {@code jobs}
 * threads and stored. A stage that fails (a tool error) is one line in {@link Ran#failures()}; a
 * result computed but not stored (a full disk) stops the run, as does an interruption.
 */
final class StageRunner {
  private StageRunner() {}

  /**
   * What a run did.
   *
   * @param total stages given
   * @param cached of which found in the cache
   * @param failures one line per stage that failed
   */
  record Ran(int total, int cached, List<String> failures) {}

  static Ran run(List<Stage<?>> stages, ResultCache cache, int jobs, Sweep.Listener listener) {
    int total = stages.size();
    AtomicInteger done = new AtomicInteger();
    int cached = 0;
    List<Stage<?>> todo = new ArrayList<>();
    for (Stage<?> s : stages) {
      if (s.load(cache)) {
        cached++;
        done.incrementAndGet();
      } else {
        todo.add(s);
      }
    }
    listener.progress(done.get(), total, cached + " from the cache");
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, jobs),
            r -> {
              Thread t = new Thread(r, "exmy-sweep");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Stage<?> s : todo) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    s.compute(cache);
                  } catch (RuntimeException e) {
                    if (e instanceof java.io.UncheckedIOException io && s.result() != null) {
                      throw io; // computed but not stored (e.g. a full disk): stop the sweep
                    }
                    if (Thread.currentThread().isInterrupted()) throw e;
                    String line = s.what + ": " + oneLine(e);
                    failures.add(line);
                    listener.log("FAILED " + line);
                  }
                  listener.progress(done.incrementAndGet(), total, s.what);
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new Ran(total, cached, List.copyOf(failures));
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
