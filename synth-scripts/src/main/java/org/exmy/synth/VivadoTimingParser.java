package org.exmy.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Vivado {@code report_timing_summary} text report (the layout of Vivado 2017 to 2024): the
 * header's Design and Device, the "Design Timing Summary" row (WNS, TNS, failing endpoints, WHS,
 * THS ...), the "Clock Summary" (name, waveform, period, frequency) and the "Intra Clock Table"
 * (per-clock WNS). See {@link VivadoTiming#fmaxMhz(String)} for the Fmax formula.
 */
public final class VivadoTimingParser {
  private static final Pattern HEADER =
      Pattern.compile("^\\|\\s*([A-Za-z][A-Za-z ]*?)\\s*:\\s*(.*?)\\s*$");
  private static final Pattern CLOCK =
      Pattern.compile("^\\s*(\\S+)\\s+\\{[^}]*\\}\\s+([0-9.]+)\\s+([0-9.]+)\\s*$");

  private VivadoTimingParser() {}

  /**
   * @throws SynthException when there is no "Design Timing Summary" table
   */
  public static VivadoTiming parse(String report) {
    String[] ls = report.split("\\R");
    String design = "";
    String device = "";
    String[] summary = null;
    Map<String, Double> periods = new LinkedHashMap<>();
    Map<String, Double> clockWns = new LinkedHashMap<>();
    String section = "";
    for (int i = 0; i < ls.length; i++) {
      String l = ls[i];
      Matcher h = HEADER.matcher(l);
      if (h.matches() && section.isEmpty()) { // "| Design : main" in the header
        if (h.group(1).equals("Design")) design = h.group(2);
        else if (h.group(1).equals("Device")) device = h.group(2);
        continue;
      }
      if (l.startsWith("| ") && !l.startsWith("| -")) {
        section = l.substring(2).strip();
        continue;
      }
      if (section.equals("Design Timing Summary")
          && summary == null
          && l.strip().startsWith("WNS(ns)")) {
        summary = valuesAfterRule(ls, i, "Design Timing Summary");
      } else if (section.equals("Clock Summary")) {
        Matcher c = CLOCK.matcher(l);
        if (c.matches()) periods.put(c.group(1), Double.parseDouble(c.group(2)));
      } else if (section.equals("Intra Clock Table")
          && l.startsWith("Clock ")
          && l.contains("WNS(ns)")) {
        for (int j = i + 2; j < ls.length && !ls[j].isBlank(); j++) {
          String[] f = ls[j].strip().split("\\s+");
          if (f.length >= 2 && !f[1].equals("NA"))
            clockWns.put(f[0], number(f[1], "Intra Clock Table"));
        }
      }
    }
    if (summary == null)
      throw new SynthException("not a Vivado timing summary: no 'Design Timing Summary' table");
    if (summary.length < 8)
      throw new SynthException("Design Timing Summary row has " + summary.length + " fields");
    return new VivadoTiming(
        design,
        device,
        opt(summary[0]),
        opt(summary[1]),
        opt(summary[4]),
        opt(summary[5]),
        summary[2].equals("NA") ? 0 : Integer.parseInt(summary[2]),
        periods,
        clockWns);
  }

  /** The whitespace-separated fields of the line after the dashes under a heading line. */
  private static String[] valuesAfterRule(String[] ls, int headingLine, String table) {
    int k = headingLine + 1;
    if (k >= ls.length || !ls[k].strip().startsWith("---")) {
      throw new SynthException("unexpected layout of the " + table + " table");
    }
    k++;
    if (k >= ls.length || ls[k].isBlank()) throw new SynthException("empty " + table + " table");
    return ls[k].strip().split("\\s+");
  }

  private static OptionalDouble opt(String field) {
    return field.equals("NA")
        ? OptionalDouble.empty()
        : OptionalDouble.of(number(field, "Design Timing Summary"));
  }

  private static double number(String field, String table) {
    try {
      return Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new SynthException("not a number in the " + table + ": '" + field + "'");
    }
  }
}
