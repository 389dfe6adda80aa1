package org.exmy.dse;

import org.exmy.simulator.CoreSpec;

/**
 * One point of the design space: a core (whose {@link CoreSpec#dsp()} says whether its multiplies
 * are written for DSP blocks, and synthesis may use them) and the model whose accuracy it is rated
 * on (null: none).
 */
public record DesignPoint(CoreSpec core, String model) {

  /** Whether synthesis may use DSP blocks (the core's multiplies are written for them). */
  public boolean dsp() {
    return core.dsp();
  }

  /** For people and plot labels: {@code E4M3}, {@code E4M3 x float8_e5m2 (4 lanes) +DSP}. */
  public String label() {
    return core.label();
  }

  /** A short label for plots: the format pair only ({@code E4M3}, {@code INT8/E4M3}). */
  public String shortLabel() {
    String w = core.a().name();
    String a = core.b().name();
    return w.equals(a) ? w : w + "/" + a;
  }
}
