package org.exmy.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the cell histogram printed by Yosys' {@code stat} command, either as text (a whole Yosys
 * log, or just the statistics; the format of Yosys 0.23) or as {@code stat -json}.
 *
 * <p>Which numbers are taken: the last {@code stat} run in the text (synth_xilinx runs one itself
 * before the script's own); in it, the {@code design hierarchy} totals when the design was not
 * flattened (they include the cells of all sub-modules), otherwise the section of module {@code
 * top}. Either way, {@code top} must be one of the modules printed.
 */
public final class YosysStatParser {
  private static final Pattern STAT_START =
      Pattern.compile("^\\s*(?:[\\d.]+\\s+)?Printing statistics\\.\\s*$");
  private static final Pattern SECTION = Pattern.compile("^=== (.+) ===\\s*$");
  private static final Pattern CELLS = Pattern.compile("^\\s+Number of cells:\\s+(\\d+)\\s*$");
  private static final Pattern CELL = Pattern.compile("^\\s+(\\S+)\\s+(\\d+)\\s*$");
  private static final Pattern LCS =
      Pattern.compile("^\\s+Estimated number of LCs:\\s+(\\d+)\\s*$");
  private static final String HIERARCHY = "design hierarchy";

  private YosysStatParser() {}

  /**
   * @param top the top module
   * @param dsp copied into the result (whether DSPs were allowed)
   * @param yosysLogOrJson a Yosys log / {@code stat} text, or the output of {@code stat -json}
   * @throws SynthException when there are no statistics for {@code top}
   */
  public static SynthResult parse(String top, boolean dsp, String yosysLogOrJson) {
    String t = yosysLogOrJson.strip();
    return SynthResult.fromCells(
        top, dsp, t.startsWith("{") ? jsonCells(top, t) : textCells(top, t));
  }

  /**
   * Yosys' own LUT-count estimate from {@code stat -tech xilinx} ("Estimated number of LCs"), of
   * the last such line (the design total when the design is hierarchical).
   */
  public static OptionalInt estimatedLcs(String yosysLog) {
    OptionalInt last = OptionalInt.empty();
    for (String line : yosysLog.split("\\R")) {
      Matcher m = LCS.matcher(line);
      if (m.matches()) last = OptionalInt.of(Integer.parseInt(m.group(1)));
    }
    return last;
  }

  private static Map<String, Integer> textCells(String top, String text) {
    // section name -> cells, of the stat run being read; replaced at each "Printing statistics."
    Map<String, Map<String, Integer>> sections = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> lastComplete = null;
    String section = null;
    Map<String, Integer> cells = null;
    int declared = -1;
    for (String line : text.split("\\R")) {
      if (STAT_START.matcher(line).matches()) {
        if (!sections.isEmpty()) lastComplete = sections;
        sections = new LinkedHashMap<>();
        section = null;
        cells = null;
        continue;
      }
      Matcher m = SECTION.matcher(line);
      if (m.matches()) {
        section = unescape(m.group(1).trim());
        cells = null;
        continue;
      }
      if (section == null) continue;
      Matcher c = CELLS.matcher(line);
      if (c.matches()) {
        cells = new LinkedHashMap<>();
        declared = Integer.parseInt(c.group(1));
        sections.put(section, cells);
        continue;
      }
      if (cells == null) continue;
      Matcher cl = CELL.matcher(line);
      if (cl.matches()) {
        cells.merge(unescape(cl.group(1)), Integer.parseInt(cl.group(2)), Integer::sum);
      } else {
        check(section, declared, cells);
        cells = null; // blank line or "Estimated number of LCs" ends the histogram
      }
    }
    if (cells != null) check(section, declared, cells);
    if (sections.isEmpty()) sections = lastComplete;
    if (sections == null)
      throw new SynthException("no Yosys statistics ('Number of cells') in the text");
    if (!sections.containsKey(top)) {
      List<String> names = new ArrayList<>(sections.keySet());
      names.remove(HIERARCHY);
      throw new SynthException(
          "no Yosys statistics for module '" + top + "'; the last stat printed " + names);
    }
    return sections.getOrDefault(HIERARCHY, sections.get(top));
  }

  private static void check(String section, int declared, Map<String, Integer> cells) {
    int sum = cells.values().stream().mapToInt(Integer::intValue).sum();
    if (sum != declared) {
      throw new SynthException(
          "Yosys statistics of '"
              + section
              + "' list "
              + sum
              + " cells but say 'Number of cells: "
              + declared
              + "'; unexpected stat format");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer> jsonCells(String top, String json) {
    Object root = MiniJson.parse(json);
    if (!(root instanceof Map<?, ?> r) || !(r.get("modules") instanceof Map<?, ?> modules)) {
      throw new SynthException("not the output of Yosys 'stat -json': no \"modules\" object");
    }
    Map<String, Object> topModule = null;
    for (Map.Entry<?, ?> e : modules.entrySet()) {
      if (unescape((String) e.getKey()).equals(top)) topModule = (Map<String, Object>) e.getValue();
    }
    if (topModule == null) {
      List<String> names = new ArrayList<>();
      for (Object k : modules.keySet()) names.add(unescape((String) k));
      throw new SynthException(
          "no Yosys statistics for module '" + top + "'; stat -json has " + names);
    }
    Object design = r.get("design");
    Map<String, Object> chosen =
        design instanceof Map<?, ?> d ? (Map<String, Object>) d : topModule;
    if (!(chosen.get("num_cells_by_type") instanceof Map<?, ?> byType)) {
      return Map.of(); // a module without cells has no "num_cells_by_type"
    }
    Map<String, Integer> cells = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : byType.entrySet()) {
      cells.put(unescape((String) e.getKey()), ((Number) e.getValue()).intValue());
    }
    return cells;
  }

  /** Yosys prints public names with a leading backslash in some places ("\\top"). */
  private static String unescape(String name) {
    return name.startsWith("\\") ? name.substring(1) : name;
  }
}
