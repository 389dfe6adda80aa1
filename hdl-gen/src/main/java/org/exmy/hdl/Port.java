package org.exmy.hdl;

/** A port of a generated module, as it appears in the Verilog. */
public record Port(String name, boolean input, int width) {}
