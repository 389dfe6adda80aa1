package org.exmy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkippedToolsSummaryTest {

  private static String summaryOf(Class<?>... classes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SkippedToolsSummary summary =
        new SkippedToolsSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request();
    for (Class<?> c : classes) b.selectors(selectClass(c));
    // only this listener: the auto-registered one would print to the build's output
    Launcher launcher =
        LauncherFactory.create(
            LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build());
    launcher.execute(b.build(), summary);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void countsTestsSkippedForToolsOnly() {
    // WholeClassSkipped: one + two + the parameterized method that never ran = 3; Mixed: 1.
    assertEquals(
        "exmy: 4 tests skipped because EXMY_SKIP_TOOLS=1\n",
        summaryOf(SkipSamples.WholeClassSkipped.class, SkipSamples.Mixed.class));
  }

  @Test
  void singularForOne() {
    assertEquals(
        "exmy: 1 test skipped because EXMY_SKIP_TOOLS=1\n", summaryOf(SkipSamples.Mixed.class));
  }

  @Test
  void silentWhenNoTestWasSkippedForATool() {
    assertEquals("", summaryOf(SkipSamples.Plain.class));
  }
}
