package org.exmy.dse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

/**
 * The versions of the external tools and of exmy's generators, read once: part of every cache key
 * (a result is recomputed when a tool changes) and of the report's settings.
 */
public final class ToolVersions {
  private final Map<String, String> versions = new LinkedHashMap<>();

  private ToolVersions() {}

  /**
   * Reads {@code verilator --version}, {@code yosys -V}, {@code nextpnr-ice40 --version} and the
   * JDK.
   */
  public static ToolVersions read() {
    ToolVersions v = new ToolVersions();
    v.versions.put("verilator", firstLine(List.of("verilator", "--version")));
    v.versions.put("yosys", firstLine(List.of("yosys", "-V")));
    v.versions.put("nextpnr-ice40", firstLine(List.of("nextpnr-ice40", "--version")));
    v.versions.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    v.versions.put("generator", org.exmy.mac.MacGenerator.VERSION);
    return v;
  }

  public String get(String tool) {
    return versions.getOrDefault(tool, "");
  }

  public Map<String, String> all() {
    return java.util.Collections.unmodifiableMap(versions);
  }

  private static String firstLine(List<String> cmd) {
    String s;
    try {
      s = ToolRun.of(cmd).timeout(Duration.ofSeconds(20)).run().output().strip();
    } catch (ToolException e) {
      return switch (e.kind()) {
        case CANNOT_START -> "not installed";
        case TIMED_OUT -> "unknown (timed out)";
        case INTERRUPTED -> "unknown";
      };
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).strip();
  }
}
