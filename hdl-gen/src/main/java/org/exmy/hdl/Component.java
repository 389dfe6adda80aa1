package org.exmy.hdl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A hardware module under construction. Port naming follows SpinalHDL conventions: data ports are
 * {@code io_<name>}; a component with registers gets a {@code clk} input and a synchronous,
 * active-high {@code reset} input, declared first.
 *
 * <pre>{@code
 * Component c = new Component("adder8");
 * Signal a = c.input("a", 8), b = c.input("b", 8);
 * c.output("sum", a.addCarry(b));
 * String verilog = c.toVerilog();
 * }</pre>
 */
public class Component {
  private static final Pattern IDENT = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Set<String> RESERVED =
      Set.of(
          "module",
          "endmodule",
          "input",
          "output",
          "inout",
          "wire",
          "reg",
          "assign",
          "always",
          "begin",
          "end",
          "if",
          "else",
          "case",
          "endcase",
          "default",
          "posedge",
          "negedge",
          "integer",
          "parameter",
          "localparam",
          "function",
          "endfunction",
          "for",
          "initial",
          "signed",
          "task",
          "generate",
          "genvar",
          "or",
          "and",
          "not",
          "xor",
          "buf",
          "logic");

  private final String name;
  private final List<String> headerComments = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final List<Signal> inputs = new ArrayList<>();
  private final Map<Signal, Expr> outputs = new LinkedHashMap<>();
  private final Map<Signal, Expr> wires = new LinkedHashMap<>();
  private final Map<Signal, String> comments = new LinkedHashMap<>();
  private final Map<Signal, Reg> regs = new LinkedHashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private Signal clk;
  private Signal reset;

  public Component(String name) {
    checkIdent(name, "module name");
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** A line for the comment block at the top of the generated file. */
  public Component comment(String line) {
    headerComments.add(line);
    return this;
  }

  /** Declares input port {@code io_<name>}. */
  public Signal input(String name, int width) {
    Signal s = declare("io_" + name, Signal.Kind.INPUT, width);
    inputs.add(s);
    return s;
  }

  /** Declares output port {@code io_<name>} driven by {@code value}. */
  public Signal output(String name, Expr value) {
    own(value, "io_" + name);
    Signal s = declare("io_" + name, Signal.Kind.OUTPUT, value.width());
    outputs.put(s, value);
    return s;
  }

  /** A named intermediate net {@code name = value}; names make the Verilog readable. */
  public Signal wire(String name, Expr value) {
    own(value, name);
    Signal s = declare(name, Signal.Kind.WIRE, value.width());
    wires.put(s, value);
    return s;
  }

  /** Like {@link #wire(String, Expr)} with a comment line above the declaration. */
  public Signal wire(String name, Expr value, String comment) {
    Signal s = wire(name, value);
    comments.put(s, comment);
    return s;
  }

  /** A register; creates the {@code clk} and {@code reset} ports on first use. */
  public Reg reg(String name, int width) {
    clock();
    Signal q = declare(name, Signal.Kind.REG, width);
    Reg r = new Reg(q);
    regs.put(q, r);
    return r;
  }

  /**
   * Places {@code child} inside this component as instance {@code name}. The child should be
   * finished (all ports declared): its outputs become wires {@code <name>_<port>} here at once, and
   * {@link #toVerilog} refuses a child whose ports changed since. A clocked child makes this
   * component clocked too (its {@code clk} and {@code reset} drive the child's).
   */
  public Instance instance(String name, Component child) {
    checkIdent(name, "instance name");
    if (child == this || child.contains(this)) {
      throw new HdlException(
          "component " + this.name + " cannot contain itself (instance " + name + ")");
    }
    if (names.contains(name))
      throw new HdlException("duplicate name '" + name + "' in " + this.name);
    if (child.isClocked()) clock();
    Map<String, Signal> outs = new LinkedHashMap<>();
    for (Port p : child.ports()) {
      if (!p.input())
        outs.put(p.name(), declare(name + "_" + p.name(), Signal.Kind.WIRE, p.width()));
    }
    names.add(name);
    Instance inst = new Instance(this, name, child, outs);
    instances.put(name, inst);
    return inst;
  }

  /** Instances placed in this component, in order. */
  public List<Instance> instances() {
    return List.copyOf(instances.values());
  }

  /** True when {@code other} is this component or instantiated anywhere below it. */
  boolean contains(Component other) {
    if (other == this) return true;
    for (Instance i : instances.values()) if (i.component().contains(other)) return true;
    return false;
  }

  /** The clock input {@code clk}, created on demand. */
  public Signal clock() {
    if (clk == null) {
      clk = declare("clk", Signal.Kind.INPUT, 1);
      reset = declare("reset", Signal.Kind.INPUT, 1);
    }
    return clk;
  }

  /** The synchronous active-high reset input, or null for a purely combinational component. */
  public Signal reset() {
    return reset;
  }

  public boolean isClocked() {
    return clk != null;
  }

  /** All ports in declaration order: clk, reset, inputs, outputs. */
  public List<Port> ports() {
    List<Port> ps = new ArrayList<>();
    if (clk != null) {
      ps.add(new Port(clk.name(), true, 1));
      ps.add(new Port(reset.name(), true, 1));
    }
    for (Signal s : inputs) ps.add(new Port(s.name(), true, s.width()));
    for (Signal s : outputs.keySet()) ps.add(new Port(s.name(), false, s.width()));
    return Collections.unmodifiableList(ps);
  }

  /** The port with this exact name. */
  public Port port(String portName) {
    return ports().stream()
        .filter(p -> p.name().equals(portName))
        .findFirst()
        .orElseThrow(() -> new HdlException("component " + name + " has no port " + portName));
  }

  /**
   * Emits the component as Verilog-2005: the modules it instantiates first (each once, deepest
   * first), then this one. Every register needs a next value and every instance input a driver; two
   * different components may not share a module name.
   */
  public String toVerilog() {
    Map<String, Component> modules = new LinkedHashMap<>();
    collect(modules);
    StringBuilder sb = new StringBuilder();
    for (Component m : modules.values()) {
      if (m == this) {
        sb.append(new VerilogEmitter(m).emit());
      } else {
        // One self-contained file: the submodules share the top module's file by design.
        sb.append("/* verilator lint_off DECLFILENAME */\n")
            .append(new VerilogEmitter(m).emit())
            .append("/* verilator lint_on DECLFILENAME */\n\n");
      }
    }
    return sb.toString();
  }

  /** Adds the modules below this one, then this one, checking each is complete. */
  private void collect(Map<String, Component> modules) {
    for (Instance i : instances.values()) i.component().collect(modules);
    Component seen = modules.get(name);
    if (seen == this) return;
    if (seen != null) {
      // The same module built twice (e.g. one generator called twice) is emitted once.
      if (new VerilogEmitter(seen).emit().equals(new VerilogEmitter(this).emit())) return;
      throw new HdlException(
          "two different components are both named '" + name + "'; give each module its own name");
    }
    for (Reg r : regs.values()) {
      if (r.nextValue() == null) {
        throw new HdlException("register " + r.q().name() + " of " + name + " has no next value");
      }
    }
    for (Instance i : instances.values()) i.checkComplete();
    modules.put(name, this);
  }

  // ---------------------------------------------------------------- package access for the emitter

  List<String> headerComments() {
    return headerComments;
  }

  List<Signal> inputSignals() {
    return inputs;
  }

  Map<Signal, Expr> outputMap() {
    return outputs;
  }

  Map<Signal, Expr> wireMap() {
    return wires;
  }

  Map<Signal, String> wireComments() {
    return comments;
  }

  Map<Signal, Reg> regMap() {
    return regs;
  }

  Map<String, Instance> instanceMap() {
    return instances;
  }

  Signal clkSignal() {
    return clk;
  }

  Signal resetSignal() {
    return reset;
  }

  /** Reserves a fresh identifier for an emitter temporary. */
  String freshName(String base) {
    int i = 1;
    while (names.contains(base + i)) i++;
    names.add(base + i);
    return base + i;
  }

  // ---------------------------------------------------------------- helpers

  private Signal declare(String n, Signal.Kind kind, int width) {
    checkIdent(n, "signal name");
    if (!names.add(n)) throw new HdlException("duplicate signal name '" + n + "' in " + name);
    return new Signal(this, n, kind, width);
  }

  void checkOwned(Expr e, String where) {
    own(e, where);
  }

  private void own(Expr e, String where) {
    if (e instanceof Signal s && s.owner != this) {
      throw new HdlException(where + " uses signal " + s.name() + " of another component");
    }
  }

  private static void checkIdent(String n, String what) {
    if (n == null || !IDENT.matcher(n).matches() || RESERVED.contains(n)) {
      throw new HdlException(
          "illegal "
              + what
              + " '"
              + n
              + "': use a letter followed by letters, digits or '_' (not a Verilog keyword)");
    }
  }
}
