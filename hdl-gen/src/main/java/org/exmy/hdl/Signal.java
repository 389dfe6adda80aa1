package org.exmy.hdl;

/** A named signal of a {@link Component}: a port, a wire or a register. */
public final class Signal extends Expr {

  /** What declares the signal. */
  public enum Kind {
    INPUT,
    OUTPUT,
    WIRE,
    REG
  }

  private final String name;
  private final Kind kind;
  final Component owner;

  Signal(Component owner, String name, Kind kind, int width) {
    super(width);
    this.owner = owner;
    this.name = name;
    this.kind = kind;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return name + "[" + width() + "]";
  }
}
