package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.exmy.hdl.Port;
import org.exmy.mac.Catalogue;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.AccumulatorKind;
import org.exmy.simulator.CoreSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate the Verilog of a MAC core for each FORMAT (times --b FORMAT, default the same).",
      "Writes OUTDIR/<module>.v (never the catalogue manifest) and prints the module's interface."
    })
final class GenerateCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Mixin DspOption dspOption;

  @Mixin MxCores mx;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "OUTDIR",
      defaultValue = "build/verilog",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "MODULE",
      description =
          "Module name, with one FORMAT only (default: exmy_mac_<format>... or exmy_dot<N>_<format>...).")
  String name;

  @Option(
      names = "--from",
      paramLabel = "MODEL",
      description =
          "Instead of FORMATs: the cores a QONNX model needs (one per Conv/Gemm/MatMul whose inputs both come"
              + " from quantization nodes: weight format x activation format, exact for the node's fan-in, or --acc),"
              + " and OUTDIR/manifest.csv: node,op,core,a_format,b_format,terms,macs_per_inference.")
  String from;

  @Override
  public void run() {
    if (from != null) {
      if (!selection.formats.isEmpty() || name != null) {
        throw new UsageException(
            "--from takes the formats from the model; give no FORMAT and no --name");
      }
      QonnxRun.generate(this);
      return;
    }
    if (selection.formats.isEmpty()) throw new UsageException("generate needs at least one FORMAT");
    if (name != null && selection.formats.size() > 1)
      throw new UsageException("--name needs exactly one FORMAT");
    PrintWriter o = spec.commandLine().getOut();
    if (MxCores.selected(selection)) {
      for (org.exmy.simulator.MxCoreSpec s : mx.specs(selection, dspOption.dsp)) {
        org.exmy.mac.MxCore core =
            name == null
                ? org.exmy.mac.MxGenerator.generate(s)
                : org.exmy.mac.MxGenerator.generate(s, name);
        o.println("wrote " + MxCores.write(out, core));
        MxCores.describe(o, core);
      }
      o.flush();
      return;
    }
    for (CoreSpec s0 : selection.specs()) {
      CoreSpec s = dspOption.apply(s0);
      MacCore core;
      try {
        core = name == null ? MacGenerator.generate(s) : MacGenerator.generate(s, name);
      } catch (org.exmy.hdl.HdlException e) {
        throw new UsageException(e.getMessage());
      }
      o.println("wrote " + Catalogue.writeVerilog(out, core));
      describe(o, core);
    }
    o.flush();
  }

  static void describe(PrintWriter o, MacCore core) {
    CoreSpec s = core.spec();
    var g = s.geometry();
    if (s.accumulator() instanceof AccumulatorKind.Fixed f) {
      o.println("module " + core.moduleName() + ": " + s.label() + ", latency " + s.latency());
      o.println(
          "  accumulator: fixed point, "
              + f.width()
              + " bits, "
              + (f.saturate() ? "saturating" : "wrapping")
              + ", products rounded "
              + (f.nearestEven() ? "to nearest even" : "down (floor)")
              + "; value = io_acc * 2^"
              + f.lsbExponent());
    } else if (s.accumulator() instanceof AccumulatorKind.Floating f) {
      o.println("module " + core.moduleName() + ": " + s.label() + ", latency " + s.latency());
      o.println(
          "  accumulator: floating point "
              + f.tag()
              + " = E"
              + f.exponentBits()
              + "M"
              + f.mantissaBits()
              + " (bias "
              + f.bias()
              + "), rounded to nearest even every cycle; io_acc = sign, exponent, mantissa");
    } else {
      o.println(
          "module "
              + core.moduleName()
              + ": "
              + s.label()
              + ", exact for "
              + s.terms()
              + " products, latency "
              + s.latency());
      o.println(
          "  accumulator: "
              + g.width()
              + " bits = "
              + g.productBits()
              + " product + "
              + g.guardBits()
              + " guard + 1 sign; value = io_acc * 2^"
              + g.lsbExponent());
    }
    for (Port p : core.ports()) {
      o.println(
          String.format(
              "  %-6s %-10s %3d bit%s",
              p.input() ? "input" : "output", p.name(), p.width(), p.width() == 1 ? "" : "s"));
    }
  }
}
