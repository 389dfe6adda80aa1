package org.exmy.synth;

/**
 * One port of a core as the timing flows need it (synth-scripts does not depend on the HDL model;
 * callers copy their port list into these).
 *
 * @param name plain Verilog identifier
 * @param input true for an input, false for an output (inout ports are not supported)
 * @param width bits, at least 1
 */
public record CorePort(String name, boolean input, int width) {
  public CorePort {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain Verilog port name: " + name);
    }
    if (width < 1) throw new IllegalArgumentException("port " + name + " has width " + width);
  }

  /** An input port. */
  public static CorePort in(String name, int width) {
    return new CorePort(name, true, width);
  }

  /** An output port. */
  public static CorePort out(String name, int width) {
    return new CorePort(name, false, width);
  }
}
