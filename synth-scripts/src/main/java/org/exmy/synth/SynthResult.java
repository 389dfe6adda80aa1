package org.exmy.synth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * FPGA cost of one synthesized core (Xilinx primitive counts).
 *
 * @param top top module
 * @param dsp whether DSP blocks were allowed ({@code false}: {@code -nodsp} / {@code -max_dsp 0})
 * @param luts LUT1..LUT6, plus Yosys' {@code INV} cells (an inverter occupies a LUT1 site; Vivado
 *     turns it into a LUT1), so {@code luts == sum of lutsBySize}
 * @param ffs all flip-flops: FDRE, FDSE, FDCE, FDPE and any other {@code FD*} primitive
 * @param carry4 CARRY4 (7-series) + CARRY8 (UltraScale) carry-chain blocks
 * @param dsp48 DSP48E1 + DSP48E2 (any {@code DSP48*}) blocks
 * @param bram RAMB18* / RAMB36* primitives (Vivado reports: Block RAM tiles, rounded up)
 * @param muxf7 MUXF7 cells
 * @param muxf8 MUXF8 cells
 * @param cells every cell type with its count, sorted by name (unmodifiable)
 * @param lutsBySize LUT input count 1..6 to number of LUTs, sorted (unmodifiable; INV under 1)
 */
public record SynthResult(String top, boolean dsp, int luts, int ffs, int carry4, int dsp48, int bram, int muxf7,
    int muxf8, Map<String, Integer> cells, Map<Integer, Integer> lutsBySize) {

  public SynthResult {
    cells = Collections.unmodifiableMap(new TreeMap<>(cells));
    lutsBySize = Collections.unmodifiableMap(new TreeMap<>(lutsBySize));
  }

  /** Builds the summary from a cell-type histogram with Yosys / Xilinx primitive names. */
  public static SynthResult fromCells(String top, boolean dsp, Map<String, Integer> cells) {
    int luts = 0;
    int ffs = 0;
    int carry = 0;
    int dsps = 0;
    int bram = 0;
    Map<Integer, Integer> bySize = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : cells.entrySet()) {
      String t = e.getKey();
      int n = e.getValue();
      if (t.matches("LUT[1-6]")) {
        luts += n;
        bySize.merge(t.charAt(3) - '0', n, Integer::sum);
      } else if (t.equals("INV")) {
        luts += n;
        bySize.merge(1, n, Integer::sum);
      } else if (t.matches("FD\\w*")) {
        ffs += n;
      } else if (t.equals("CARRY4") || t.equals("CARRY8")) {
        carry += n;
      } else if (t.startsWith("DSP48")) {
        dsps += n;
      } else if (t.startsWith("RAMB18") || t.startsWith("RAMB36")) {
        bram += n;
      }
    }
    return new SynthResult(top, dsp, luts, ffs, carry, dsps, bram, cells.getOrDefault("MUXF7", 0),
        cells.getOrDefault("MUXF8", 0), cells, bySize);
  }

  /** Number of LUTs with this many inputs (1..6); INV cells count as LUT1. */
  public int lut(int inputs) {
    return lutsBySize.getOrDefault(inputs, 0);
  }

  /** Count of one cell type, 0 when absent. */
  public int cell(String type) {
    return cells.getOrDefault(type, 0);
  }
}
