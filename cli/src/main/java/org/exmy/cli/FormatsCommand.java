package org.exmy.cli;

import java.io.PrintWriter;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "formats",
    mixinStandardHelpOptions = true,
    description = {
      "List number formats as CSV: the standard catalogue, or the formats named.",
      "",
      "Names: ExMy (E2M1, e4m3; bias 2^(E-1)-1, subnormals, every code finite), "
          + "  ExMy:bias=N:specials=ieee|fn|fnuz|none:subnormals=on|off, "
          + "  INTn / UINTn (n = 2..8), and the ml_dtypes names float8_e4m3fn, float8_e4m3fnuz, "
          + "  float8_e5m2, float8_e5m2fnuz, float8_e3m4, float8_e4m3, float8_e4m3b11fnuz, "
          + "  float6_e2m3fn, float6_e3m2fn, float4_e2m1fn."
    })
final class FormatsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "FORMAT",
      description = "Formats to describe (default: the catalogue).")
  java.util.List<String> names;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("name,bits,exponent_bits,mantissa_bits,bias,specials,subnormals,max,min_positive");
    java.util.List<NumberFormat> fs =
        names == null || names.isEmpty()
            ? Formats.catalogue()
            : names.stream().map(Formats::parse).toList();
    for (NumberFormat f : fs) {
      if (f instanceof FloatFormat ff) {
        out.println(
            String.join(
                ",",
                ff.name(),
                "" + ff.bits(),
                "" + ff.exponentBits(),
                "" + ff.mantissaBits(),
                "" + ff.bias(),
                ff.specials().name().toLowerCase(),
                ff.subnormals() ? "on" : "off",
                ff.maxFinite().toString(),
                ff.minPositive().toString()));
      } else {
        IntFormat i = (IntFormat) f;
        out.println(
            String.join(
                ",",
                i.name(),
                "" + i.bits(),
                "",
                "",
                "",
                i.signed() ? "signed" : "unsigned",
                "",
                "" + i.max(),
                "1"));
      }
    }
    out.flush();
  }
}
