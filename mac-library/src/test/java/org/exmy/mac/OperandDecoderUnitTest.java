package org.exmy.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.exmy.hdl.Component;
import org.exmy.hdl.sim.Batch;
import org.exmy.hdl.sim.VerilatorSim;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.OperandDecoder;
import org.exmy.simulator.Value;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof of {@link OperandDecoderUnit} against its model twin {@link OperandDecoder}, unit alone:
 * for every code of each format, the unit's sign, significand, shift and NaN / inf / zero classes
 * in Verilator equal the model's, and both equal the value the format's own decode gives ({@code
 * |value| = sig * 2^(shift - offset) * 2^lsb}, BigDecimal).
 */
class OperandDecoderUnitTest {

  @BeforeAll
  static void needVerilator() {
    RequireTools.verilatorBackend();
  }

  static Stream<String> formats() {
    return Stream.concat(
        Formats.catalogue().stream().map(NumberFormat::name),
        Stream.of(
            "E3M2:subnormals=off",
            "E4M3:subnormals=off",
            "UINT4",
            "INT3",
            "float8_e5m2fnuz",
            "float8_e4m3fnuz",
            "float8_e3m4",
            "E4M3:bias=3:specials=ieee",
            "E1M2",
            "E1M6"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void everyCodeDecodesAsTheModelAndTheValue(String name) {
    NumberFormat f = Formats.parse(name);
    Component c = new Component("decoder_unit");
    Operand o = OperandDecoderUnit.decode(c, "a", c.input("x", f.bits()), f, true);
    c.output("sign", o.sign());
    c.output("sig", o.sig());
    if (o.shift() != null) c.output("shift", o.shift());
    if (o.nan() != null) c.output("nan", o.nan());
    if (o.inf() != null) c.output("inf", o.inf());
    c.output("zero", o.zero());
    OperandDecoder model = new OperandDecoder(f);
    int lsb = org.exmy.simulator.AccumulatorSpec.lsb(f);
    int n = f.codeCount();
    try (VerilatorSim sim = UnitSim.load(c)) {
      Batch b = sim.newBatch(n);
      for (int code = 0; code < n; code++) b.set("io_x", code).endStep();
      b.run();
      for (int code = 0; code < n; code++) {
        String at = f.name() + " code " + code;
        Value v = f.decode(code);
        boolean nan = o.nan() != null && b.get(code, "io_nan") == 1;
        boolean inf = o.inf() != null && b.get(code, "io_inf") == 1;
        boolean neg = b.get(code, "io_sign") == 1;
        assertEquals(v.isNaN(), nan, at + ": NaN");
        assertEquals(model.cls(code) == OperandDecoder.NAN, nan, at + ": model NaN");
        assertEquals(v.isInfinite(), inf, at + ": inf");
        if (inf) {
          assertEquals(
              model.cls(code),
              neg ? OperandDecoder.NEG_INF : OperandDecoder.POS_INF,
              at + ": model inf");
        }
        if (nan || inf) continue;
        assertEquals(v.isZero(), b.get(code, "io_zero") == 1, at + ": zero");
        assertEquals(model.isZero(code), v.isZero(), at + ": model zero");
        long sig = b.get(code, "io_sig");
        int shift = o.shift() == null ? 0 : (int) b.get(code, "io_shift") - o.offset();
        assertEquals(model.sig(code), neg ? -sig : sig, at + ": significand");
        assertEquals(model.shift(code), shift, at + ": shift");
        BigDecimal hw =
            Value.finite(BigInteger.valueOf(neg ? -sig : sig), shift + lsb).toBigDecimal();
        assertEquals(0, v.toBigDecimal().compareTo(hw), at + ": value " + v);
      }
    }
    assertTrue(f instanceof IntFormat || f instanceof FloatFormat);
  }
}
