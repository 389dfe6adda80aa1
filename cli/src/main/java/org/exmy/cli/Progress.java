package org.exmy.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long task on stderr: a progress bar with ETA when stderr is a terminal, plain lines
 * (at most one every few seconds, and the last) otherwise. Thread-safe.
 */
final class Progress implements AutoCloseable {
  private static final long LINE_EVERY_NANOS = 5_000_000_000L;

  private final String task;
  private long total;
  private final ProgressBar bar;
  private final PrintStream err;
  private final long start = System.nanoTime();
  private long lastLine = System.nanoTime();
  private long done;

  private Progress(String task, long total, ProgressBar bar, PrintStream err) {
    this.task = task;
    this.total = total;
    this.bar = bar;
    this.err = err;
  }

  /** Starts reporting {@code task} of {@code total} units. */
  static Progress start(String task, long total) {
    PrintStream err = System.err;
    ProgressBar bar = null;
    if (System.console() != null) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(err))
              .setUpdateIntervalMillis(250)
              .build();
    }
    return new Progress(task, total, bar, err);
  }

  /** Changes the total (when it is known only after the start). */
  synchronized void resize(long newTotal) {
    total = newTotal;
    if (bar != null) {
      bar.maxHint(newTotal);
    }
  }

  /** The work done so far (monotone). */
  synchronized void stepTo(long n) {
    done = Math.max(done, n);
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    long now = System.nanoTime();
    if (now - lastLine >= LINE_EVERY_NANOS && done < total) {
      lastLine = now;
      line();
    }
  }

  /** Changes the text shown with the bar (e.g. the point being worked on). */
  synchronized void extra(String message) {
    if (bar != null) {
      bar.setExtraMessage(message);
    }
  }

  private void line() {
    double secs = (System.nanoTime() - start) / 1e9;
    double eta = done == 0 ? 0 : secs * (total - done) / done;
    err.printf(
        "exmy: %s: %d/%d (%.0f%%), %.0f s, ETA %.0f s%n",
        task, done, total, 100.0 * done / Math.max(1, total), secs, eta);
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
    } else if (total > 0) {
      line();
    }
  }
}
