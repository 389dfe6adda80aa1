package org.exmy.mac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exmy.base.AtomicWrite;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;

/**
 * The standard catalogue of cores kept in {@code verilog-out/}: one same-format MAC per catalogue
 * format.
 */
public final class Catalogue {
  /** File listing the catalogue cores and their accumulator geometry. */
  public static final String MANIFEST = "catalogue.csv";

  private Catalogue() {}

  public static List<MacCore> cores() {
    List<MacCore> cores = new ArrayList<>();
    for (NumberFormat f : Formats.catalogue()) {
      cores.add(MacGenerator.generate(CoreSpec.mac(f, f)));
    }
    return cores;
  }

  public static String manifestHeader() {
    return "module,format_a,format_b,terms,lanes,accumulator,pipeline,latency,acc_width,lsb_exponent,"
        + "product_bits,guard_bits,flags,generator";
  }

  /** The catalogue row of a core, every column derived from its {@link CoreSpec}. */
  public static String manifestRow(MacCore c) {
    CoreSpec s = c.spec();
    var g = s.geometry();
    return String.join(
        ",",
        c.moduleName(),
        s.a().name(),
        s.b().name(),
        "" + s.terms(),
        "" + s.lanes(),
        s.accumulator().tag(),
        "\"" + s.pipeline() + "\"",
        "" + s.latency(),
        "" + s.accWidth(),
        "" + g.lsbExponent(),
        "" + g.productBits(),
        "" + g.guardBits(),
        c.hasFlags() ? "yes" : "no",
        MacGenerator.VERSION);
  }

  /**
   * Writes {@code <module>.v} of one core into {@code dir} (nothing else), atomically; returns the
   * file.
   */
  public static Path writeVerilog(Path dir, MacCore core) {
    return writeVerilog(dir, List.of(core)).get(0);
  }

  /**
   * Writes {@code <module>.v} for every core plus {@value #MANIFEST} (the catalogue's own listing:
   * only {@code exmy catalogue} writes it); returns the files written.
   */
  public static List<Path> write(Path dir, List<MacCore> cores) {
    List<Path> written = new ArrayList<>(writeVerilog(dir, cores));
    StringBuilder manifest = new StringBuilder(manifestHeader()).append('\n');
    for (MacCore c : cores) manifest.append(manifestRow(c)).append('\n');
    Path m = dir.resolve(MANIFEST);
    writeFile(dir, m, manifest.toString());
    written.add(m);
    return written;
  }

  /**
   * Writes {@code <module>.v} for every core and nothing else (a {@value #MANIFEST} in {@code dir}
   * stays as it is); returns the files written. Each file is written to a temporary file in {@code
   * dir} and renamed over the old one, so an interrupted run leaves the old file intact.
   */
  public static List<Path> writeVerilog(Path dir, List<MacCore> cores) {
    List<Path> written = new ArrayList<>();
    for (MacCore c : cores) {
      Path f = dir.resolve(c.moduleName() + ".v");
      writeFile(dir, f, c.verilog());
      written.add(f);
    }
    return written;
  }

  private static void writeFile(Path dir, Path file, String text) {
    try {
      AtomicWrite.write(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + IoText.of(e), e);
    }
  }
}
