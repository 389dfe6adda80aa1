package org.exmy.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON written by {@code nextpnr-ice40 --report FILE} (nextpnr 0.4): {@code "fmax"} maps
 * each clock net to {@code {"achieved": MHz, "constraint": MHz}}, {@code "utilization"} maps each
 * cell type to {@code {"used": n, "available": n}}.
 */
public final class NextpnrReport {
  private NextpnrReport() {}

  /** What the report says about one clock and the device usage. */
  public record Parsed(
      String clockNet, double fmaxMhz, Map<String, Integer> used, Map<String, Integer> available) {}

  /**
   * @param json the report
   * @param clockPort the design's clock port; nextpnr names the clock net after it, with a suffix
   *     when it inserts a buffer ({@code clk$SB_IO_IN_$glb_clk})
   * @throws SynthException when the text is not such a report or has no (or more than one) clock of
   *     that name
   */
  public static Parsed parse(String json, String clockPort) {
    Object root = MiniJson.parse(json.strip());
    if (!(root instanceof Map<?, ?> r)
        || !(r.get("fmax") instanceof Map<?, ?> fmax)
        || !(r.get("utilization") instanceof Map<?, ?> util)) {
      throw new SynthException(
          "not a nextpnr --report file: no \"fmax\" and \"utilization\" objects");
    }
    List<String> matching = new ArrayList<>();
    for (Object k : fmax.keySet()) {
      String net = (String) k;
      if (net.equals(clockPort) || net.startsWith(clockPort + "$")) matching.add(net);
    }
    if (matching.size() != 1) {
      throw new SynthException(
          "nextpnr report: "
              + (matching.isEmpty() ? "no" : "more than one")
              + " clock net for port '"
              + clockPort
              + "' among "
              + fmax.keySet()
              + (fmax.isEmpty() ? " (no register-to-register path was timed)" : ""));
    }
    String net = matching.get(0);
    if (!(fmax.get(net) instanceof Map<?, ?> f)
        || !(f.get("achieved") instanceof Number achieved)) {
      throw new SynthException("nextpnr report: clock " + net + " has no \"achieved\" frequency");
    }
    Map<String, Integer> used = new LinkedHashMap<>();
    Map<String, Integer> available = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : util.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> u)
          || !(u.get("used") instanceof Number n)
          || !(u.get("available") instanceof Number a)) {
        throw new SynthException(
            "nextpnr report: utilization of " + e.getKey() + " has no used/available numbers");
      }
      used.put((String) e.getKey(), n.intValue());
      available.put((String) e.getKey(), a.intValue());
    }
    return new Parsed(net, achieved.doubleValue(), used, available);
  }
}
