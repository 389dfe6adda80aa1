package org.exmy.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Vivado {@code report_utilization} text report (7-series "Slice ..." or UltraScale
 * "CLB ..." rows).
 *
 * <ul>
 *   <li>luts: "Slice LUTs" (sites used; can be below the sum of LUT primitives when Vivado packs
 *       two LUTs into one site), else the Primitives' LUT1..LUT6 sum
 *   <li>ffs: "Register as Flip Flop" (latches excluded), else "Slice Registers", else FD* primitives
 *   <li>dsp48: "DSPs"; bram: "Block RAM Tile" (rounded up); muxf7/muxf8: "F7/F8 Muxes"
 *   <li>carry4, lutsBySize and cells: the "Primitives" table (CARRY4 / CARRY8 appear only there)
 * </ul>
 */
public final class VivadoUtilizationParser {
  /** | name[*] | number | ...  (the first two columns of a table row). */
  private static final Pattern ROW = Pattern.compile("^\\|\\s*([^|]*?)\\*?\\s*\\|\\s*(\\d+(?:\\.\\d+)?)\\s*\\|.*$");
  private static final Pattern HEADING = Pattern.compile("^\\d+(?:\\.\\d+)*\\.?\\s+(\\S.*)$");

  private VivadoUtilizationParser() {}

  public static SynthResult parse(String top, boolean dsp, String reportText) {
    Map<String, Double> summary = new LinkedHashMap<>();
    Map<String, Integer> primitives = new LinkedHashMap<>();
    String heading = "";
    for (String line : reportText.split("\\R")) {
      String t = line.strip();
      Matcher h = HEADING.matcher(t);
      if (h.matches() && !t.startsWith("|")) {
        heading = h.group(1).trim();
        continue;
      }
      Matcher m = ROW.matcher(t);
      if (!m.matches()) continue;
      String name = m.group(1).trim();
      double n = Double.parseDouble(m.group(2));
      if (heading.equals("Primitives")) primitives.merge(name, (int) n, Integer::sum);
      else if (!heading.startsWith("Black Boxes") && !heading.startsWith("Instantiated Netlists")) {
        summary.putIfAbsent(name, n);
      }
    }
    boolean hasSummary = summary.containsKey("Slice LUTs") || summary.containsKey("CLB LUTs");
    if (!hasSummary && primitives.isEmpty()) {
      throw new SynthException("not a Vivado utilization report: no 'Slice LUTs' row and no Primitives table");
    }
    SynthResult p = SynthResult.fromCells(top, dsp, primitives);
    int luts = first(summary, p.luts(), "Slice LUTs", "CLB LUTs");
    int ffs = first(summary, p.ffs(), "Register as Flip Flop", "Slice Registers", "CLB Registers");
    int dsps = first(summary, p.dsp48(), "DSPs");
    int bram = (int) Math.ceil(summary.getOrDefault("Block RAM Tile", (double) p.bram()));
    int f7 = first(summary, p.muxf7(), "F7 Muxes");
    int f8 = first(summary, p.muxf8(), "F8 Muxes");
    Map<String, Integer> cells = new LinkedHashMap<>(primitives);
    if (primitives.isEmpty()) { // summary only: report what is known under primitive names
      if (dsps > 0) cells.put("DSP48E1", dsps);
      if (f7 > 0) cells.put("MUXF7", f7);
      if (f8 > 0) cells.put("MUXF8", f8);
    }
    return new SynthResult(top, dsp, luts, ffs, p.carry4(), dsps, bram, f7, f8, cells, p.lutsBySize());
  }

  private static int first(Map<String, Double> summary, int fallback, String... names) {
    for (String n : names) {
      Double v = summary.get(n);
      if (v != null) return (int) Math.round(v);
    }
    return fallback;
  }
}
