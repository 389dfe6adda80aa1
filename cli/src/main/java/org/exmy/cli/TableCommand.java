package org.exmy.cli;

import java.io.PrintWriter;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    description = {
      "Print every code of FORMAT and its exact value as CSV 'code,value'.",
      "Values are exact decimals; specials print as nan, inf, -inf; negative zero as -0."
    })
final class TableCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "e.g. E4M3, float8_e5m2, int8")
  String format;

  @Override
  public void run() {
    NumberFormat f = Formats.parse(format);
    PrintWriter out = spec.commandLine().getOut();
    out.println("code,value");
    for (int c = 0; c < f.codeCount(); c++) {
      out.println(Codes.hex(f, c) + "," + f.decode(c));
    }
    out.flush();
  }
}
