package org.exmy.testbench;

import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.Pipeline;

/** Shorthands for the tests: the core of a format pair, term count, lane count and pipeline. */
final class Cores {
  private Cores() {}

  static CoreSpec spec(String a, String b, int terms, int lanes) {
    return CoreSpec.mac(Formats.parse(a), Formats.parse(b)).withTerms(terms).withLanes(lanes);
  }

  static MacCore core(String a, String b, int terms, int lanes) {
    return MacGenerator.generate(spec(a, b, terms, lanes));
  }

  static MacCore core(String a, String b, int terms, int lanes, String pipeline) {
    return MacGenerator.generate(spec(a, b, terms, lanes).withPipeline(Pipeline.parse(pipeline)));
  }
}
