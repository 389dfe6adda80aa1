package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import org.exmy.mac.AtomicFiles;
import org.exmy.mac.Catalogue;
import org.exmy.mac.MacCore;
import org.exmy.simulator.Overflow;
import org.exmy.simulator.Quantizer;
import org.exmy.synth.SynthResult;
import org.exmy.testbench.CrossCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "flow", mixinStandardHelpOptions = true,
    description = {"Generate, verify, synthesize and rate the accuracy of each core: report.csv.",
        "The whole job for each format: generate the MAC core, prove it bit-exact in",
        "Verilator (every operand pair + random accumulate sequences), synthesize it with Yosys",
        "(with and without DSPs) and measure the accuracy cost of the format (SQNR of a Gaussian",
        "tensor quantized with absmax scaling). Writes OUTDIR/report.csv and the cores' Verilog;",
        "a failed check writes its reproduction folder under OUTDIR/failures (see 'exmy verify').",
        "Exit code 1 when any core is not bit-exact."})
final class FlowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CoreSelection selection;

  @Option(names = {"-o", "--out"}, paramLabel = "OUTDIR", defaultValue = "build/flow",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--sequences", paramLabel = "N", defaultValue = "100",
      description = "Random accumulate sequences (up to " + FlowCommand.MAX_LENGTH + " cycles) per core, 0.."
          + Limits.MAX_SEQUENCES + " (default: ${DEFAULT-VALUE}).")
  int sequences;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "100000",
      description = {"Gaussian samples for the accuracy measurement,",
          "1.." + Limits.MAX_SAMPLES + " (default: ${DEFAULT-VALUE})."})
  int samples;

  /** Longest random sequence. */
  static final int MAX_LENGTH = 2000;

  @Option(names = "--no-synth", description = "Skip synthesis.")
  boolean noSynth;

  @Override
  public Integer call() {
    Limits.checkSequences(sequences, MAX_LENGTH);
    Limits.check("--samples", samples, 1, Limits.MAX_SAMPLES);
    VerifyCommand.requireVerilator();
    if (!noSynth) SynthCommand.requireYosys();
    PrintWriter o = spec.commandLine().getOut();
    List<MacCore> cores = selection.cores();
    Catalogue.writeVerilog(out.resolve("verilog"), cores);
    double[] data = Quantizer.gaussian(42, samples);
    String header = "format_a,format_b,bits_a,bits_b,lanes,acc_width,vectors,mismatches,vectors_per_s,"
        + "luts_dsp,ffs,carry4,dsp48,luts_nodsp,carry4_nodsp,sqnr_a_db,sqnr_b_db";
    List<String> rows = new ArrayList<>();
    o.printf("%-24s %5s %9s %5s %8s %6s %5s %9s %8s%n", "format", "acc", "vectors", "bad",
        "LUT+DSP", "DSP48", "FF", "LUT-only", "SQNR dB");
    boolean allOk = true;
    for (MacCore core : cores) {
      List<CrossCheck.Report> reports = VerifyCommand.run(core, sequences, MAX_LENGTH, 1, out.resolve("failures"));
      long vectors = 0;
      long bad = 0;
      double secs = 0;
      for (CrossCheck.Report r : reports) {
        vectors += r.vectors();
        bad += r.mismatches();
        secs += r.seconds();
        if (!r.passed()) o.println("FAIL " + r);
      }
      allOk &= bad == 0;
      SynthResult withDsp = null;
      SynthResult noDsp = null;
      if (!noSynth) {
        List<SynthResult> s = SynthCommand.synth(core, new boolean[] {true, false}, out.resolve("synth"),
            "xc7z020clg400-1");
        withDsp = s.get(0);
        noDsp = s.get(1);
      }
      double sqnrA = Quantizer.evaluate(core.a(), data, Overflow.SATURATE).sqnrDb();
      double sqnrB = core.b().equals(core.a()) ? sqnrA : Quantizer.evaluate(core.b(), data, Overflow.SATURATE).sqnrDb();
      rows.add(String.join(",", csv(core.a().name()), csv(core.b().name()), "" + core.a().bits(),
          "" + core.b().bits(), "" + core.lanes(), "" + core.spec().accWidth(), "" + vectors, "" + bad,
          String.format("%.0f", secs > 0 ? vectors / secs : 0), cell(withDsp, SynthResult::luts),
          cell(withDsp, SynthResult::ffs), cell(withDsp, SynthResult::carry4), cell(withDsp, SynthResult::dsp48),
          cell(noDsp, SynthResult::luts), cell(noDsp, SynthResult::carry4), String.format("%.2f", sqnrA),
          String.format("%.2f", sqnrB)));
      String sqnr = sqnrA == sqnrB ? String.format("%.2f", sqnrA) : String.format("%.2f/%.2f", sqnrA, sqnrB);
      o.printf("%-24s %5d %9d %5d %8s %6s %5s %9s %8s%n", core.label(), core.spec().accWidth(), vectors, bad,
          cell(withDsp, SynthResult::luts, "-"), cell(withDsp, SynthResult::dsp48, "-"),
          cell(withDsp, SynthResult::ffs, "-"), cell(noDsp, SynthResult::luts, "-"), sqnr);
      o.flush();
    }
    Path csv = out.resolve("report.csv");
    try {
      AtomicFiles.write(csv, header + "\n" + String.join("\n", rows) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + csv, e);
    }
    o.println("wrote " + csv + (allOk ? "; every core is bit-exact" : "; SOME CORES ARE NOT BIT-EXACT"));
    o.flush();
    return allOk ? 0 : Main.EXIT_FAILURE;
  }

  private static String cell(SynthResult r, ToIntFunction<SynthResult> f) {
    return cell(r, f, "");
  }

  private static String cell(SynthResult r, ToIntFunction<SynthResult> f, String missing) {
    return r == null ? missing : Integer.toString(f.applyAsInt(r));
  }

  /** A CSV field: quoted when it holds a comma or a quote (format names with ':' options do not). */
  private static String csv(String s) {
    return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
