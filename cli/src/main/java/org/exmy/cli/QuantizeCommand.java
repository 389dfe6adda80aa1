package org.exmy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.exmy.simulator.DecimalInput;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = {"Round decimal numbers read from standard input, one per line, to FORMAT.",
        "Prints CSV 'input,code,value'. Rounding is round-to-nearest-even on the exact decimal "
        + "(no detour through binary64) unless --via float32 is given.",
        "Accepted, ASCII only: [+|-] digits [. [digits]] [e|E [+|-] digits], also .5 and 5.; "
        + "and nan, inf, infinity in any case, with a sign. -0 and -0.0 give -0 where the format "
        + "has one; exponents of any size are fine (1e99999999999 overflows, 1e-99999999999 is 0).",
        "Blank lines are skipped; a line that is not a number is reported on stderr with its "
        + "line number, the rest is still converted, and the exit code is 2."})
final class QuantizeCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "e.g. E4M3, float8_e4m3fn, int8")
  String format;

  @Option(names = "--overflow", paramLabel = "POLICY", defaultValue = "nonsat",
      description = {"saturate: out-of-range values clamp to the largest finite value; "
          + "nonsat (default, as ml_dtypes): they become inf, or NaN when the format has no inf.",
          "Integer formats always saturate."})
  String overflow;

  /** How a decimal reaches the format. */
  enum Via { exact, float32 }

  @Option(names = "--via", paramLabel = "PATH", defaultValue = "exact",
      description = {"exact (default): round the exact decimal once.",
          "float32: as NumPy + ml_dtypes do for float64 data (x.astype(dtype)): round the decimal "
          + "to float64, that to float32, then to FORMAT; bit for bit what ml_dtypes gives, which "
          + "differs from exact rounding for inputs close to a midpoint (double rounding)."})
  Via via;

  @Override
  public Integer call() throws IOException {
    NumberFormat f = Formats.parse(format);
    Overflow policy = switch (overflow.toLowerCase(Locale.ROOT)) {
      case "saturate", "sat" -> Overflow.SATURATE;
      case "nonsat", "nonsaturate" -> Overflow.NONSAT;
      default -> throw new UsageException("--overflow must be 'saturate' or 'nonsat', got '" + overflow + "'");
    };
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.println("input,code,value");
    int bad = 0;
    int lineNo = 0;
    for (String line; (line = in.readLine()) != null; ) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty()) continue;
      int code;
      try {
        DecimalInput x = DecimalInput.parse(s);
        code = via == Via.float32 ? x.encodeViaFloat32(f, policy) : x.encode(f, policy);
      } catch (NumberFormatException | ArithmeticException e) {
        err.println("exmy: line " + lineNo + ": " + e.getMessage() + " (skipped)");
        bad++;
        continue;
      }
      out.println(s + "," + Codes.hex(f, code) + "," + f.decode(code));
    }
    out.flush();
    if (bad > 0) {
      err.println("exmy: " + bad + " line(s) could not be converted");
      err.flush();
      return Main.EXIT_USAGE;
    }
    return 0;
  }
}
