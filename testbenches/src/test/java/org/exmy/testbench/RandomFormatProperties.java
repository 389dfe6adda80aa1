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
import org.exmy.simulator.AccumulatorKind;
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
 * operand pair, then on random accumulate sequences long enough to wrap its accumulator. Some draws
 * are dot-product cores of 2..5 lanes, some are pipelined, some accumulate into a rounding
 * floating-point or a narrowed fixed-point register.
 */
class RandomFormatProperties {

  @Property(tries = 25)
  @AddLifecycleHook(SkipWithoutVerilator.class)
  void anyGeneratedCoreIsBitExact(
      @ForAll("formats") NumberFormat a,
      @ForAll("formats") NumberFormat b,
      @ForAll("terms") int terms,
      @ForAll("lanes") int lanes,
      @ForAll("pipelines") String pipeline,
      @ForAll("accumulators") String accumulator) {
    RequireTools.verilatorBackend();
    CoreSpec spec =
        withAccumulator(
            CoreSpec.mac(a, b).withTerms(Math.max(terms, lanes)).withLanes(lanes),
            accumulator,
            Pipeline.parse(pipeline));
    MacCore core = MacGenerator.generate(spec);
    // a failure leaves its repro (Verilog, vectors, testbench, run.sh, VCD) under target/failures
    try (CrossCheck cc =
        new CrossCheck(core).failures(java.nio.file.Path.of("target", "failures"))) {
      CrossCheck.Report pairs = cc.exhaustivePairs();
      assertEquals((long) a.codeCount() * b.codeCount(), pairs.vectors());
      assertTrue(pairs.passed(), () -> core.label() + ": " + pairs);
      CrossCheck.Report seq = cc.randomSequences(3, 10, 4 * core.spec().terms() / lanes + 8);
      assertTrue(seq.passed(), () -> core.label() + ": " + seq);
    }
  }

  @Provide
  Arbitrary<NumberFormat> formats() {
    Arbitrary<NumberFormat> floats =
        Combinators.combine(
                Arbitraries.integers().between(1, 7),
                Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(-20, 40),
                Arbitraries.of(Specials.class),
                Arbitraries.of(true, false))
            .as(RandomFormatProperties::floatOrNull)
            .filter(f -> f != null);
    Arbitrary<NumberFormat> ints =
        Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false))
            .as(IntFormat::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, floats), net.jqwik.api.Tuple.of(1, ints));
  }

  /**
   * Mostly the exact accumulator; sometimes a floating-point one (FP32, FP16, BF16 or any E2..10,
   * M1..50) or a fixed-point one: {@code fixed:OFFSET:WIDTH:rne|floor}, its LSB OFFSET bits above
   * the product quantum, WIDTH bits saturating ({@code -}: sized for the terms, wrapping).
   */
  @Provide
  Arbitrary<String> accumulators() {
    Arbitrary<String> floating =
        Combinators.combine(
                Arbitraries.integers().between(2, 10),
                Arbitraries.oneOf(
                    Arbitraries.integers().between(1, 12), Arbitraries.integers().between(13, 50)))
            .as((e, m) -> "e" + e + "m" + m);
    Arbitrary<String> fixed =
        Combinators.combine(
                Arbitraries.integers().between(-4, 16),
                Arbitraries.oneOf(
                    Arbitraries.just("-"),
                    Arbitraries.integers().between(2, 62).map(String::valueOf)),
                Arbitraries.of("rne", "floor"))
            .as((off, w, r) -> "fixed:" + off + ":" + w + ":" + r);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.just("exact")),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("fp32", "fp16", "bf16")),
        net.jqwik.api.Tuple.of(1, floating),
        net.jqwik.api.Tuple.of(2, fixed));
  }

  /**
   * {@code spec} with the drawn accumulator and pipeline; a non-exact accumulator has no chunked
   * form (CoreSpec refuses it), so its pipeline drops the chunks.
   */
  static CoreSpec withAccumulator(CoreSpec spec, String accumulator, Pipeline p) {
    if (accumulator.equals("exact")) {
      return spec.withPipeline(p);
    }
    CoreSpec s =
        spec.withPipeline(new Pipeline(p.decode(), p.multiply(), p.product(), p.treeEvery(), 0));
    if (!accumulator.startsWith("fixed:")) {
      return s.withAccumulator(AccumulatorKind.parse(accumulator));
    }
    String[] f = accumulator.split(":");
    int lsb = s.geometry().lsbExponent() + Integer.parseInt(f[1]);
    boolean rne = f[3].equals("rne");
    try {
      return s.withFixedAccumulator(lsb, f[2].equals("-") ? null : Integer.parseInt(f[2]), rne);
    } catch (FormatException tooWide) {
      return s.withFixedAccumulator(
          lsb, 62, rne); // a wrapping register would need more than 62 bits
    }
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
