package org.exmy.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Vivado {@code report_utilization} text report: 7-series ("Slice LUTs", "Slice Registers";
 * CARRY4 only in the Primitives table) or UltraScale / UltraScale+ ("CLB LUTs", "CLB Registers", a
 * "CARRY8" row). The summary rows win over the Primitives table, which is read with {@link
 * SynthResult#fromPrimitives} (types outside {@link XilinxCells} are kept but not summed):
 *
 * <ul>
 *   <li>luts: "LUT as Logic" (else "Slice LUTs" / "CLB LUTs" minus "LUT as Memory"): LUT
 *       <i>sites</i> used as logic, which can be fewer than the LUT primitives when Vivado packs
 *       two into one site (LUT6_2); else the primitives' LUT1..LUT6 sum
 *   <li>lutMemory: "LUT as Memory" (shift registers and distributed RAM), else from the primitives
 *   <li>ffs: "Register as Flip Flop" (latches excluded), else "Slice Registers" / "CLB Registers"
 *   <li>carry4: a "CARRY8" / "CARRY4" summary row, else the CARRY4 + CARRY8 primitives
 *   <li>dsp48: "DSPs"; bram: "Block RAM Tile" (rounded up); muxf7 / muxf8: "F7 / F8 Muxes"
 *   <li>lutsBySize and cells: the "Primitives" table
 * </ul>
 *
 * Tested on reports of Vivado 2017.2, 2020.1 and 2021.2 (see the test resources' FIXTURES.md);
 * Versal reports are not covered (no real one was available).
 */
public final class VivadoUtilizationParser {
  /** | name[*] | number | ... (the first two columns of a table row). */
  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*([^|]*?)\\*?\\s*\\|\\s*(\\d+(?:\\.\\d+)?)\\s*\\|.*$");

  private static final Pattern HEADING = Pattern.compile("^\\d+(?:\\.\\d+)*\\.?\\s+(\\S.*)$");

  private VivadoUtilizationParser() {}

  /**
   * @param top copied into the result
   * @param dsp copied into the result
   * @throws SynthException when the text has neither a LUT summary row nor a Primitives table
   */
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
      throw new SynthException(
          "not a Vivado utilization report: no 'Slice LUTs' / 'CLB LUTs' row and no Primitives"
              + " table");
    }
    SynthResult p = SynthResult.fromPrimitives(top, dsp, primitives);
    int lutMem = first(summary, p.lutMemory(), "LUT as Memory");
    int lutSites = first(summary, -1, "Slice LUTs", "CLB LUTs");
    int luts = first(summary, lutSites < 0 ? p.luts() : lutSites - lutMem, "LUT as Logic");
    int ffs = first(summary, p.ffs(), "Register as Flip Flop", "Slice Registers", "CLB Registers");
    int carry = first(summary, p.carry4(), "CARRY8", "CARRY4");
    int dsps = first(summary, p.dsp48(), "DSPs");
    int bram = (int) Math.ceil(summary.getOrDefault("Block RAM Tile", (double) p.bram()));
    int f7 = first(summary, p.muxf7(), "F7 Muxes");
    int f8 = first(summary, p.muxf8(), "F8 Muxes");
    return new SynthResult(
        top, dsp, luts, ffs, carry, dsps, bram, f7, f8, lutMem, primitives, p.lutsBySize());
  }

  private static int first(Map<String, Double> summary, int fallback, String... names) {
    for (String n : names) {
      Double v = summary.get(n);
      if (v != null) return (int) Math.round(v);
    }
    return fallback;
  }
}
