package org.exmy.dse;

import java.util.LinkedHashMap;

/**
 * What the report shows about the run, in order: the command line, the grid, the PTQ options, the
 * tool versions, wall time, cache hits... Keys and values are shown as text (escaped).
 */
public record ReportSettings(LinkedHashMap<String, String> entries) {
  /** Keeps a copy; null means none. */
  public ReportSettings {
    entries = entries == null ? new LinkedHashMap<>() : new LinkedHashMap<>(entries);
  }

  /**
   * Settings from alternating keys and values: {@code of("command", "exmy sweep", "models",
   * "cnn")}.
   */
  public static ReportSettings of(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "keys and values must alternate; got " + keysAndValues.length + " strings");
    }
    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new ReportSettings(m);
  }
}
