package org.exmy.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.exmy.hdl.Component;
import org.exmy.hdl.sim.Batch;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.ExactProduct;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.OperandDecoder;
import org.exmy.simulator.Value;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proof of {@link ExactProductUnit} (the lane module of a dot core, combinational) against its
 * model twin {@link ExactProduct}, unit alone: for every code pair, the unit's {@code io_prod} (+
 * {@code io_neg}) in units of the product quantum equals the model's {@code sig << shift}, and both
 * equal {@code decode(a) * decode(b)} in BigDecimal; NaN and infinite products raise the flag the
 * model's class names and add 0.
 */
class ExactProductUnitTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "E4M3|E4M3",
        "float8_e5m2|float8_e5m2",
        "float8_e4m3fn|E2M1",
        "E2M1|E2M1",
        "INT8|INT8",
        "INT4|UINT4",
        "INT8|E4M3",
        "float8_e5m2|INT4",
        "UINT4|float8_e4m3fnuz",
        "E3M4|E2M3",
        "E3M2:subnormals=off|E5M2",
        "E1M2|INT3"
      })
  void everyPairMultipliesExactly(String pair) {
    String[] p = pair.split("\\|");
    NumberFormat a = Formats.parse(p[0]);
    NumberFormat b = Formats.parse(p[1]);
    CoreSpec spec = CoreSpec.mac(a, b);
    Component c = ExactProductUnit.component(spec, "product_unit", false, false, 64);
    boolean ints = a instanceof IntFormat && b instanceof IntFormat;
    int width = c.port("io_prod").width();
    int lsb = spec.geometry().lsbExponent();
    BigDecimal quantum = Value.finite(BigInteger.ONE, lsb).toBigDecimal(); // 2^lsb
    boolean flags = c.ports().stream().anyMatch(q -> q.name().equals("io_nan"));
    boolean infFlags = c.ports().stream().anyMatch(q -> q.name().equals("io_posInf"));
    ExactProduct model = new ExactProduct(a, b);
    int na = a.codeCount();
    int nb = b.codeCount();
    try (VerilatorSim sim = UnitSim.load(c)) {
      Batch batch = sim.newBatch(na * nb);
      for (int ca = 0; ca < na; ca++) {
        for (int cb = 0; cb < nb; cb++) batch.set("io_a", ca).set("io_b", cb).endStep();
      }
      batch.run();
      for (int ca = 0; ca < na; ca++) {
        for (int cb = 0; cb < nb; cb++) {
          int i = ca * nb + cb;
          String at = a.name() + " x " + b.name() + " codes " + ca + ", " + cb;
          Value va = a.decode(ca);
          Value vb = b.decode(cb);
          int entry = model.get(ca, cb);
          BigInteger prod = UnitSim.signed(batch.getBig(i, "io_prod"), width);
          if (!ints) prod = prod.add(BigInteger.valueOf(batch.get(i, "io_neg")));
          boolean nan =
              va.isNaN()
                  || vb.isNaN()
                  || (va.isInfinite() && vb.isZero())
                  || (va.isZero() && vb.isInfinite());
          boolean inf = !nan && (va.isInfinite() || vb.isInfinite());
          int cls =
              nan
                  ? OperandDecoder.NAN
                  : inf
                      ? (negative(va, vb) ? OperandDecoder.NEG_INF : OperandDecoder.POS_INF)
                      : OperandDecoder.FINITE;
          assertEquals(cls, ExactProduct.cls(entry), at + ": model class");
          if (flags) assertEquals(nan ? 1 : 0, batch.get(i, "io_nan"), at + ": io_nan");
          if (infFlags) {
            assertEquals(
                inf && !negative(va, vb) ? 1 : 0, batch.get(i, "io_posInf"), at + ": io_posInf");
            assertEquals(
                inf && negative(va, vb) ? 1 : 0, batch.get(i, "io_negInf"), at + ": io_negInf");
          }
          if (nan || inf) {
            assertEquals(BigInteger.ZERO, prod, at + ": a special product adds 0");
            continue;
          }
          BigInteger want =
              va.toBigDecimal().multiply(vb.toBigDecimal()).divide(quantum).toBigIntegerExact();
          assertEquals(want, prod, at + ": unit");
          assertEquals(
              want,
              BigInteger.valueOf(ExactProduct.sig(entry)).shiftLeft(ExactProduct.shift(entry)),
              at + ": model");
        }
      }
    }
  }

  /** The sign of an infinite product: the XOR of the operands' sign bits. */
  private static boolean negative(Value x, Value y) {
    return signBit(x) ^ signBit(y);
  }

  private static boolean signBit(Value v) {
    return v.signum() < 0 || v.isNegativeZero();
  }
}
