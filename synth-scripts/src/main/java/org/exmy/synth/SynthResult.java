package org.exmy.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FPGA cost of one synthesized core (Xilinx primitive counts), summed by the table of {@link
 * XilinxCells}.
 *
 * @param top top module
 * @param dsp whether DSP blocks were allowed ({@code false}: {@code -nodsp} / {@code -max_dsp 0})
 * @param luts logic LUTs: LUT1..LUT6, LUT6_2, plus Yosys' {@code INV} cells (an inverter occupies a
 *     LUT1 site; Vivado turns it into a LUT1), so {@code luts == sum of lutsBySize}
 * @param ffs flip-flops: FDRE, FDSE, FDCE, FDPE (and their _1 forms)
 * @param carry4 CARRY4 (7-series) + CARRY8 (UltraScale) carry-chain blocks
 * @param dsp48 DSP48E1 + DSP48E2 blocks
 * @param bram RAMB18* / RAMB36* primitives (Vivado reports: Block RAM tiles, rounded up)
 * @param muxf7 MUXF7 cells
 * @param muxf8 MUXF8 cells
 * @param lutMemory LUT sites used as memory: shift registers (SRL16E, SRLC32E ...) and distributed
 *     RAM (RAM32M, RAM64X1D ...), each weighted by the sites it takes
 * @param cells every cell type with its count, sorted by name (unmodifiable)
 * @param lutsBySize LUT input count 1..6 to number of logic LUTs, sorted (unmodifiable; INV under
 *     1)
 */
public record SynthResult(
    String top,
    boolean dsp,
    int luts,
    int ffs,
    int carry4,
    int dsp48,
    int bram,
    int muxf7,
    int muxf8,
    int lutMemory,
    Map<String, Integer> cells,
    Map<Integer, Integer> lutsBySize) {

  public SynthResult {
    cells = Collections.unmodifiableMap(new TreeMap<>(cells));
    lutsBySize = Collections.unmodifiableMap(new TreeMap<>(lutsBySize));
  }

  /**
   * Builds the summary from a cell-type histogram with Yosys / Xilinx primitive names.
   *
   * @throws SynthException naming every cell type that is not in {@link XilinxCells}' table (an
   *     unmapped generic cell, a latch, a primitive exmy does not know): nothing is dropped
   *     silently
   */
  public static SynthResult fromCells(String top, boolean dsp, Map<String, Integer> cells) {
    List<String> unknown = new ArrayList<>();
    for (String t : new TreeMap<>(cells).keySet()) {
      if (XilinxCells.kind(t).isEmpty()) unknown.add(t);
    }
    if (!unknown.isEmpty()) {
      String generic =
          unknown.stream().anyMatch(t -> t.startsWith("$"))
              ? " (a generic Yosys cell: the design was" + " not fully mapped to Xilinx primitives)"
              : "";
      throw new SynthException(
          "unclassified cell type"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " in the statistics of "
              + top
              + generic
              + "; exmy counts only the primitives of XilinxCells");
    }
    return sum(top, dsp, cells);
  }

  /**
   * Like {@link #fromCells} but ignores types outside the table (they stay in {@link #cells()}):
   * for Vivado's Primitives table, which lists whatever a whole design holds (PLLs, I/O primitives
   * ...) and whose summary rows are taken from the report itself.
   */
  static SynthResult fromPrimitives(String top, boolean dsp, Map<String, Integer> cells) {
    return sum(top, dsp, cells);
  }

  private static SynthResult sum(String top, boolean dsp, Map<String, Integer> cells) {
    int luts = 0;
    int ffs = 0;
    int carry = 0;
    int dsps = 0;
    int bram = 0;
    int lutMem = 0;
    Map<Integer, Integer> bySize = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : cells.entrySet()) {
      String t = e.getKey();
      int n = e.getValue();
      XilinxCells.Kind k = XilinxCells.kind(t).orElse(null);
      if (k == null) continue;
      switch (k) {
        case LUT -> {
          luts += n;
          bySize.merge(XilinxCells.lutInputs(t), n, Integer::sum);
        }
        case FLIP_FLOP -> ffs += n;
        case CARRY -> carry += n;
        case DSP -> dsps += n;
        case BLOCK_RAM -> bram += n;
        case LUT_MEMORY -> lutMem += n * XilinxCells.lutSites(t);
        default -> {} // wide muxes are read below; buffers and constants take no logic
      }
    }
    return new SynthResult(
        top,
        dsp,
        luts,
        ffs,
        carry,
        dsps,
        bram,
        cells.getOrDefault("MUXF7", 0),
        cells.getOrDefault("MUXF8", 0),
        lutMem,
        cells,
        bySize);
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
