package org.exmy.cli;

import org.exmy.simulator.CoreSpec;
import picocli.CommandLine.Option;

/** {@code --dsp} on commands that make one core per spec: its multiplies written for DSP blocks. */
final class DspOption {
  @Option(
      names = "--dsp",
      description =
          "Write the multiplies as Verilog '*' for DSP blocks (default: LUTs and"
              + " carry chains, radix-4 Booth rows); never changes results.")
  boolean dsp;

  /** The spec with this choice. */
  CoreSpec apply(CoreSpec s) {
    return s.withDsp(dsp);
  }
}
