package org.exmy.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.exmy.base.AtomicWrite;

/**
 * CSV of synthesis results, one row per core and DSP mode. The one place that defines the columns
 * ({@link #COLUMNS}): Xilinx cell counts from Yosys, then the optional timing columns, empty when
 * that flow did not run:
 *
 * <ul>
 *   <li>{@code ice40_core_lcs}, {@code ice40_wrap_lcs}: iCE40 HX8K logic cells of the core and of
 *       its serial wrapper after nextpnr packing (their sum is nextpnr's ICESTORM_LC count)
 *   <li>{@code ice40_fmax_mhz}: nextpnr's Fmax of the core clock after routing
 *   <li>{@code xc7_logic_ns}, {@code xc7_logic_mhz}, {@code xc7_lut_levels}: Yosys sta critical
 *       path on xc7 cell delays <b>without routing</b> (a logic-delay estimate; see {@link
 *       StaTiming}); {@code xc7_exact}: {@code no} when the delay is an upper bound ({@link
 *       StaTiming#exact()})
 * </ul>
 */
public final class SynthCsv {
  /** One CSV row: a core's cost in one DSP mode, and its timing where measured (else null). */
  public record Row(String format, SynthResult cost, Ice40Result ice40, StaTiming xc7) {}

  private record Column(String name, Function<Row, String> value) {}

  private static final List<Column> COLUMNS = columns();

  private SynthCsv() {}

  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    c.add(new Column("format", r -> field(r.format())));
    c.add(new Column("top", r -> field(r.cost().top())));
    c.add(new Column("dsp", r -> r.cost().dsp() ? "yes" : "no"));
    c.add(new Column("luts", r -> "" + r.cost().luts()));
    c.add(new Column("ffs", r -> "" + r.cost().ffs()));
    c.add(new Column("carry4", r -> "" + r.cost().carry4()));
    c.add(new Column("dsp48", r -> "" + r.cost().dsp48()));
    c.add(new Column("muxf7", r -> "" + r.cost().muxf7()));
    c.add(new Column("muxf8", r -> "" + r.cost().muxf8()));
    c.add(new Column("lut_mem", r -> "" + r.cost().lutMemory()));
    for (int i = 1; i <= 6; i++) {
      int n = i;
      c.add(new Column("lut" + n, r -> "" + r.cost().lut(n)));
    }
    c.add(new Column("ice40_core_lcs", r -> r.ice40() == null ? "" : "" + r.ice40().coreLcs()));
    c.add(
        new Column("ice40_wrap_lcs", r -> r.ice40() == null ? "" : "" + r.ice40().wrapperCells()));
    c.add(
        new Column("ice40_fmax_mhz", r -> r.ice40() == null ? "" : fixed(r.ice40().fmaxMhz(), 2)));
    c.add(new Column("xc7_logic_ns", r -> r.xc7() == null ? "" : fixed(r.xc7().criticalNs(), 3)));
    c.add(new Column("xc7_logic_mhz", r -> r.xc7() == null ? "" : fixed(r.xc7().logicMhz(), 1)));
    c.add(new Column("xc7_lut_levels", r -> r.xc7() == null ? "" : "" + r.xc7().lutLevels()));
    c.add(new Column("xc7_exact", r -> r.xc7() == null ? "" : r.xc7().exact() ? "yes" : "no"));
    return List.copyOf(c);
  }

  /** The header line (no line break). */
  public static String header() {
    return String.join(",", COLUMNS.stream().map(Column::name).toList());
  }

  /** One row (no line break). */
  public static String row(Row r) {
    return String.join(",", COLUMNS.stream().map(c -> c.value().apply(r)).toList());
  }

  /** One row without timing; {@code dsp} is written as {@code yes}/{@code no}. */
  public static String row(String format, SynthResult r) {
    return row(new Row(format, r, null, null));
  }

  /**
   * Writes the header and the rows, creating the parent folder; the file is written next to its
   * final name and then renamed, so an existing file is never left half written.
   */
  public static void write(Path csv, List<Row> rows) {
    StringBuilder sb = new StringBuilder(header()).append('\n');
    for (Row r : rows) sb.append(row(r)).append('\n');
    try {
      AtomicWrite.write(csv, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + csv, e);
    }
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String field(String s) {
    if (s.matches("[^,\"\\r\\n]*")) return s;
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
