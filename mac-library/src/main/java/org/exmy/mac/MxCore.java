package org.exmy.mac;

import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Port;
import org.exmy.simulator.MxCoreSpec;

/**
 * A generated MX dot-product core ({@link MxGenerator}): its {@link MxCoreSpec} and the DSL
 * component.
 *
 * <p>Interface (all synchronous to the rising edge of {@code clk}):
 *
 * <ul>
 *   <li>{@code reset} (active high): accumulator, flags and pipeline registers to zero.
 *   <li>{@code io_clear}: start a new sum this cycle.
 *   <li>{@code io_valid}: add this cycle's lanes: {@code io_a} / {@code io_b} for one lane, {@code
 *       io_a_0 .. io_a_<L-1>} and {@code io_b_0 ..} for L lanes (element codes), under {@code
 *       io_scale_a} and {@code io_scale_b} (the E8M0 scale codes of their block).
 *   <li>{@code io_acc}: the exact sum, two's complement in units of 2^{@link
 *       MxCoreSpec#lsbExponent()}; with a float accumulator its bit pattern.
 *   <li>{@code io_nan} (always), {@code io_posInf} and {@code io_negInf} (MXFP8_E5M2), {@code
 *       io_range} (a narrowed scale range, {@link MxCoreSpec#scales()}): sticky.
 * </ul>
 *
 * Latency {@link MxCoreSpec#latency()}: {@code io_acc} after the edge of cycle t includes the lanes
 * presented up to cycle {@code t - latency + 1}.
 */
public record MxCore(MxCoreSpec spec, Component component) {

  /** Element a's port of {@code lane}. */
  public String aPort(int lane) {
    return spec.lanes() == 1 ? "io_a" : "io_a_" + lane;
  }

  /** Element b's port of {@code lane}. */
  public String bPort(int lane) {
    return spec.lanes() == 1 ? "io_b" : "io_b_" + lane;
  }

  public int lanes() {
    return spec.lanes();
  }

  public int latency() {
    return spec.latency();
  }

  public String moduleName() {
    return component.name();
  }

  public String label() {
    return spec.label();
  }

  public String verilog() {
    return component.toVerilog();
  }

  public List<Port> ports() {
    return component.ports();
  }
}
