package org.exmy.hdl.sim;

import static org.exmy.hdl.sim.Fixtures.ACC;
import static org.exmy.hdl.sim.Fixtures.ACC_PORTS;
import static org.exmy.hdl.sim.Fixtures.MUL;
import static org.exmy.hdl.sim.Fixtures.MUL_IMPOSTOR;
import static org.exmy.hdl.sim.Fixtures.MUL_PORTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Values through the Verilator/JNI path: combinational, clocked, wide, several models at once. */
class VerilatorSimTest {
  @BeforeAll
  static void needTools() {
    RequireTools.verilatorBackend();
  }

  @Test
  void combinationalMultiplierExhaustive() {
    try (VerilatorSim sim = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null)) {
      assertEquals(List.of("a", "b"), sim.inputs().stream().map(SimPort::name).toList());
      assertEquals(List.of("p"), sim.outputs().stream().map(SimPort::name).toList());
      Batch b = sim.newBatch(65536);
      for (int x = 0; x < 256; x++) {
        for (int y = 0; y < 256; y++) b.set(0, x).set(1, y).endStep();
      }
      assertEquals(65536, b.size());
      b.run();
      for (int i = 0; i < 65536; i++) {
        long want = (long) (i >> 8) * (i & 255);
        assertEquals(want, b.get(i, 0), "step " + i);
        assertEquals(BigInteger.valueOf(want), b.getBig(i, "p"), "step " + i);
      }
      // again through the by-name setters, reusing the batch, values masked to 8 bits
      b.clear();
      b.set("a", 0x1ff).set("b", -1L).endStep();
      b.set("a", BigInteger.valueOf(-2)).endStep(); // b keeps 255
      b.run();
      assertEquals(2, b.size());
      assertEquals(255L * 255, b.get(0, "p"));
      assertEquals(254L * 255, b.get(1, "p"));
    }
  }

  @Test
  void wideClockedAccumulatorMatchesBigInteger() {
    BigInteger mod = BigInteger.ONE.shiftLeft(80);
    BigInteger ones40 = BigInteger.ONE.shiftLeft(40).subtract(BigInteger.ONE);
    try (VerilatorSim sim = VerilatorSim.load(ACC, "acc80", ACC_PORTS, "clk")) {
      assertEquals(
          List.of("reset", "clear", "valid", "x", "y"),
          sim.inputs().stream().map(SimPort::name).toList());
      assertEquals(
          List.of("acc", "ynot", "count"), sim.outputs().stream().map(SimPort::name).toList());
      Random r = new Random(1);
      int n = 3000;
      Batch b = sim.newBatch(n);
      BigInteger acc = BigInteger.ZERO;
      long count = 0;
      b.set("reset", 1)
          .set("clear", 0)
          .set("valid", 1)
          .set("x", BigInteger.TEN)
          .set("y", 0)
          .endStep();
      b.run();
      assertEquals(BigInteger.ZERO, b.getBig(0, "acc"), "synchronous reset wins over valid");
      assertEquals(0, b.get(0, "count"));
      assertEquals(ones40.longValue(), b.get(0, "ynot"));
      b.set("reset", 0);
      for (int round = 0; round < 4; round++) { // state persists across batches
        b.clear();
        BigInteger[] wantAcc = new BigInteger[n];
        long[] wantCount = new long[n];
        BigInteger[] wantY = new BigInteger[n];
        for (int i = 0; i < n; i++) {
          boolean clear = r.nextInt(40) == 0;
          boolean valid = r.nextInt(8) != 0;
          BigInteger x =
              round == 3 ? mod.subtract(BigInteger.ONE) : new BigInteger(80, r); // all-ones: wraps
          BigInteger y = new BigInteger(40, r);
          b.set("clear", clear ? 1 : 0)
              .set("valid", valid ? 1 : 0)
              .set("x", x)
              .set("y", y)
              .endStep();
          if (clear) acc = BigInteger.ZERO;
          if (valid) {
            acc = acc.add(x).mod(mod);
            count++;
          }
          wantAcc[i] = acc;
          wantCount[i] = count;
          wantY[i] = y.xor(ones40);
        }
        b.run();
        for (int i = 0; i < n; i++) {
          assertEquals(
              wantAcc[i], b.getBig(i, "acc"), "acc after step " + i + " of round " + round);
          assertEquals(wantCount[i], b.get(i, "count"), "count after step " + i);
          assertEquals(wantY[i].longValue(), b.get(i, "ynot"), "ynot after step " + i);
          assertEquals(wantY[i], b.getBig(i, 1));
        }
      }
      // idle steps (valid=0) hold the value; unset inputs keep their previous values
      b.clear();
      b.set("valid", 0).set("clear", 0).endStep();
      b.endStep();
      b.run();
      assertEquals(acc, b.getBig(0, "acc"));
      assertEquals(acc, b.getBig(1, "acc"));
      // a negative long sets all 80 bits: acc + (2^80 - 1) = acc - 1
      b.clear();
      b.set("valid", 1).set("x", -1L).endStep();
      b.run();
      assertEquals(acc.subtract(BigInteger.ONE).mod(mod), b.getBig(0, "acc"));
    }
  }

  @Test
  void everyPortWidthRoundTrips() {
    try (VerilatorSim sim =
        VerilatorSim.load(Fixtures.passThrough(), "pass", Fixtures.passThroughPorts(), null)) {
      Random r = new Random(7);
      int n = 200;
      Batch b = sim.newBatch(n);
      List<BigInteger[]> values = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        BigInteger[] v = new BigInteger[Fixtures.WIDTHS.length];
        for (int k = 0; k < v.length; k++) {
          int w = Fixtures.WIDTHS[k];
          v[k] =
              switch (s) {
                case 0 -> BigInteger.ZERO;
                case 1 -> BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
                case 2 -> BigInteger.ONE.shiftLeft(w - 1);
                default -> new BigInteger(w, r);
              };
          if (s % 2 == 0 && w <= 64) b.set(k, v[k].longValue());
          else b.set("i" + w, v[k]);
        }
        b.endStep();
        values.add(v);
      }
      b.run();
      for (int s = 0; s < n; s++) {
        for (int k = 0; k < Fixtures.WIDTHS.length; k++) {
          int w = Fixtures.WIDTHS[k];
          BigInteger v = values.get(s)[k];
          BigInteger not = v.xor(BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE));
          assertEquals(v, b.getBig(s, "o" + w), "o" + w + " step " + s);
          assertEquals(not, b.getBig(s, "n" + w), "n" + w + " step " + s);
          if (w <= 64) {
            assertEquals(v.longValue(), b.get(s, "o" + w), "o" + w + " step " + s);
            assertEquals(not.longValue(), b.get(s, "n" + w), "n" + w + " step " + s);
          }
        }
      }
      // long values of wide ports are taken modulo 2^width, i.e. sign-extended
      b.clear();
      b.set("i4096", -5L).set("i65", Long.MIN_VALUE).set("i33", -1L).endStep();
      b.run();
      assertEquals(
          BigInteger.ONE.shiftLeft(4096).subtract(BigInteger.valueOf(5)), b.getBig(0, "o4096"));
      assertEquals(
          BigInteger.ONE.shiftLeft(65).add(BigInteger.valueOf(Long.MIN_VALUE)), b.getBig(0, "o65"));
      assertEquals((1L << 33) - 1, b.get(0, "o33"));
    }
  }

  @Test
  void differentModelsLiveTogetherInOneJvm() {
    // mul8 and its impostor define the same C++ class and symbols: each library must keep its own.
    try (VerilatorSim mul = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null);
        VerilatorSim add = VerilatorSim.load(MUL_IMPOSTOR, "mul8", MUL_PORTS, null);
        VerilatorSim acc = VerilatorSim.load(ACC, "acc80", ACC_PORTS, "clk");
        VerilatorSim mul2 = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null)) {
      assertTrue(!mul.library().equals(add.library()), "different sources, different libraries");
      Batch bm = mul.newBatch(256);
      Batch ba = add.newBatch(256);
      Batch bm2 = mul2.newBatch(1);
      Batch bacc = acc.newBatch(256);
      bacc.set("reset", 1).endStep();
      bacc.run();
      bacc.clear();
      bacc.set("reset", 0).set("valid", 1);
      for (int round = 0; round < 3; round++) {
        bm.clear();
        ba.clear();
        bacc.clear();
        for (int i = 0; i < 256; i++) {
          bm.set(0, i).set(1, 255 - i).endStep();
          ba.set(0, i).set(1, 255 - i).endStep();
          bacc.set("x", i).endStep();
        }
        bm2.clear();
        bm2.set("a", 3).set("b", 5 + round).endStep();
        bacc.run(); // interleaved on purpose
        bm.run();
        bm2.run();
        ba.run();
        long sum = round * (255L * 256 / 2);
        for (int i = 0; i < 256; i++) {
          sum += i;
          assertEquals((long) i * (255 - i), bm.get(i, "p"), "mul8 step " + i);
          assertEquals(1255, ba.get(i, "p"), "impostor step " + i);
          assertEquals(BigInteger.valueOf(sum), bacc.getBig(i, "acc"), "acc80 step " + i);
        }
        assertEquals(3L * (5 + round), bm2.get(0, "p"));
      }
    }
  }

  @Test
  void stopInTheModelThrowsInsteadOfKillingTheJvm() {
    String src =
        """
        module stopper (input wire clk, input wire [7:0] x, output reg [7:0] q);
          always @(posedge clk) begin
            if (x == 8'hff) $stop;
            q <= x;
          end
        endmodule
        """;
    List<SimPort> ports =
        List.of(new SimPort("clk", true, 1), new SimPort("x", true, 8), new SimPort("q", false, 8));
    try (VerilatorSim sim = VerilatorSim.load(src, "stopper", ports, "clk")) {
      Batch b = sim.newBatch(4);
      b.set(0, 1).endStep();
      b.set(0, 2).endStep();
      b.run();
      assertEquals(2, b.get(1, "q"));
      b.clear();
      b.set(0, 3).endStep();
      b.set(0, 0xff).endStep();
      SimException e = assertThrows(SimException.class, b::run);
      assertTrue(e.getMessage().contains("$stop"), e.getMessage());
      assertTrue(e.getMessage().contains("step 1"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> b.get(0, "q"), "no outputs of a failed run");
    }
  }

  @Test
  void misuseIsReportedClearly() {
    VerilatorSim sim = VerilatorSim.load(MUL, "mul8", MUL_PORTS, null);
    Batch b = sim.newBatch(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.set("c", 1));
    assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.set("p", 1));
    assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> b.get(0, "p"), "get before run");
    b.endStep();
    IllegalStateException full = assertThrows(IllegalStateException.class, b::endStep);
    assertTrue(full.getMessage().contains("full"), full.getMessage());
    b.run();
    e = assertThrows(IllegalArgumentException.class, () -> b.get(0, "q"));
    assertTrue(e.getMessage().contains("[p]"), e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> b.get(1, "p"));
    assertThrows(IllegalArgumentException.class, () -> sim.newBatch(0));
    sim.close();
    sim.close(); // idempotent
    assertThrows(IllegalStateException.class, b::run);
    assertThrows(IllegalStateException.class, () -> sim.newBatch(1));

    assertThrows(
        IllegalArgumentException.class,
        () -> VerilatorSim.load(MUL, "mul8", MUL_PORTS, "clk"),
        "clock not among the ports");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VerilatorSim.load(
                MUL, "mul8", List.of(new SimPort("a", true, 8), new SimPort("a", true, 8)), null),
        "duplicate port");
    assertThrows(IllegalArgumentException.class, () -> new SimPort("x", true, 0));
    assertThrows(IllegalArgumentException.class, () -> new SimPort("x", true, 4097));
  }

  @Test
  void wideOutputNeedsGetBig() {
    try (VerilatorSim sim = VerilatorSim.load(ACC, "acc80", ACC_PORTS, "clk")) {
      Batch b = sim.newBatch(1);
      b.endStep();
      b.run();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.get(0, "acc"));
      assertTrue(e.getMessage().contains("getBig"), e.getMessage());
    }
  }
}
