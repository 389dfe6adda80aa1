package org.exmy.synth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a Vivado {@code report_timing_summary} says (all times in ns; an empty value is Vivado's
 * {@code NA}: nothing constrained or no path).
 *
 * @param design the "Design" header field
 * @param device the "Device" header field
 * @param wns worst negative slack of setup checks, design-wide (negative: violated)
 * @param tns total negative slack
 * @param whs worst hold slack
 * @param ths total hold slack
 * @param tnsFailingEndpoints setup endpoints that fail
 * @param periods each clock's period from the Clock Summary, in table order
 * @param clockWns each clock's own setup WNS from the Intra Clock Table (absent when NA)
 */
public record VivadoTiming(
    String design,
    String device,
    OptionalDouble wns,
    OptionalDouble tns,
    OptionalDouble whs,
    OptionalDouble ths,
    int tnsFailingEndpoints,
    Map<String, Double> periods,
    Map<String, Double> clockWns) {

  public VivadoTiming {
    periods = Collections.unmodifiableMap(new LinkedHashMap<>(periods));
    clockWns = Collections.unmodifiableMap(new LinkedHashMap<>(clockWns));
  }

  /** True when the report has a setup WNS of at least 0 (every constrained path meets timing). */
  public boolean met() {
    return wns.isPresent() && wns.getAsDouble() >= 0;
  }

  /**
   * Fmax of one clock in MHz, {@code 1000 / (period - WNS)} with the period and the clock's own WNS
   * in ns: the frequency at which its worst path would have exactly zero slack (a path of this
   * clock to itself; clock skew and uncertainty stay as Vivado computed them).
   *
   * @throws SynthException when the clock is unknown or has no WNS (NA)
   */
  public double fmaxMhz(String clock) {
    Double period = periods.get(clock);
    if (period == null)
      throw new SynthException(
          "no clock '" + clock + "' in the timing summary; clocks: " + periods.keySet());
    Double w = clockWns.get(clock);
    if (w == null)
      throw new SynthException("clock '" + clock + "' has no setup WNS (NA: no timed path)");
    return 1000.0 / (period - w);
  }

  /** {@link #fmaxMhz(String)} of the only clock. */
  public double fmaxMhz() {
    if (periods.size() != 1) {
      throw new SynthException(
          "Fmax needs exactly one clock; the timing summary has " + periods.keySet());
    }
    return fmaxMhz(periods.keySet().iterator().next());
  }
}
