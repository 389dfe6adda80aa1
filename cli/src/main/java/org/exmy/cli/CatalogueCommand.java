package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.exmy.mac.Catalogue;
import org.exmy.mac.MacCore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "catalogue",
    mixinStandardHelpOptions = true,
    description = {
      "Regenerate the standard catalogue of MAC cores and its manifest.",
      "One core per catalogue format, plus " + Catalogue.MANIFEST + " describing each accumulator."
    })
final class CatalogueCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "OUTDIR",
      defaultValue = "verilog-out",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public void run() {
    List<MacCore> cores = Catalogue.cores();
    List<Path> files = Catalogue.write(out, cores);
    PrintWriter o = spec.commandLine().getOut();
    o.println(Catalogue.manifestHeader());
    for (MacCore c : cores) o.println(Catalogue.manifestRow(c));
    o.println("wrote " + files.size() + " files to " + out);
    o.flush();
  }
}
