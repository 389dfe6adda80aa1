package org.exmy.hdl.sim;

/** A port of a model to simulate: name as in the Verilog, direction, width in bits (1..4096). */
public record SimPort(String name, boolean input, int width) {
  public SimPort {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("illegal port name '" + name + "'");
    }
    if (width < 1 || width > 4096) {
      throw new IllegalArgumentException("port " + name + ": width must be 1..4096, got " + width);
    }
  }

  /** Number of 32-bit words the port occupies in a batch row. */
  public int words() {
    return (width + 31) / 32;
  }
}
