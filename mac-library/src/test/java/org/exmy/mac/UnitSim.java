package org.exmy.mac;

import java.math.BigInteger;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.sim.SimPort;
import org.exmy.hdl.sim.VerilatorSim;

/**
 * A combinational unit wrapped as its own module and loaded into Verilator, for the unit proofs.
 */
final class UnitSim {
  private UnitSim() {}

  static VerilatorSim load(Component c) {
    List<SimPort> ports =
        c.ports().stream().map(p -> new SimPort(p.name(), p.input(), p.width())).toList();
    return VerilatorSim.load(c.toVerilog(), c.name(), ports, null);
  }

  /** A {@code width}-bit pattern as a two's complement integer. */
  static BigInteger signed(BigInteger pattern, int width) {
    return pattern.testBit(width - 1) ? pattern.subtract(BigInteger.ONE.shiftLeft(width)) : pattern;
  }
}
