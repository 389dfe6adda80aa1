package org.exmy.testsupport;

import java.util.List;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * jqwik hook ({@code @AddLifecycleHook(SkipWithoutVerilator.class)} on a property or container):
 * under {@code EXMY_SKIP_TOOLS=1} a property whose Verilator backend tools are missing is reported
 * as skipped. Without the opt-out it does nothing, and the property's own {@link
 * RequireTools#verilatorBackend()} call fails it.
 */
public final class SkipWithoutVerilator implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    List<Tool> missing = RequireTools.missing(Tool.VERILATOR, Tool.GXX, Tool.GCC);
    if (missing.isEmpty() || !RequireTools.skipRequested()) return SkipResult.doNotSkip();
    return SkipResult.skip(RequireTools.SKIP_PREFIX + RequireTools.message(missing));
  }
}
