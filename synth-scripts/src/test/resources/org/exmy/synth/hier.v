module add4 (input wire [3:0] x, input wire [3:0] y, output wire [4:0] s);
  assign s = x + y;
endmodule
module hier (input wire clk, input wire [3:0] a, b, c, d, output reg [4:0] p, output reg [4:0] q);
  wire [4:0] s0, s1;
  add4 u0 (.x(a), .y(b), .s(s0));
  add4 u1 (.x(c), .y(d), .s(s1));
  always @(posedge clk) begin p <= s0; q <= s1; end
endmodule
