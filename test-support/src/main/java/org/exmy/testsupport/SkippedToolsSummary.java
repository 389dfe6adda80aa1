package org.exmy.testsupport;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests skipped because of {@code EXMY_SKIP_TOOLS=1} and prints one line at the end of
 * each test run (for Maven: once per module), e.g. "exmy: 12 tests skipped because
 * EXMY_SKIP_TOOLS=1". Registered for every test run through {@code META-INF/services}; prints
 * nothing when no test was skipped that way.
 */
public final class SkippedToolsSummary implements TestExecutionListener {
  private final PrintStream out;
  private final AtomicLong skipped = new AtomicLong();
  private volatile TestPlan plan;

  /** Prints to standard output (the service-loader constructor). */
  public SkippedToolsSummary() {
    this(System.out);
  }

  SkippedToolsSummary(PrintStream out) {
    this.out = out;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    skipped.set(0);
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (reason != null && reason.startsWith(RequireTools.SKIP_PREFIX)) skipped.addAndGet(tests(id));
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      String m = result.getThrowable().map(Throwable::getMessage).orElse(null);
      if (m != null && m.startsWith(RequireTools.SKIP_PREFIX)) skipped.addAndGet(tests(id));
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    long n = skipped.get();
    if (n > 0) {
      out.println(
          "exmy: "
              + n
              + " test"
              + (n == 1 ? "" : "s")
              + " skipped because "
              + RequireTools.OPT_OUT
              + "=1");
      out.flush();
    }
  }

  /**
   * Tests under {@code id}: 1 for a test; for a container that was skipped or aborted as a whole,
   * its leaves known so far (a parameterized method that never ran counts once).
   */
  private long tests(TestIdentifier id) {
    if (id.isTest() || plan == null) return 1;
    long leaves =
        plan.getDescendants(id).stream().filter(d -> plan.getChildren(d).isEmpty()).count();
    return Math.max(1, leaves);
  }
}
