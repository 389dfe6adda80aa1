package org.exmy.hdl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child {@link Component} placed inside a parent by {@link Component#instance}. Every data input
 * of the child must be driven with {@link #in}; {@code clk} and {@code reset} are connected to the
 * parent's own (created on demand). Each child output is visible in the parent as a wire named
 * {@code <instance>_<port>}, returned by {@link #out}.
 *
 * <pre>{@code
 * Instance lane = top.instance("lane0", mac);   // mac: a finished Component
 * lane.in("a", x0).in("b", w0).in("valid", v).in("clear", clr);
 * Signal acc0 = lane.out("acc");                // wire lane0_io_acc
 * }</pre>
 */
public final class Instance {
  private final Component parent;
  private final String name;
  private final Component child;
  private final List<Port> ports;
  private final Map<String, Expr> inputs = new LinkedHashMap<>();
  private final Map<String, Signal> outputs;

  Instance(Component parent, String name, Component child, Map<String, Signal> outputs) {
    this.parent = parent;
    this.name = name;
    this.child = child;
    this.ports = child.ports();
    this.outputs = Collections.unmodifiableMap(outputs);
  }

  public String name() {
    return name;
  }

  /** The instantiated module. */
  public Component component() {
    return child;
  }

  /**
   * Drives input port {@code port} ({@code "a"} or {@code "io_a"}) with {@code value}, which must
   * have exactly the port's width and belong to the parent.
   */
  public Instance in(String port, Expr value) {
    Port p = find(port);
    if (!p.input())
      throw new HdlException(where(p) + " is an output; read it with out(\"" + port + "\")");
    if (p.name().equals("clk") || p.name().equals("reset")) {
      throw new HdlException(
          where(p) + " is connected to the parent's " + p.name() + " automatically");
    }
    if (inputs.containsKey(p.name())) throw new HdlException(where(p) + " is already connected");
    if (value.width() != p.width()) {
      throw new HdlException(
          where(p)
              + " is "
              + p.width()
              + " bits, the value is "
              + value.width()
              + " bits (resize explicitly)");
    }
    parent.checkOwned(value, name + "." + p.name());
    inputs.put(p.name(), value);
    return this;
  }

  /**
   * The parent's wire {@code <instance>_<port>} carrying output {@code port} ({@code "acc"} or
   * {@code "io_acc"}).
   */
  public Signal out(String port) {
    Port p = find(port);
    if (p.input())
      throw new HdlException(where(p) + " is an input; drive it with in(\"" + port + "\", ...)");
    return outputs.get(p.name());
  }

  // ---------------------------------------------------------------- for Component and the emitter

  List<Port> ports() {
    return ports;
  }

  Map<String, Expr> inputMap() {
    return inputs;
  }

  Map<String, Signal> outputMap() {
    return outputs;
  }

  /**
   * Throws unless every data input is driven and the child still has the ports it had when placed.
   */
  void checkComplete() {
    if (!child.ports().equals(ports)) {
      throw new HdlException(
          "component "
              + child.name()
              + " gained ports after it was instantiated as "
              + name
              + " in "
              + parent.name()
              + "; finish a component before instantiating it");
    }
    for (Port p : ports) {
      if (p.input()
          && !p.name().equals("clk")
          && !p.name().equals("reset")
          && !inputs.containsKey(p.name())) {
        throw new HdlException(where(p) + " is not connected");
      }
    }
  }

  private Port find(String port) {
    for (Port p : ports) {
      if (p.name().equals(port) || p.name().equals("io_" + port)) return p;
    }
    throw new HdlException(
        "instance "
            + name
            + " of "
            + child.name()
            + " has no port '"
            + port
            + "'; ports: "
            + String.join(", ", ports.stream().map(Port::name).toList()));
  }

  private String where(Port p) {
    return "port " + p.name() + " of instance " + name + " (" + child.name() + ")";
  }
}
