package org.exmy.hdl.sim;

import java.util.List;

/** Hand-written Verilog models for the backend's tests. */
final class Fixtures {
  private Fixtures() {}

  static final String MUL =
      """
      module mul8 (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
        assign p = {8'd0, a} * {8'd0, b};
      endmodule
      """;
  static final List<SimPort> MUL_PORTS =
      List.of(new SimPort("a", true, 8), new SimPort("b", true, 8), new SimPort("p", false, 16));

  /**
   * Same top module name (so same C++ class and symbol names) as {@link #MUL}, different function.
   */
  static final String MUL_IMPOSTOR =
      """
      module mul8 (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
        assign p = {8'd0, a} + {8'd0, b} + 16'd1000;
      endmodule
      """;

  /** Accumulator with synchronous reset, clear and valid; 80 bits, so the VlWide path. */
  static final String ACC =
      """
      module acc80 (input wire clk, input wire reset, input wire clear, input wire valid,
                    input wire [79:0] x, input wire [39:0] y, output reg [79:0] acc, output wire [39:0] ynot,
                    output reg [31:0] count);
        always @(posedge clk) begin
          if (reset) begin
            acc <= 80'd0;
            count <= 32'd0;
          end else begin
            if (valid) acc <= (clear ? 80'd0 : acc) + x;
            else if (clear) acc <= 80'd0;
            if (valid) count <= count + 32'd1;
          end
        end
        assign ynot = ~y;
      endmodule
      """;

  static final List<SimPort> ACC_PORTS =
      List.of(
          new SimPort("clk", true, 1),
          new SimPort("reset", true, 1),
          new SimPort("clear", true, 1),
          new SimPort("valid", true, 1),
          new SimPort("x", true, 80),
          new SimPort("y", true, 40),
          new SimPort("acc", false, 80),
          new SimPort("ynot", false, 40),
          new SimPort("count", false, 32));

  /**
   * Every Verilator port type: CData, SData, IData, QData (33 and 64 bits), VlWide (65 and 4096).
   */
  static final int[] WIDTHS = {1, 8, 9, 16, 17, 32, 33, 64, 65, 96, 4096};

  static String passThrough() {
    StringBuilder sb = new StringBuilder("module pass (");
    for (int w : WIDTHS) {
      sb.append("input wire [").append(w - 1).append(":0] i").append(w).append(", ");
      sb.append("output wire [").append(w - 1).append(":0] o").append(w).append(", ");
      sb.append("output wire [").append(w - 1).append(":0] n").append(w).append(", ");
    }
    sb.setLength(sb.length() - 2);
    sb.append(");\n");
    for (int w : WIDTHS) {
      sb.append("  assign o").append(w).append(" = i").append(w).append(";\n");
      sb.append("  assign n").append(w).append(" = ~i").append(w).append(";\n");
    }
    return sb.append("endmodule\n").toString();
  }

  static List<SimPort> passThroughPorts() {
    List<SimPort> ports = new java.util.ArrayList<>();
    for (int w : WIDTHS) {
      ports.add(new SimPort("i" + w, true, w));
      ports.add(new SimPort("o" + w, false, w));
      ports.add(new SimPort("n" + w, false, w));
    }
    return ports;
  }
}
