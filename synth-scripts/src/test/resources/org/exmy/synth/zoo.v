// Small design with one of each Xilinx primitive class that synth_xilinx infers.
module zoo (
  input  wire        clk,
  // distributed RAM: 32 x 4, write synchronous, read asynchronous
  input  wire        we,
  input  wire [4:0]  wa,
  input  wire [4:0]  ra,
  input  wire [3:0]  wd,
  output wire [3:0]  rd,
  // shift register: 24 stages, no reset
  input  wire        sd,
  output wire        sq,
  // block RAM: 1024 x 16, synchronous read
  input  wire        bwe,
  input  wire [9:0]  ba,
  input  wire [15:0] bd,
  output reg  [15:0] bq,
  // multiplier
  input  wire [15:0] ma,
  input  wire [15:0] mb,
  output reg  [31:0] mp,
  // wide multiplexer
  input  wire [7:0]  sel,
  input  wire [255:0] w,
  output reg         y
);
  reg [3:0] lutram [0:31];
  always @(posedge clk) if (we) lutram[wa] <= wd;
  assign rd = lutram[ra];
  reg [23:0] shreg;
  always @(posedge clk) shreg <= {shreg[22:0], sd};
  assign sq = shreg[23];
  reg [15:0] bram [0:1023];
  always @(posedge clk) begin
    if (bwe) bram[ba] <= bd;
    bq <= bram[ba];
  end
  always @(posedge clk) mp <= ma * mb;
  always @(posedge clk) y <= w[sel];
endmodule
