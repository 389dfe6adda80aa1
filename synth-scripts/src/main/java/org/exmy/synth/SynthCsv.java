package org.exmy.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** CSV of synthesis results, one row per core and DSP mode. */
public final class SynthCsv {
  private SynthCsv() {}

  public static String header() {
    return "format,top,dsp,luts,ffs,carry4,dsp48,muxf7,muxf8,lut1,lut2,lut3,lut4,lut5,lut6";
  }

  /** One row (no line break); {@code dsp} is written as {@code yes}/{@code no}. */
  public static String row(String format, SynthResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(field(format)).append(',').append(field(r.top())).append(',').append(r.dsp() ? "yes" : "no")
        .append(',').append(r.luts()).append(',').append(r.ffs()).append(',').append(r.carry4()).append(',')
        .append(r.dsp48()).append(',').append(r.muxf7()).append(',').append(r.muxf8());
    for (int i = 1; i <= 6; i++) sb.append(',').append(r.lut(i));
    return sb.toString();
  }

  /** Writes the header and one row per (format, result) entry, creating the parent folder. */
  public static void write(Path csv, List<Map.Entry<String, SynthResult>> rows) {
    StringBuilder sb = new StringBuilder(header()).append('\n');
    for (Map.Entry<String, SynthResult> e : rows) sb.append(row(e.getKey(), e.getValue())).append('\n');
    try {
      Path parent = csv.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.writeString(csv, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + csv, e);
    }
  }

  private static String field(String s) {
    if (s.matches("[^,\"\\r\\n]*")) return s;
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
