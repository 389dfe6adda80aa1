package org.exmy.hdl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VerilatorSimTest {
  static final String MUL = """
      module mul8 (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
        assign p = {8'd0, a} * {8'd0, b};
      endmodule
      """;
  static final List<SimPort> MUL_PORTS = List.of(new SimPort("a", true, 8), new SimPort("b", true, 8),
      new SimPort("p", false, 16));

  static final String ACC = """
      module acc80 (input wire clk, input wire reset, input wire clear, input wire valid,
                    input wire [79:0] x, input wire [39:0] y, output reg [79:0] acc, output wire [39:0] ynot);
        always @(posedge clk) begin
          if (reset) acc <= 80'd0;
          else if (valid) acc <= (clear ? 80'd0 : acc) + x;
          else if (clear) acc <= 80'd0;
        end
        assign ynot = ~y;
      endmodule
      """;
  static final List<SimPort> ACC_PORTS = List.of(new SimPort("clk", true, 1), new SimPort("reset", true, 1),
      new SimPort("clear", true, 1), new SimPort("valid", true, 1), new SimPort("x", true, 80),
      new SimPort("y", true, 40), new SimPort("acc", false, 80), new SimPort("ynot", false, 40));

  @BeforeAll
  static void needTools() {
    assumeTrue(VerilatorSim.available() || System.getenv("CI") != null, "verilator/g++ not installed");
  }

  @Test
  void combinationalMultiplierExhaustive() {
    try (VerilatorSim sim = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null)) {
      Batch b = sim.newBatch(65536);
      for (int x = 0; x < 256; x++) {
        for (int y = 0; y < 256; y++) {
          b.set(0, x).set(1, y).endStep();
        }
      }
      b.run();
      for (int i = 0; i < 65536; i++) {
        assertEquals((long) (i >> 8) * (i & 255), b.get(i, "p"), "step " + i);
      }
    }
  }

  @Test
  void wideClockedAccumulatorMatchesBigInteger() {
    BigInteger mod = BigInteger.ONE.shiftLeft(80);
    try (VerilatorSim sim = VerilatorSim.load(ACC, "acc80", ACC_PORTS, "clk")) {
      assertEquals(List.of("reset", "clear", "valid", "x", "y"), sim.inputs().stream().map(SimPort::name).toList());
      Batch b = sim.newBatch(5000);
      Random r = new Random(1);
      BigInteger[] expect = new BigInteger[5000];
      BigInteger[] expectY = new BigInteger[5000];
      BigInteger acc = BigInteger.ZERO;
      b.set("reset", 1).set("clear", 0).set("valid", 0).set("x", 0).set("y", 0).endStep();
      expect[0] = BigInteger.ZERO;
      expectY[0] = BigInteger.ONE.shiftLeft(40).subtract(BigInteger.ONE);
      b.set("reset", 0);
      for (int i = 1; i < 5000; i++) {
        boolean clear = r.nextInt(50) == 0;
        boolean valid = r.nextInt(10) != 0;
        BigInteger x = new BigInteger(80, r);
        BigInteger y = new BigInteger(40, r);
        b.set("clear", clear ? 1 : 0).set("valid", valid ? 1 : 0).set("x", x).set("y", y).endStep();
        if (clear) acc = BigInteger.ZERO;
        if (valid) acc = acc.add(x).mod(mod);
        expect[i] = acc;
        expectY[i] = y.xor(BigInteger.ONE.shiftLeft(40).subtract(BigInteger.ONE));
      }
      b.run();
      for (int i = 0; i < 5000; i++) {
        assertEquals(expect[i], b.getBig(i, "acc"), "acc after step " + i);
        assertEquals(expectY[i].longValue(), b.get(i, "ynot"), "ynot after step " + i);
      }
      // state persists into the next batch
      b.clear();
      b.set("clear", 0).set("valid", 1).set("x", BigInteger.ONE).endStep();
      b.run();
      assertEquals(acc.add(BigInteger.ONE).mod(mod), b.getBig(0, "acc"));
    }
  }

  @Test
  void twoModelsLiveTogetherAndTheCacheIsUsed() {
    try (VerilatorSim mul = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null);
         VerilatorSim mul2 = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null)) {
      assertTrue(VerilatorSim.lastLoadWasCached(), "second load of the same source must hit the cache");
      try (VerilatorSim acc = VerilatorSim.load(ACC, "acc80", ACC_PORTS, "clk")) {
        Batch bm = mul.newBatch(1);
        bm.set("a", 200).set("b", 201).endStep();
        bm.run();
        Batch bm2 = mul2.newBatch(1);
        bm2.set("a", 3).set("b", 5).endStep();
        bm2.run();
        Batch ba = acc.newBatch(2);
        ba.set("reset", 0).set("clear", 1).set("valid", 1).set("x", 7).endStep();
        ba.set("clear", 0).endStep();
        ba.run();
        assertEquals(40200, bm.get(0, "p"));
        assertEquals(15, bm2.get(0, "p"));
        assertEquals(BigInteger.valueOf(14), ba.getBig(1, "acc"));
      }
    }
  }

  @Test
  void misuseIsReportedClearly() {
    try (VerilatorSim sim = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null)) {
      Batch b = sim.newBatch(1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.set("c", 1));
      assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
      b.endStep();
      assertThrows(IllegalStateException.class, b::endStep);
      sim.close();
      assertThrows(IllegalStateException.class, b::run);
    }
  }

  @Test
  void syntaxErrorCarriesVerilatorsMessage() {
    String bad = "module broken (input wire a, output wire y);\n  assign y = a +;\nendmodule\n";
    SimException e = assertThrows(SimException.class, () -> VerilatorSim.load(bad, "broken",
        List.of(new SimPort("a", true, 1), new SimPort("y", false, 1)), null));
    assertTrue(e.getMessage().contains("verilator failed"), e.getMessage());
    assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
  }
}
