package org.exmy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.exmy.simulator.DecimalInput;
import org.exmy.simulator.E8M0;
import org.exmy.simulator.Formats;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Overflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = {
      "Round decimal numbers read from standard input, one per line, to FORMAT.",
      "Prints CSV 'input,code,value'. Rounding is round-to-nearest-even on the exact decimal "
          + "(no detour through binary64) unless --via float32 is given.",
      "Accepted, ASCII only: [+|-] digits [. [digits]] [e|E [+|-] digits], also .5 and 5.; "
          + "and nan, inf, infinity in any case, with a sign. -0 and -0.0 give -0 where the format "
          + "has one; exponents of any size are fine (1e99999999999 overflows, 1e-99999999999 is 0).",
      "Blank lines are skipped; a line that is not a number is reported on stderr with its "
          + "line number, the rest is still converted, and the exit code is 2.",
      "E8M0 (float8_e8m0fnu): one value a line, through binary64 (--via float32: float32, as ml_dtypes); "
          + "prints 'input,code,value'.",
      "An MX format (MXFP8_E4M3, MXFP8_E5M2, MXFP6_E3M2, MXFP6_E2M3, MXFP4_E2M1, MXINT8, or ExMy/INTn"
          + ":block=K): one block a line, its values separated by spaces or commas (at most K; each read as "
          + "binary64, or float32 with --via float32), quantized as the OCP MX spec defines (docs/quantization.md 'MX "
          + "quantization'); prints 'block,scale_code,scale,codes,values' (codes and values space-separated)."
    })
final class QuantizeCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "e.g. E4M3, float8_e4m3fn, int8")
  String format;

  @Option(
      names = "--overflow",
      paramLabel = "POLICY",
      defaultValue = "nonsat",
      description = {
        "saturate: out-of-range values clamp to the largest finite value; "
            + "nonsat (default, as ml_dtypes): they become inf, or NaN when the format has no inf.",
        "Integer formats always saturate."
      })
  String overflow;

  /** How a decimal reaches the format. */
  enum Via {
    exact,
    float32
  }

  @Option(
      names = "--via",
      paramLabel = "PATH",
      defaultValue = "exact",
      description = {
        "exact (default): round the exact decimal once.",
        "float32: as NumPy + ml_dtypes do for float64 data (x.astype(dtype)): round the decimal "
            + "to float64, that to float32, then to FORMAT; bit for bit what ml_dtypes gives, which "
            + "differs from exact rounding for inputs close to a midpoint (double rounding)."
      })
  Via via;

  @Override
  public Integer call() throws IOException {
    if (E8M0.isName(format) || MxFormat.isMx(format)) {
      return blocks();
    }
    NumberFormat f = Formats.parse(format);
    Overflow policy =
        switch (overflow.toLowerCase(Locale.ROOT)) {
          case "saturate", "sat" -> Overflow.SATURATE;
          case "nonsat", "nonsaturate" -> Overflow.NONSAT;
          default ->
              throw new UsageException(
                  "--overflow must be 'saturate' or 'nonsat', got '" + overflow + "'");
        };
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
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

  /** E8M0 (a value a line) or an MX format (a block a line). */
  private int blocks() throws IOException {
    MxFormat mx = MxFormat.isMx(format) ? MxFormat.parse(format) : null;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.println(mx == null ? "input,code,value" : "block,scale_code,scale,codes,values");
    int bad = 0;
    int lineNo = 0;
    int block = 0;
    for (String line; (line = in.readLine()) != null; ) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty()) continue;
      String[] parts = mx == null ? new String[] {s} : s.split("[\\s,]+");
      double[] x = new double[parts.length];
      try {
        if (mx != null && parts.length > mx.blockSize()) {
          throw new NumberFormatException(
              parts.length + " values, more than the block size " + mx.blockSize());
        }
        for (int i = 0; i < parts.length; i++) {
          double d = DecimalInput.parse(parts[i]).toDouble();
          x[i] = via == Via.float32 ? (double) (float) d : d;
        }
      } catch (NumberFormatException | ArithmeticException e) {
        err.println("exmy: line " + lineNo + ": " + e.getMessage() + " (skipped)");
        bad++;
        continue;
      }
      if (mx == null) {
        int c = E8M0.encode(x[0]);
        out.println(s + "," + String.format("0x%02x", c) + "," + E8M0.decode(c));
        continue;
      }
      MxFormat.Block b = mx.quantize(x, 0, x.length);
      StringBuilder codes = new StringBuilder();
      StringBuilder vals = new StringBuilder();
      for (int i = 0; i < x.length; i++) {
        codes.append(i == 0 ? "" : " ").append(Codes.hex(mx.element(), b.codes()[i]));
        vals.append(i == 0 ? "" : " ").append(mx.value(b.scaleCode(), b.codes()[i]));
      }
      out.println(
          block++
              + ","
              + String.format("0x%02x", b.scaleCode())
              + ","
              + E8M0.decode(b.scaleCode())
              + ","
              + codes
              + ","
              + vals);
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
