package org.exmy.dse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exmy.simulator.FloatFormat;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.Formats;
import org.exmy.simulator.IntFormat;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.NumberFormat;

/**
 * The formats and operand pairs of a sweep.
 *
 * <p>A format list is comma-separated; each item is a format name ({@link Formats#parse}) or a
 * pattern:
 *
 * <ul>
 *   <li>{@code E*M*}: every plain ExMy (bias 2^(E-1)-1, subnormals, no specials) of 3..8 bits;
 *   <li>{@code INT*}: INT3 .. INT8; {@code UINT*}: UINT3 .. UINT8;
 *   <li>{@code ml_dtypes}: the ten ml_dtypes / OCP types; {@code float8_*} and other globs match
 *       their names;
 * </ul>
 *
 * and MX formats ({@link MxFormat}): {@code MX*} the six of the OCP spec (block 32), {@code
 * MX*:block=K} the same with blocks of K, and any MX name. MX formats are kept apart ({@link
 * #mxFormats}); a sweep rates them with MX quantization and makes no core of them (there is no MX
 * core yet).
 *
 * <p>Every item is optionally restricted by {@code :bits=N} or {@code :bits=A..B} (e.g. {@code
 * E*M*:bits=4..6}). Formats with equal parameters are kept once, under the first name met (E2M1
 * before float4_e2m1fn); {@link #aliases} lists the other names.
 */
public final class FormatGrid {
  /** The default list: every ExMy of 3..8 bits, INT3..INT8, and the ml_dtypes names. */
  public static final String DEFAULT = "E*M*,INT*,ml_dtypes";

  private static final Pattern BITS = Pattern.compile("(.*):bits=(\\d)(?:\\.\\.(\\d))?");

  private final List<NumberFormat> formats;
  private final Map<NumberFormat, List<String>> aliases;
  private final List<MxFormat> mx;

  private FormatGrid(
      List<NumberFormat> formats, Map<NumberFormat, List<String>> aliases, List<MxFormat> mx) {
    this.formats = List.copyOf(formats);
    this.aliases = aliases;
    this.mx = List.copyOf(mx);
  }

  /** The MX items of an item, or null when it is not an MX item. */
  private static List<MxFormat> mxItem(String item) {
    String s = item.toLowerCase(Locale.ROOT);
    if (s.equals("mx*") || s.startsWith("mx*:")) {
      String opt = item.substring(3);
      List<MxFormat> out = new ArrayList<>();
      for (String n : MxFormat.NAMES) {
        try {
          out.add(MxFormat.parse(n + opt));
        } catch (FormatException e) {
          throw new FormatException("--formats item '" + item + "': " + e.getMessage());
        }
      }
      return out;
    }
    if (MxFormat.isMx(item)) {
      try {
        return List.of(MxFormat.parse(item));
      } catch (FormatException e) {
        throw new FormatException("--formats item '" + item + "': " + e.getMessage());
      }
    }
    return null;
  }

  /**
   * Parses a format list.
   *
   * @throws FormatException naming the item that is not a format or matches nothing
   */
  public static FormatGrid parse(String list) {
    Map<NumberFormat, List<String>> seen = new LinkedHashMap<>();
    List<MxFormat> mx = new ArrayList<>();
    for (String raw : list.split(",")) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      List<MxFormat> mxs = mxItem(item);
      if (mxs != null) {
        for (MxFormat f : mxs) {
          if (mx.stream().noneMatch(g -> g.name().equals(f.name()))) {
            mx.add(f);
          }
        }
        continue;
      }
      List<NumberFormat> matched = expand(item);
      if (matched.isEmpty()) {
        throw new FormatException("--formats item '" + item + "' matches no format");
      }
      for (NumberFormat f : matched) {
        NumberFormat key = seen.keySet().stream().filter(f::equals).findFirst().orElse(null);
        if (key == null) {
          seen.put(f, new ArrayList<>());
        } else if (!key.name().equals(f.name()) && !seen.get(key).contains(f.name())) {
          seen.get(key).add(f.name());
        }
      }
    }
    if (seen.isEmpty() && mx.isEmpty()) {
      throw new FormatException("--formats is empty: name at least one format or pattern");
    }
    return new FormatGrid(new ArrayList<>(seen.keySet()), seen, mx);
  }

  private static List<NumberFormat> expand(String item) {
    int lo = 3;
    int hi = 8;
    String base = item;
    Matcher m = BITS.matcher(item);
    if (m.matches()) {
      base = m.group(1);
      lo = Integer.parseInt(m.group(2));
      hi = m.group(3) == null ? lo : Integer.parseInt(m.group(3));
      if (lo > hi) {
        throw new FormatException(
            "--formats item '" + item + "': empty bit range " + lo + ".." + hi);
      }
    }
    String b = base.toLowerCase(Locale.ROOT);
    List<NumberFormat> out = new ArrayList<>();
    if (b.equals("e*m*")) {
      for (int bits = Math.max(3, lo); bits <= Math.min(8, hi); bits++) {
        for (int e = 1; e <= bits - 1; e++) {
          out.add(FloatFormat.of(e, bits - 1 - e));
        }
      }
    } else if (b.equals("int*") || b.equals("uint*")) {
      for (int bits = Math.max(3, lo); bits <= Math.min(8, hi); bits++) {
        out.add(new IntFormat(bits, b.equals("int*")));
      }
    } else if (b.equals("ml_dtypes") || b.contains("*")) {
      String glob = b.equals("ml_dtypes") ? "*" : b;
      Pattern p = Pattern.compile(glob.replace(".", "\\.").replace("*", ".*"));
      for (String name : Formats.mlDtypesNames()) {
        NumberFormat f = Formats.parse(name);
        if (p.matcher(name).matches() && f.bits() >= lo && f.bits() <= hi) {
          out.add(f);
        }
      }
    } else {
      NumberFormat f;
      try {
        f = Formats.parse(base);
      } catch (FormatException e) {
        throw new FormatException("--formats item '" + item + "': " + e.getMessage());
      }
      if (f.bits() >= lo && f.bits() <= hi) {
        out.add(f);
      }
    }
    return out;
  }

  public List<NumberFormat> formats() {
    return formats;
  }

  /** The MX formats of the list, in order (empty when it names none). */
  public List<MxFormat> mxFormats() {
    return mx;
  }

  /**
   * The MX operand pairs (weights x activations) for a pair spec as {@link #pairs}: {@code same}
   * each MX format with itself, {@code all} every ordered pair of MX formats, a list its {@code
   * W/A} items whose two names are MX (an item of one MX and one plain name is refused).
   */
  public List<MxFormat[]> mxPairs(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    List<MxFormat[]> out = new ArrayList<>();
    if (s.equals("same")) {
      for (MxFormat f : mx) out.add(new MxFormat[] {f, f});
    } else if (s.equals("all")) {
      for (MxFormat w : mx) {
        for (MxFormat a : mx) out.add(new MxFormat[] {w, a});
      }
    } else {
      for (String item : spec.split(",")) {
        String[] wa = item.trim().split("/");
        if (wa.length == 2 && MxFormat.isMx(wa[0]) && MxFormat.isMx(wa[1])) {
          out.add(new MxFormat[] {MxFormat.parse(wa[0]), MxFormat.parse(wa[1])});
        }
      }
    }
    return out;
  }

  /** Other names of a format that the list also matched (e.g. float4_e2m1fn for E2M1). */
  public List<String> aliases(NumberFormat f) {
    return aliases.getOrDefault(f, List.of());
  }

  /**
   * The operand pairs (weights x activations): {@code same} (W = A, the default), {@code all}
   * (every ordered pair of the grid's formats), or a list {@code W/A,W/A,...} of format names.
   *
   * @throws FormatException for a bad pair list
   */
  public List<NumberFormat[]> pairs(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    List<NumberFormat[]> out = new ArrayList<>();
    if (s.equals("same")) {
      for (NumberFormat f : formats) out.add(new NumberFormat[] {f, f});
    } else if (s.equals("all")) {
      for (NumberFormat w : formats) {
        for (NumberFormat a : formats) out.add(new NumberFormat[] {w, a});
      }
    } else {
      for (String item : spec.split(",")) {
        String[] wa = item.trim().split("/");
        if (wa.length != 2) {
          throw new FormatException(
              "--pairs item '" + item.trim() + "' is not W/A (e.g. E4M3/E5M2), same or all");
        }
        boolean mw = MxFormat.isMx(wa[0]);
        if (mw != MxFormat.isMx(wa[1])) {
          throw new FormatException(
              "--pairs item '" + item.trim() + "': MX weights need MX activations");
        }
        if (!mw) {
          out.add(new NumberFormat[] {Formats.parse(wa[0]), Formats.parse(wa[1])});
        }
      }
    }
    if (out.isEmpty() && mxPairs(spec).isEmpty()) {
      throw new FormatException("--pairs gives no pair");
    }
    return out;
  }
}
