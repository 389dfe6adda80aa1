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
 * size never depends on the thread count) and gives whole chunks to the workers, so results are the
 * same whatever the number of threads. Each thread (worker or caller) has its own {@link
 * ExecContext}, so {@link LinearKernels#kernelFor} is called once per linear site per thread. While
 * fewer chunks than threads run (the first chunk, which runs alone, or a small batch), the idle
 * threads are lent to each chunk's matrix products ({@link IntraOp}): never more threads busy than
 * {@code threads}, and the kernels' results do not depend on the split. Close the session to stop
 * its threads.
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
   * returns the first output, concatenated along dimension 0. When the model's batch dimension is
   * fixed, the chunk size is that dimension. See {@link #runAll}.
   *
   * @param progress called (from worker threads, serialized) with the number of items done so far;
   *     may be null
   */
  public Tensor runBatched(Tensor input, int chunk, IntConsumer progress) {
    if (model.inputs().size() != 1) {
      throw new NnException(
          model.source()
              + ": batched runs need a model with one input, it has "
              + model.inputs().size());
    }
    if (input.rank() < 1) {
      throw new NnException(model.source() + ": batched input must have a batch dimension");
    }
    Feeds f = Feeds.of(model.source(), model.inputs().get(0).name(), input);
    return runAll(f, chunk, progress).values().iterator().next();
  }

  /**
   * Runs the model over every item of {@code feeds}, {@code chunk} items at a time on the worker
   * threads, and returns every graph output by name, each concatenated along dimension 0. When a
   * batch dimension is fixed, the chunk size is that dimension. The chunk size never depends on the
   * thread count, so results are the same whatever the number of threads. A model whose outputs do
   * not carry the items along dimension 0 (an output of another length there, or a scalar) is run
   * once on all items instead.
   *
   * @param progress called (from worker threads, serialized) with the number of items done so far;
   *     may be null
   */
  public Map<String, Tensor> runAll(Feeds feeds, int chunk, IntConsumer progress) {
    model.checkFeeds(feeds);
    int n = feeds.items();
    int fixed = 0;
    for (Model.Input in : model.inputs()) {
      if (in.dims().length > 0 && in.dims()[0] > 0) {
        fixed = in.dims()[0];
      }
    }
    int c = fixed > 0 ? fixed : chunk;
    if (c < 1) {
      throw new IllegalArgumentException("chunk must be >= 1");
    }
    int chunks = (n + c - 1) / c;
    if (chunks == 0) {
      throw new NnException(model.source() + ": empty batch");
    }
    final int cs = c;
    // full chunks run the model bound to their shape (shape subgraphs folded); a last partial
    // chunk runs the general model
    Model full =
        n >= c
            ? bound.computeIfAbsent(
                shapeKey(feeds.slice(0, 1), c), key -> model.bind(chunkShapes(feeds, cs)))
            : model;
    List<Map<String, Tensor>> parts = new ArrayList<>(java.util.Collections.nCopies(chunks, null));
    AtomicInteger next = new AtomicInteger();
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
    parts.set(0, IntraOp.with(threads, helpers, () -> runChunk(full, feeds, 0, cs, n)));
    if (chunks > 1 && !itemsAlongDim0(parts.get(0), Math.min(cs, n))) {
      Map<String, Tensor> all =
          IntraOp.with(threads, helpers, () -> model.run(feeds.tensors(), contexts.get()));
      report.accept(n);
      return all;
    }
    next.set(1);
    report.accept(Math.min(cs, n));
    List<Future<?>> futures = new ArrayList<>();
    // fewer chunks left than threads: the idle threads help each chunk's products instead
    int ways = Math.max(1, threads / Math.max(1, Math.min(threads, chunks - 1)));
    for (int t = 0; t < threads && chunks > 1; t++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                  int ii = i;
                  parts.set(i, IntraOp.with(ways, helpers, () -> runChunk(full, feeds, ii, cs, n)));
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
    if (chunks == 1) {
      return parts.get(0);
    }
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    for (String name : parts.get(0).keySet()) {
      Tensor[] ps = new Tensor[chunks];
      for (int i = 0; i < chunks; i++) {
        ps[i] = parts.get(i).get(name);
      }
      out.put(name, concat(name, ps));
    }
    return out;
  }

  private static boolean itemsAlongDim0(Map<String, Tensor> out, int items) {
    for (Tensor t : out.values()) {
      if (t.rank() < 1 || t.dim(0) != items) {
        return false;
      }
    }
    return true;
  }

  private static String shapeKey(Feeds one, int c) {
    StringBuilder sb = new StringBuilder().append(c);
    one.tensors()
        .forEach((k, v) -> sb.append('|').append(k).append(java.util.Arrays.toString(v.shape())));
    return sb.toString();
  }

  private static Map<String, int[]> chunkShapes(Feeds feeds, int c) {
    Map<String, int[]> m = feeds.shapes();
    m.values().forEach(s -> s[0] = c);
    return m;
  }

  private Map<String, Tensor> runChunk(Model full, Feeds feeds, int i, int c, int n) {
    Feeds part = feeds.slice(i * c, Math.min(n, (i + 1) * c));
    Model m = part.items() == c ? full : model;
    return m.run(part.tensors(), contexts.get());
  }

  private Tensor concat(String name, Tensor[] parts) {
    int[] s = parts[0].shape();
    if (s.length == 0) {
      throw new NnException(model.source() + ": output '" + name + "' has no batch dimension");
    }
    int inner = s[0] == 0 ? 0 : parts[0].size() / s[0];
    int total = 0;
    for (Tensor p : parts) {
      if (p.rank() != s.length || p.size() != p.dim(0) * inner || p.type() != parts[0].type()) {
        throw new NnException(
            model.source()
                + ": output '"
                + name
                + "' differs in shape between"
                + " chunks of items ("
                + parts[0]
                + ", "
                + p
                + ")");
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
