package org.exmy.mac;

import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Port;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.NumberFormat;

/**
 * A generated core: its {@link CoreSpec} and the DSL component.
 *
 * <p>Interface (all synchronous to the rising edge of {@code clk}):
 *
 * <ul>
 *   <li>{@code reset} (active high): accumulator, flags and pipeline registers to zero.
 *   <li>{@code io_clear}: start a new sum; the accumulator restarts from zero this cycle.
 *   <li>{@code io_valid}: add {@code io_a * io_b} this cycle (a dot core: {@code io_a_0 ..
 *       io_a_<lanes-1>} times {@code io_b_0 ..}, all lanes' products).
 *   <li>{@code io_acc}: the running sum, as the accumulator kind defines it; for the exact
 *       accumulator a two's complement integer in units of 2^{@link AccumulatorSpec#lsbExponent()},
 *       exact for up to {@code terms} products, wrapping after.
 *   <li>{@code io_nan} (when an operand format has NaN or inf) and {@code io_posInf}, {@code
 *       io_negInf} (when one has inf): sticky flags since the last clear.
 * </ul>
 *
 * Latency: {@link CoreSpec#latency()} cycles: {@code io_acc} after the edge of cycle t includes the
 * products presented in cycles up to {@code t - latency + 1}.
 */
public record MacCore(CoreSpec spec, Component component) {

  public NumberFormat a() {
    return spec.a();
  }

  public NumberFormat b() {
    return spec.b();
  }

  public int lanes() {
    return spec.lanes();
  }

  public int latency() {
    return spec.latency();
  }

  /** The exact accumulator geometry (product quantum, widths). */
  public AccumulatorSpec geometry() {
    return spec.geometry();
  }

  /**
   * Operand a's port of {@code lane}: {@code io_a} for a MAC, {@code io_a_<lane>} for a dot core.
   */
  public String aPort(int lane) {
    return spec.lanes() == 1 ? "io_a" : "io_a_" + lane;
  }

  /** Operand b's port of {@code lane}. */
  public String bPort(int lane) {
    return spec.lanes() == 1 ? "io_b" : "io_b_" + lane;
  }

  public String label() {
    return spec.label();
  }

  public String moduleName() {
    return component.name();
  }

  public String verilog() {
    return component.toVerilog();
  }

  public List<Port> ports() {
    return component.ports();
  }

  public Port port(String name) {
    return component.port(name);
  }

  /** True when the core has the {@code io_nan} flag. */
  public boolean hasFlags() {
    return spec.hasNanFlag();
  }

  /** True when the core has the {@code io_posInf} / {@code io_negInf} flags. */
  public boolean hasInfFlags() {
    return spec.hasInfFlags();
  }
}
