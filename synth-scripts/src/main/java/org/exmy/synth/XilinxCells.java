package org.exmy.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The classification table of Xilinx primitives that {@link SynthResult} sums. Every cell type
 * Yosys' {@code synth_xilinx} emits for 7-series / UltraScale is listed; a type not listed is an
 * error in {@link SynthResult#fromCells} (Yosys statistics), so that nothing goes uncounted:
 *
 * <table>
 *   <caption>cell kinds</caption>
 *   <tr><th>kind</th><th>types</th><th>counted in</th></tr>
 *   <tr><td>LUT</td><td>LUT1..LUT6, LUT6_2 (one fractured LUT6 site), INV (takes a LUT1 site)</td>
 *       <td>luts, lutsBySize</td></tr>
 *   <tr><td>FLIP_FLOP</td><td>FDRE FDSE FDCE FDPE and their inverted-clock _1 forms</td><td>ffs</td></tr>
 *   <tr><td>CARRY</td><td>CARRY4 (7-series), CARRY8 (UltraScale)</td><td>carry4</td></tr>
 *   <tr><td>DSP</td><td>DSP48E1, DSP48E2</td><td>dsp48</td></tr>
 *   <tr><td>BLOCK_RAM</td><td>RAMB18E1 RAMB36E1 RAMB18E2 RAMB36E2</td><td>bram</td></tr>
 *   <tr><td>WIDE_MUX</td><td>MUXF7, MUXF8, MUXF9</td><td>muxf7, muxf8 (MUXF9 in cells only)</td></tr>
 *   <tr><td>LUT_MEMORY</td><td>shift registers SRL16E SRLC16E SRLC32E; distributed RAM RAM32X1S
 *       RAM32X1D RAM64X1S RAM64X1D RAM128X1S RAM128X1D RAM256X1S RAM32M RAM64M RAM32M16 RAM64M8</td>
 *       <td>lutMemory, in LUT sites ({@link #lutSites})</td></tr>
 *   <tr><td>IO_BUFFER</td><td>IBUF OBUF IOBUF OBUFT IBUFG</td><td>cells only</td></tr>
 *   <tr><td>CLOCK_BUFFER</td><td>BUFG BUFGCTRL BUFHCE</td><td>cells only</td></tr>
 *   <tr><td>CONSTANT</td><td>VCC GND</td><td>cells only (no site)</td></tr>
 * </table>
 *
 * <p>Deliberately unlisted: latches (LDCE, LDPE: a latch in a synchronous core is a bug), the older
 * carry primitives (MUXCY, XORCY) and every generic Yosys cell ({@code $lut}, {@code $_AND_},
 * {@code $_DFF_P_} ...), which mean the design was not mapped to the device.
 */
public final class XilinxCells {
  /** What a primitive is. */
  public enum Kind {
    LUT,
    FLIP_FLOP,
    CARRY,
    DSP,
    BLOCK_RAM,
    WIDE_MUX,
    LUT_MEMORY,
    IO_BUFFER,
    CLOCK_BUFFER,
    CONSTANT
  }

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
  private static final Map<String, Integer> LUT_SITES = new LinkedHashMap<>();

  static {
    for (int i = 1; i <= 6; i++) KINDS.put("LUT" + i, Kind.LUT);
    KINDS.put("LUT6_2", Kind.LUT);
    KINDS.put("INV", Kind.LUT);
    for (String f : new String[] {"FDRE", "FDSE", "FDCE", "FDPE"}) {
      KINDS.put(f, Kind.FLIP_FLOP);
      KINDS.put(f + "_1", Kind.FLIP_FLOP);
    }
    KINDS.put("CARRY4", Kind.CARRY);
    KINDS.put("CARRY8", Kind.CARRY);
    KINDS.put("DSP48E1", Kind.DSP);
    KINDS.put("DSP48E2", Kind.DSP);
    for (String b : new String[] {"RAMB18E1", "RAMB36E1", "RAMB18E2", "RAMB36E2"})
      KINDS.put(b, Kind.BLOCK_RAM);
    for (String m : new String[] {"MUXF7", "MUXF8", "MUXF9"}) KINDS.put(m, Kind.WIDE_MUX);
    // LUT sites per LUT-memory primitive (7-series CLB user guide: a SLICEM LUT holds 64 x 1 bits
    // of RAM or a 32-bit shift register).
    Object[][] mem = {
      {"SRL16E", 1},
      {"SRLC16E", 1},
      {"SRLC32E", 1},
      {"RAM32X1S", 1},
      {"RAM32X1D", 2},
      {"RAM64X1S", 1},
      {"RAM64X1D", 2},
      {"RAM128X1S", 2},
      {"RAM128X1D", 4},
      {"RAM256X1S", 4},
      {"RAM32M", 4},
      {"RAM64M", 4},
      {"RAM32M16", 8},
      {"RAM64M8", 8}
    };
    for (Object[] m : mem) {
      KINDS.put((String) m[0], Kind.LUT_MEMORY);
      LUT_SITES.put((String) m[0], (Integer) m[1]);
    }
    for (String b : new String[] {"IBUF", "OBUF", "IOBUF", "OBUFT", "IBUFG"})
      KINDS.put(b, Kind.IO_BUFFER);
    for (String b : new String[] {"BUFG", "BUFGCTRL", "BUFHCE"}) KINDS.put(b, Kind.CLOCK_BUFFER);
    KINDS.put("VCC", Kind.CONSTANT);
    KINDS.put("GND", Kind.CONSTANT);
  }

  private XilinxCells() {}

  /** The kind of a primitive, empty when it is not in the table. */
  public static Optional<Kind> kind(String type) {
    return Optional.ofNullable(KINDS.get(type));
  }

  /** LUT sites one LUT-memory primitive occupies (0 for other kinds). */
  public static int lutSites(String type) {
    return LUT_SITES.getOrDefault(type, 0);
  }

  /** Inputs of a LUT primitive: 1..6 (INV: 1, LUT6_2: 6). */
  static int lutInputs(String type) {
    if (type.equals("INV")) return 1;
    return type.charAt(3) - '0';
  }
}
