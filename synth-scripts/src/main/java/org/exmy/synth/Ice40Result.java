package org.exmy.synth;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Place-and-route result of one core on an iCE40 HX8K (nextpnr-ice40), measured inside its {@link
 * SerialWrapper}.
 *
 * @param top the core
 * @param fmaxMhz nextpnr's achieved maximum frequency of the core's clock after routing, MHz
 * @param used cells used per nextpnr type ({@code ICESTORM_LC}, {@code ICESTORM_RAM}, {@code
 *     SB_IO}, {@code SB_GB}, ...), of the whole wrapped design
 * @param available cells the device has, per type
 * @param wrapperCells logic cells taken by the wrapper ({@link SerialWrapper#ice40Cells()})
 * @param seed nextpnr's placer seed
 * @param targetMhz the {@code --freq} given to nextpnr
 */
public record Ice40Result(
    String top,
    double fmaxMhz,
    Map<String, Integer> used,
    Map<String, Integer> available,
    int wrapperCells,
    int seed,
    double targetMhz) {

  public Ice40Result {
    used = Collections.unmodifiableMap(new TreeMap<>(used));
    available = Collections.unmodifiableMap(new TreeMap<>(available));
  }

  /** Logic cells (LUT4 + flip-flop + carry) of the wrapped design: {@code ICESTORM_LC}. */
  public int lcs() {
    return used.getOrDefault("ICESTORM_LC", 0);
  }

  /**
   * Logic cells of the core alone: {@link #lcs()} minus the wrapper's. It includes the 0 to 2 cells
   * nextpnr adds to drive constants, and is exact only when every core output comes from a register
   * of the core (as in exmy's MAC cores): otherwise synthesis may merge a core output's last LUT
   * with the wrapper's multiplexer.
   */
  public int coreLcs() {
    return lcs() - wrapperCells;
  }

  /** 4-kbit block RAMs: {@code ICESTORM_RAM}. */
  public int rams() {
    return used.getOrDefault("ICESTORM_RAM", 0);
  }
}
