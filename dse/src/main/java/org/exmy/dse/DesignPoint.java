package org.exmy.dse;

import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.MxFormat;

/**
 * One point of the design space: a core (whose {@link CoreSpec#dsp()} says whether its multiplies
 * are written for DSP blocks, and synthesis may use them) and the model whose accuracy it is rated
 * on (null: none).
 *
 * <p>An MX point ({@code mxW} and {@code mxA} not null) is rated with MX quantization
 * (docs/quantization.md "MX quantization"); its {@code core} is the plain core of the element
 * formats (for the accuracy stage's options); the sweep proves and synthesizes the MX core that
 * stands for it ({@code Sweep.mxCore}).
 */
public record DesignPoint(CoreSpec core, String model, MxFormat mxW, MxFormat mxA) {

  /** A point of a plain (non-MX) core. */
  public DesignPoint(CoreSpec core, String model) {
    this(core, model, null, null);
  }

  /** True for an MX point. */
  public boolean isMx() {
    return mxW != null;
  }

  /** Whether synthesis may use DSP blocks (the core's multiplies are written for them). */
  public boolean dsp() {
    return core.dsp();
  }

  /**
   * For people and plot labels: {@code E4M3}, {@code E4M3 x float8_e5m2 (4 lanes) +DSP}, {@code
   * MXFP4_E2M1 (MX)}.
   */
  public String label() {
    return isMx() ? shortLabel() + " (MX)" : core.label();
  }

  /** A short label for plots: the format pair only ({@code E4M3}, {@code INT8/E4M3}). */
  public String shortLabel() {
    String w = weightsName();
    String a = activationsName();
    return w.equals(a) ? w : w + "/" + a;
  }

  /** The weight format's name (the MX name for an MX point). */
  public String weightsName() {
    return isMx() ? mxW.name() : core.a().name();
  }

  /** The activation format's name (the MX name for an MX point). */
  public String activationsName() {
    return isMx() ? mxA.name() : core.b().name();
  }
}
