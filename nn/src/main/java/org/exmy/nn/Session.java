package org.exmy.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.exmy.nn.ops.ExecContext;

/**
 * Runs a {@link Model} with a {@link LinearKernels} strategy on a small fixed pool of threads.
 *
 * <p>{@link #runBatched} splits a batch along dimension 0 into chunks of a fixed size (the chunk
 * size never depends on the thread count) and gives whole chunks to the workers, so results are
 * the same whatever the number of threads. Each thread (worker or caller) has its own {@link
 * ExecContext}, so {@link LinearKernels#kernelFor} is called once per linear site per thread.
 * While fewer chunks than threads run (the first chunk, which runs alone, or a small batch), the
 * idle threads are lent to each chunk's matrix products ({@link IntraOp}): never more threads busy
 * than {@code threads}, and the kernels' results do not depend on the split.
 * Close the session to stop its threads.
 */
public final class Session implements AutoCloseable {
  /** Chunk size used by {@link #runBatched} for models whose batch dimension is free. */
  public static final int DEFAULT_CHUNK = 32;

  private final Model model;
  private final LinearKernels kernels;
  private final int threads;
  private final ExecutorService pool;
  /** Lends threads to one product ({@link IntraOp}) while fewer chunks than threads run. */
  private final ExecutorService helpers;
  private final ThreadLocal<ExecContext> contexts;
  private final Map<String, Model> bound = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param threads worker threads for {@link #runBatched} (at least 1)
   */
  public Session(Model model, LinearKernels kernels, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.model = model;
    this.kernels = kernels;
    this.threads = threads;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "exmy-nn-worker");
              t.setDaemon(true);
              return t;
            });
    this.helpers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "exmy-nn-helper");
              t.setDaemon(true);
              return t;
            });
    List<LinearSite> sites = model.linearSites();
    this.contexts =
        ThreadLocal.withInitial(
            () -> new ExecContext(sites.size(), i -> kernels.kernelFor(sites.get(i))));
  }

  /** A session with the FP32 kernel and one thread per available processor. */
  public static Session fp32(Model model) {
    return new Session(model, LinearKernels.fp32(), Runtime.getRuntime().availableProcessors());
  }

  public Model model() {
    return model;
  }

  public int threads() {
    return threads;
  }

  /** Runs the model once on the calling thread (each product split over the session's threads). */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return IntraOp.with(threads, helpers, () -> model.run(inputs, contexts.get()));
  }

  /**
   * Runs a one-input model over a batch, {@code chunk} items at a time on the worker threads, and
   * concatenates the first output along dimension 0. When the model's batch dimension is fixed,
   * the chunk size is that dimension.
   *
   * @param progress called (from worker threads, serialized) with the number of items done so
   *     far; may be null
   */
  public Tensor runBatched(Tensor input, int chunk, IntConsumer progress) {
    if (model.inputs().size() != 1) {
      throw new NnException(
          model.source() + ": batched runs need a model with one input, it has "
              + model.inputs().size());
    }
    Model.Input spec = model.inputs().get(0);
    if (input.rank() < 1) {
      throw new NnException(model.source() + ": batched input must have a batch dimension");
    }
    int n = input.dim(0);
    int c = spec.dims().length > 0 && spec.dims()[0] > 0 ? spec.dims()[0] : chunk;
    if (c < 1) {
      throw new IllegalArgumentException("chunk must be >= 1");
    }
    if (n % c != 0 && spec.dims().length > 0 && spec.dims()[0] > 0) {
      throw new NnException(
          model.source() + ": the model's batch dimension is fixed at " + c
              + " and does not divide " + n + " items");
    }
    int chunks = (n + c - 1) / c;
    int[] chunkShape = input.shape();
    chunkShape[0] = c;
    // full chunks run the model bound to their shape (shape subgraphs folded); a last partial
    // chunk runs the general model
    Model full = n >= c ? bound.computeIfAbsent(java.util.Arrays.toString(chunkShape),
        key -> model.bind(Map.of(spec.name(), chunkShape))) : model;
    Tensor[] parts = new Tensor[chunks];
    AtomicInteger next = new AtomicInteger();
    final int cs = c;
    int[] total = {0};
    // adds items done and reports the new total, in order
    IntConsumer report =
        items -> {
          synchronized (total) {
            total[0] += items;
            if (progress != null) {
              progress.accept(total[0]);
            }
          }
        };
    // the first chunk runs alone, so that a model/data mismatch fails before the long run
    if (chunks > 0) {
      parts[0] = IntraOp.with(threads, helpers, () -> runChunk(full, input, 0, cs, n));
      next.set(1);
      report.accept(Math.min(cs, n));
    }
    List<Future<?>> futures = new ArrayList<>();
    // fewer chunks left than threads: the idle threads help each chunk's products instead
    int ways = Math.max(1, threads / Math.max(1, Math.min(threads, chunks - 1)));
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                  int ii = i;
                  parts[i] = IntraOp.with(ways, helpers, () -> runChunk(full, input, ii, cs, n));
                  report.accept(Math.min(cs, n - i * cs));
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NnException(model.source() + ": interrupted");
    } catch (ExecutionException e) {
      for (Future<?> f : futures) {
        f.cancel(true);
      }
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new NnException(model.source() + ": " + cause, cause);
    }
    return concat(parts, n);
  }

  private Tensor runChunk(Model full, Tensor input, int i, int c, int n) {
    Tensor part = input.slice0(i * c, Math.min(n, (i + 1) * c));
    Model m = part.dim(0) == c ? full : model;
    Map<String, Tensor> out = m.run(Map.of(m.inputs().get(0).name(), part), contexts.get());
    return out.values().iterator().next();
  }

  private Tensor concat(Tensor[] parts, int n) {
    if (parts.length == 0) {
      throw new NnException(model.source() + ": empty batch");
    }
    int[] s = parts[0].shape();
    if (s.length == 0) {
      throw new NnException(model.source() + ": the output has no batch dimension");
    }
    int inner = s[0] == 0 ? 0 : parts[0].size() / s[0];
    int total = 0;
    for (Tensor p : parts) {
      if (p.rank() != s.length || p.size() != p.dim(0) * inner) {
        throw new NnException(model.source() + ": output shapes differ between chunks");
      }
      total += p.dim(0);
    }
    s[0] = total;
    boolean fl = parts[0].type() == DType.FLOAT;
    Object dst = fl ? new float[Tensor.size(s)] : new long[Tensor.size(s)];
    int at = 0;
    for (Tensor p : parts) {
      System.arraycopy(fl ? p.floats() : p.longs(), 0, dst, at, p.size());
      at += p.size();
    }
    return fl ? Tensor.of((float[]) dst, s) : Tensor.ofLongs((long[]) dst, s);
  }

  /**
   * The predicted class of each item: the arg-max of each row of the first output, which must be
   * {@code [N, classes]} (or {@code [N, classes, 1, ...]}); ties go to the lowest index.
   */
  public int[] predict(Tensor images, IntConsumer progress) {
    Tensor logits = runBatched(images, DEFAULT_CHUNK, progress);
    int n = logits.dim(0);
    int classes = n == 0 ? 0 : logits.size() / n;
    float[] v = logits.floats();
    int[] pred = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (v[i * classes + j] > v[i * classes + best]) {
          best = j;
        }
      }
      pred[i] = best;
    }
    return pred;
  }

  /** Classes the model outputs per item (size of the first output per batch item). */
  public int classes(Tensor sample) {
    Tensor out = runBatched(sample.slice0(0, Math.min(1, sample.dim(0))), 1, null);
    return out.size() / Math.max(1, out.dim(0));
  }

  /**
   * Throughput of {@link #runBatched} on {@code images}: one untimed warm-up pass over at most
   * {@code warmup} items, then one timed pass over all of them. Returns items per second.
   */
  public double imagesPerSecond(Tensor images, int warmup) {
    int w = Math.min(warmup, images.dim(0));
    if (w > 0) {
      runBatched(images.slice0(0, w), DEFAULT_CHUNK, null);
    }
    long t0 = System.nanoTime();
    runBatched(images, DEFAULT_CHUNK, null);
    double s = (System.nanoTime() - t0) / 1e9;
    return images.dim(0) / s;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    helpers.shutdownNow();
  }
}
