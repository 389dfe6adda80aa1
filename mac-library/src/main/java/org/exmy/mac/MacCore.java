package org.exmy.mac;

import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Port;
import org.exmy.simulator.AccumulatorSpec;
import org.exmy.simulator.NumberFormat;

/**
 * A generated MAC core: the DSL component plus what a user needs to drive it.
 *
 * <p>Interface (all synchronous to the rising edge of {@code clk}):
 * <ul>
 *   <li>{@code reset} (active high): accumulator and flags to zero.</li>
 *   <li>{@code io_clear}: start a new sum; the accumulator restarts from zero this cycle.</li>
 *   <li>{@code io_valid}: add {@code io_a * io_b} this cycle.</li>
 *   <li>{@code io_acc}: the exact running sum, a two's complement integer in units of
 *       2^{@link AccumulatorSpec#lsbExponent()}; exact for up to {@code terms} products, wraps after.</li>
 *   <li>{@code io_nan} (when an operand format has NaN or inf) and {@code io_posInf},
 *       {@code io_negInf} (when one has inf): sticky flags since the last clear. The sum is NaN when
 *       io_nan or both inf flags are set, else +-inf when one inf flag is set, else io_acc.</li>
 * </ul>
 * Latency: one cycle; {@code io_acc} after the edge includes the product presented before it.
 *
 * <p>A dot-product core ({@code lanes > 1}) has {@code io_a_0 .. io_a_<lanes-1>} and {@code io_b_0
 * ..} instead of {@code io_a}, {@code io_b}; {@code io_valid} adds all lanes' products in one cycle,
 * and a NaN or infinite product in any lane sets its flag.
 */
public record MacCore(Component component, NumberFormat a, NumberFormat b, AccumulatorSpec spec, int lanes) {

  /** A one-lane MAC. */
  public MacCore(Component component, NumberFormat a, NumberFormat b, AccumulatorSpec spec) {
    this(component, a, b, spec, 1);
  }

  /** Operand a's port of {@code lane}: {@code io_a} for a MAC, {@code io_a_<lane>} for a dot core. */
  public String aPort(int lane) {
    return lanes == 1 ? "io_a" : "io_a_" + lane;
  }

  /** Operand b's port of {@code lane}. */
  public String bPort(int lane) {
    return lanes == 1 ? "io_b" : "io_b_" + lane;
  }

  /** The operand formats for people: {@code E4M3}, or {@code E4M3 x float8_e5m2} when they differ. */
  public String label() {
    String f = a.equals(b) && a.name().equals(b.name()) ? a.name() : a.name() + " x " + b.name();
    return lanes == 1 ? f : f + " (" + lanes + " lanes)";
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
    return spec.hasSpecials();
  }

  /** True when the core has the {@code io_posInf} / {@code io_negInf} flags. */
  public boolean hasInfFlags() {
    return ports().stream().anyMatch(p -> p.name().equals("io_posInf"));
  }
}
