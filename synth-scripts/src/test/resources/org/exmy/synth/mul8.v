module mul8 (input wire clk, input wire [7:0] a, input wire [7:0] b, output reg [15:0] p);
  always @(posedge clk) p <= a * b;
endmodule
