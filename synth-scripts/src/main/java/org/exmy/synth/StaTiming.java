package org.exmy.synth;

import java.util.List;

/**
 * Yosys {@code sta} on a Xilinx 7-series netlist: the longest register-to-register path counted in
 * the cell delays of Yosys' {@code +/xilinx/cells_sim.v} specify blocks (Artix-7 figures from
 * Project X-Ray, in ps) with <b>zero routing delay</b>. It is a logic-delay estimate, a lower bound
 * on the real period: on 7-series parts routing typically adds as much again.
 *
 * @param top the core (timed inside its {@link SerialWrapper})
 * @param dsp whether DSP48E1 blocks were allowed
 * @param criticalPs arrival time at the critical endpoint, setup time included, ps; when {@code
 *     exact} is false, an upper bound of it (see there)
 * @param exact false when sta's latest arrival is on a net that is no timing endpoint (sta warns
 *     "Critical-path does not terminate in a recognised endpoint"): an unused cell output, such as
 *     the spare sum outputs of the last CARRY4 of an adder whose width is not a multiple of 4.
 *     {@code criticalPs} is then the latest arrival on any net, which is at least that of every
 *     endpoint (setup included): an upper bound. When the cell's used outputs feed flip-flops (as
 *     the accumulator's top CARRY4 does), it is too high by at most the spread of that cell's
 *     output arcs (CARRY4 CI to O[0..3]: 222 to 334 ps)
 * @param endpoint the endpoint cell pin, e.g. {@code FDRE.D}, {@code <primary output>}, or {@code
 *     <no endpoint>} when not exact
 * @param path the cell arcs of the critical path from its start to the endpoint, e.g. {@code
 *     [FDRE.C->Q, LUT6.I0->O, CARRY4.S->CO, CARRY4.CI->O]}
 */
public record StaTiming(
    String top, boolean dsp, int criticalPs, boolean exact, String endpoint, List<String> path) {
  public StaTiming {
    path = List.copyOf(path);
  }

  /** The critical path in ns. */
  public double criticalNs() {
    return criticalPs / 1000.0;
  }

  /** The frequency it implies, 1 / critical path, in MHz (logic only, no routing). */
  public double logicMhz() {
    return 1e6 / criticalPs;
  }

  /** LUT arcs on the critical path (LUT1..LUT6), the path's depth in LUT levels. */
  public long lutLevels() {
    return path.stream().filter(a -> a.matches("LUT[1-6](_2)?\\..*")).count();
  }
}
