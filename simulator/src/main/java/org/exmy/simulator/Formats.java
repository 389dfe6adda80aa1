package org.exmy.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of format names and the standard catalogue. */
public final class Formats {

  private Formats() {}

  private static final Pattern EXMY = Pattern.compile("e(\\d{1,3})m(\\d{1,3})((?::[^:]*)*)");
  private static final Pattern INT = Pattern.compile("(u?)int(\\d{1,3})");

  /** One-line summary of everything {@link #parse} accepts, appended to every error message. */
  static final String ACCEPTED =
      "accepted forms: ExMy with 3..8 total bits (e.g. E4M3, e2m1), optionally followed by"
          + " :bias=N :specials=ieee|fn|fnuz|none :subnormals=on|off (e.g."
          + " E4M3:bias=8:specials=fnuz); INTn / UINTn with n in 2..8 (e.g. INT8, UINT4, int3);"
          + " or an ml_dtypes name: "
          + String.join(", ", FormatRegistry.ML_DTYPES.keySet());

  /**
   * Parses a format name, case-insensitively, ignoring surrounding whitespace.
   *
   * <ul>
   *   <li>{@code ExMy} (e.g. {@code E4M3}, {@code e2m1}): {@link FloatFormat#of}, i.e. bias
   *       2^(E-1)-1, subnormals on, no specials; options {@code :bias=N}, {@code
   *       :specials=ieee|fn|fnuz|none}, {@code :subnormals=on|off} (each at most once, any order)
   *       override the defaults;
   *   <li>{@code INTn}, {@code UINTn}, n in 2..8;
   *   <li>the ml_dtypes names with exactly ml_dtypes' parameters: float8_e4m3fn (bias 7, FN),
   *       float8_e4m3fnuz (8, FNUZ), float8_e5m2 (15, IEEE), float8_e5m2fnuz (16, FNUZ),
   *       float8_e3m4 (3, IEEE), float8_e4m3 (7, IEEE), float8_e4m3b11fnuz (11, FNUZ),
   *       float6_e2m3fn (1, NONE), float6_e3m2fn (3, NONE), float4_e2m1fn (1, NONE); all with
   *       subnormals.
   * </ul>
   *
   * @throws FormatException with a message saying what is wrong and listing the accepted forms
   */
  public static NumberFormat parse(String name) {
    if (name == null) {
      throw new FormatException("format name is null; " + ACCEPTED);
    }
    String s = name.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new FormatException("empty format name; " + ACCEPTED);
    }
    FloatFormat ml = FormatRegistry.mlDtypes(s);
    if (ml != null) {
      return ml;
    }
    Matcher im = INT.matcher(s);
    if (im.matches()) {
      int bits = Integer.parseInt(im.group(2));
      boolean signed = im.group(1).isEmpty();
      if (bits < 2 || bits > 8) {
        throw fail(name, "integer formats need 2..8 bits, got " + bits);
      }
      return new IntFormat(bits, signed);
    }
    Matcher fm = EXMY.matcher(s);
    if (fm.matches()) {
      int e = Integer.parseInt(fm.group(1));
      int m = Integer.parseInt(fm.group(2));
      int total = 1 + e + m;
      if (e < 1) {
        throw fail(name, "ExMy needs E >= 1, got E" + e);
      }
      if (total < 3 || total > 8) {
        throw fail(name, "ExMy needs 3..8 total bits (1 sign + E + M), got " + total);
      }
      int bias = FormatRegistry.plainBias(e);
      Specials specials = Specials.NONE;
      boolean subnormals = true;
      boolean seenBias = false;
      boolean seenSpecials = false;
      boolean seenSub = false;
      String opts = fm.group(3);
      if (!opts.isEmpty()) {
        for (String opt : opts.substring(1).split(":", -1)) {
          int eq = opt.indexOf('=');
          if (eq < 0) {
            throw fail(name, "option '" + opt + "' is not of the form key=value");
          }
          String key = opt.substring(0, eq).trim();
          String val = opt.substring(eq + 1).trim();
          switch (key) {
            case "bias":
              if (seenBias) {
                throw fail(name, "option 'bias' given twice");
              }
              seenBias = true;
              try {
                bias = Integer.parseInt(val);
              } catch (NumberFormatException ex) {
                throw fail(name, "bias must be an integer, got '" + val + "'");
              }
              break;
            case "specials":
              if (seenSpecials) {
                throw fail(name, "option 'specials' given twice");
              }
              seenSpecials = true;
              switch (val) {
                case "ieee":
                  specials = Specials.IEEE;
                  break;
                case "fn":
                  specials = Specials.FN;
                  break;
                case "fnuz":
                  specials = Specials.FNUZ;
                  break;
                case "none":
                  specials = Specials.NONE;
                  break;
                default:
                  throw fail(name, "specials must be ieee, fn, fnuz or none, got '" + val + "'");
              }
              break;
            case "subnormals":
              if (seenSub) {
                throw fail(name, "option 'subnormals' given twice");
              }
              seenSub = true;
              if (val.equals("on") || val.equals("true")) {
                subnormals = true;
              } else if (val.equals("off") || val.equals("false")) {
                subnormals = false;
              } else {
                throw fail(name, "subnormals must be on or off, got '" + val + "'");
              }
              break;
            default:
              throw fail(
                  name, "unknown option '" + key + "' (options are bias, specials, subnormals)");
          }
        }
      }
      try {
        return new FloatFormat(e, m, bias, specials, subnormals);
      } catch (FormatException ex) {
        throw fail(name, ex.getMessage());
      }
    }
    throw fail(name, "not a recognised format name");
  }

  private static FormatException fail(String name, String why) {
    return new FormatException("unknown format '" + name.trim() + "': " + why + "; " + ACCEPTED);
  }

  /** The ten ml_dtypes type names, in their registry order. */
  public static List<String> mlDtypesNames() {
    return List.copyOf(FormatRegistry.ML_DTYPES.keySet());
  }

  /**
   * The ml_dtypes names followed by example plain / integer names, all accepted by {@link #parse}.
   */
  public static List<String> knownNames() {
    List<String> out = new ArrayList<>(FormatRegistry.ML_DTYPES.keySet());
    out.addAll(
        List.of(
            "E2M1",
            "E3M2",
            "E2M3",
            "E4M3",
            "E5M2",
            "E3M4",
            "E4M3:bias=8:specials=fnuz",
            "E4M3:subnormals=off",
            "INT3",
            "INT4",
            "INT5",
            "INT6",
            "INT7",
            "INT8",
            "UINT4",
            "UINT8"));
    return Collections.unmodifiableList(out);
  }

  /**
   * The standard catalogue, in this order: E2M1, E3M2, E2M3, E4M3, E5M2, E3M4 (plain ExMy),
   * float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float6_e2m3fn, float6_e3m2fn, float4_e2m1fn, INT3
   * .. INT8. Note that float6_e2m3fn, float6_e3m2fn and float4_e2m1fn have the same parameters as
   * (and are {@code equals} to) plain E2M3, E3M2 and E2M1; only their names differ.
   */
  public static List<NumberFormat> catalogue() {
    List<NumberFormat> out = new ArrayList<>();
    for (String n :
        List.of(
            "E2M1",
            "E3M2",
            "E2M3",
            "E4M3",
            "E5M2",
            "E3M4",
            "float8_e4m3fn",
            "float8_e5m2",
            "float8_e4m3fnuz",
            "float6_e2m3fn",
            "float6_e3m2fn",
            "float4_e2m1fn",
            "INT3",
            "INT4",
            "INT5",
            "INT6",
            "INT7",
            "INT8")) {
      out.add(parse(n));
    }
    return Collections.unmodifiableList(out);
  }
}
