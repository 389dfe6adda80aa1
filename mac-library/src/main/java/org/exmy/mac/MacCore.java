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
 */
public record MacCore(Component component, NumberFormat a, NumberFormat b, AccumulatorSpec spec) {

  /** The operand formats for people: {@code E4M3}, or {@code E4M3 x float8_e5m2} when they differ. */
  public String label() {
    return a.equals(b) && a.name().equals(b.name()) ? a.name() : a.name() + " x " + b.name();
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
