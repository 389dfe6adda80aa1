package org.exmy.synth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which Xilinx / AMD family a full Vivado part name belongs to, by its pattern (device, package,
 * speed grade and, for UltraScale and Versal, temperature grade):
 *
 * <ul>
 *   <li>7-series: {@code xc7a35tcpg236-1}, {@code xc7z020clg400-1}, {@code xc7k325tffg900-2},
 *       {@code xc7s50csga324-1}, {@code xc7vx485tffg1761-2}, {@code xc7a35ticsg324-1L}
 *   <li>UltraScale / UltraScale+: {@code xcku040-ffva1156-2-e}, {@code xcvu9p-flga2104-2L-e},
 *       {@code xczu3eg-sbva484-1-e}, {@code xcau25p-ffvb676-2-e}, {@code xck26-sfvc784-2LV-c},
 *       {@code xcu280-fsvh2892-2L-e}
 *   <li>Versal: {@code xcvc1902-vsva2197-2MP-e-S}, {@code xcve2302-sfva784-1LP-e-S}
 * </ul>
 *
 * Case is ignored (Vivado's part names are lower case).
 */
public final class XilinxPart {
  /** A device family. */
  public enum Family {
    SERIES7("7-series"),
    ULTRASCALE("UltraScale/UltraScale+"),
    VERSAL("Versal");

    private final String label;

    Family(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final Pattern SERIES7 =
      Pattern.compile("xc7[aksvz][a-z]?\\d+[a-z]+\\d+-\\d+[a-z]*");
  private static final Pattern ULTRASCALE =
      Pattern.compile("xc(ku|vu|zu|au|k|u)\\d+[a-z]*-[a-z]+\\d+-\\d+[a-z]*(-[a-z])?");
  private static final Pattern VERSAL =
      Pattern.compile("xcv[cmpeh]?\\d+-[a-z]+\\d+-\\d+[a-z]*-[a-z](-[a-z])?");

  /** The patterns, for error messages. */
  public static final String KNOWN =
      "xc7* (7-series, e.g. xc7z020clg400-1), xcku*/xcvu*/xczu*/xcau* (UltraScale/"
          + "UltraScale+, e.g. xczu3eg-sbva484-1-e), xcv* (Versal, e.g. xcvc1902-vsva2197-2MP-e-S)";

  private XilinxPart() {}

  /**
   * @throws IllegalArgumentException when {@code part} matches none of the known patterns
   */
  public static Family family(String part) {
    String p = part == null ? "" : part.toLowerCase(Locale.ROOT);
    if (SERIES7.matcher(p).matches()) return Family.SERIES7;
    if (ULTRASCALE.matcher(p).matches()) return Family.ULTRASCALE;
    if (VERSAL.matcher(p).matches()) return Family.VERSAL;
    throw new IllegalArgumentException(
        "unknown Xilinx part '"
            + part
            + "': expected a full part name (device,"
            + " package, speed grade) of "
            + KNOWN);
  }
}
