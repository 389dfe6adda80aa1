package org.exmy.dse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The versions of the external tools and of exmy's generators, read once: part of every cache key
 * (a result is recomputed when a tool changes) and of the report's settings.
 */
public final class ToolVersions {
  private final Map<String, String> versions = new LinkedHashMap<>();

  private ToolVersions() {}

  /** Reads {@code verilator --version}, {@code yosys -V}, {@code nextpnr-ice40 --version} and the JDK. */
  public static ToolVersions read() {
    ToolVersions v = new ToolVersions();
    v.versions.put("verilator", firstLine(List.of("verilator", "--version")));
    v.versions.put("yosys", firstLine(List.of("yosys", "-V")));
    v.versions.put("nextpnr-ice40", firstLine(List.of("nextpnr-ice40", "--version")));
    v.versions.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
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
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown (timed out)";
      }
      String s = new String(out, StandardCharsets.UTF_8).strip();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl).strip();
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
