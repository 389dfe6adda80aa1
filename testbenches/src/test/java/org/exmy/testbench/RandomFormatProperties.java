package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.simulator.Specials;
import org.exmy.testsupport.RequireTools;
import org.exmy.testsupport.SkipWithoutVerilator;

/**
 * The generator for arbitrary operands, not just the catalogue: random minifloats (any E/M of 3..8
 * bits, any bias, each kind of specials, subnormals on or off) and integers, in random pairs and
 * with a random number of terms. Each core is verilated and checked against the model on every
 * operand pair, then on random accumulate sequences long enough to wrap its accumulator. Some
 * draws are dot-product cores of 2..5 lanes, some are pipelined.
 */
class RandomFormatProperties {

  @Property(tries = 25)
  @AddLifecycleHook(SkipWithoutVerilator.class)
  void anyGeneratedCoreIsBitExact(@ForAll("formats") NumberFormat a, @ForAll("formats") NumberFormat b,
      @ForAll("terms") int terms, @ForAll("lanes") int lanes, @ForAll("pipelines") String pipeline) {
    RequireTools.verilatorBackend();
    MacCore core = MacGenerator.generate(CoreSpec.mac(a, b).withTerms(Math.max(terms, lanes)).withLanes(lanes)
        .withPipeline(Pipeline.parse(pipeline)));
    // a failure leaves its repro (Verilog, vectors, testbench, run.sh, VCD) under target/failures
    try (CrossCheck cc = new CrossCheck(core).failures(java.nio.file.Path.of("target", "failures"))) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) a.codeCount() * b.codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), () -> core.label() + ": " + pairs);
      CrossCheck.Report seq = cc.randomSequences(3, 10, 4 * core.spec().terms() / lanes + 8);
      assertTrue(seq.passed(), () -> core.label() + ": " + seq);
    }
  }

  @Provide
  Arbitrary<NumberFormat> formats() {
    Arbitrary<NumberFormat> floats = Combinators.combine(
            Arbitraries.integers().between(1, 7),
            Arbitraries.integers().between(0, 6),
            Arbitraries.integers().between(-20, 40),
            Arbitraries.of(Specials.class),
            Arbitraries.of(true, false))
        .as(RandomFormatProperties::floatOrNull)
        .filter(f -> f != null);
    Arbitrary<NumberFormat> ints = Combinators.combine(
            Arbitraries.integers().between(2, 8), Arbitraries.of(true, false))
        .as(IntFormat::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, floats), net.jqwik.api.Tuple.of(1, ints));
  }

  /** Mostly flat cores, sometimes pipelined ones. */
  @Provide
  Arbitrary<String> pipelines() {
    return Arbitraries.of("none", "none", "none", "1", "2", "4", "tree=1", "decode,chunk=5");
  }

  /** Mostly MACs, sometimes dot-product cores. */
  @Provide
  Arbitrary<Integer> lanes() {
    return Arbitraries.of(1, 1, 1, 2, 3, 4, 5);
  }

  @Provide
  Arbitrary<Integer> terms() {
    return Arbitraries.of(1, 2, 3, 16, 100, 1024);
  }

  private static NumberFormat floatOrNull(int e, int m, int bias, Specials sp, boolean subnormals) {
    try {
      return new FloatFormat(e, m, bias, sp, subnormals);
    } catch (FormatException invalid) {
      return null; // e.g. more than 8 bits, or IEEE specials with M = 0
    }
  }
}
