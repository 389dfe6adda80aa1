package org.exmy.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of Yosys' {@code sta} command (Yosys 0.23) from a log: the line {@code Latest
 * arrival time in 'M' is N:}, the endpoint line below it, and the path back to its start, one
 * {@code N cell (TYPE.IN->OUT)} line per arc.
 *
 * <p>Warnings that make the estimate incomplete are errors here: a cell type {@code sta} does not
 * know or that has no timing arcs (paths through it would be cut short). A critical path that ends
 * on a net that is no endpoint ({@code (<unknown>)}, an unused cell output) gives an upper bound,
 * marked as not exact ({@link StaTiming#exact()}).
 */
public final class YosysStaParser {
  private static final Pattern LATEST =
      Pattern.compile("^Latest arrival time in '(.+)' is (-?\\d+):\\s*$");
  private static final Pattern ENDPOINT = Pattern.compile("^\\s+(-?\\d+)\\s.*\\(([^()]+)\\)\\s*$");
  private static final Pattern ARC =
      Pattern.compile("^\\s+(-?\\d+)\\s.*\\(([A-Za-z0-9_$]+\\.[^()]*->[^()]*)\\)\\s*$");
  private static final Pattern INPUT =
      Pattern.compile("^\\s+(-?\\d+)\\s+(.*)\\s+\\(<primary input>\\)\\s*$");
  private static final List<Pattern> FATAL =
      List.of(
          Pattern.compile("Warning: Cell type '(.+)' not recognised! Ignoring\\."),
          Pattern.compile("Warning: Cell type '(.+)' is not a black- nor white-box! Ignoring\\."),
          Pattern.compile("Warning: Module '(.+)' has no timing arcs!"));

  private YosysStaParser() {}

  /**
   * @param top copied into the result
   * @param dsp copied into the result
   * @param log a Yosys log with one {@code sta} run (the last one is read)
   * @throws SynthException when there is no {@code sta} result, no timing path, or a warning says
   *     the estimate is incomplete
   */
  public static StaTiming parse(String top, boolean dsp, String log) {
    String[] lines = log.split("\\R");
    int staAt = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains("Executing STA pass")) staAt = i;
    }
    if (staAt < 0) throw new SynthException("no Yosys 'sta' output in the log");
    for (int i = staAt; i < lines.length; i++) {
      for (Pattern f : FATAL) {
        Matcher m = f.matcher(lines[i]);
        if (m.find()) {
          throw new SynthException(
              "Yosys sta estimate of "
                  + top
                  + " is incomplete: "
                  + m.group(0).replace("Warning: ", ""));
        }
      }
      if (lines[i].startsWith("No timing paths found.")) {
        throw new SynthException("Yosys sta found no timing path in " + top);
      }
    }
    for (int i = staAt; i < lines.length; i++) {
      Matcher m = LATEST.matcher(lines[i]);
      if (!m.matches()) continue;
      int ps = Integer.parseInt(m.group(2));
      if (i + 1 >= lines.length) break;
      Matcher e = ENDPOINT.matcher(lines[i + 1]);
      if (!e.matches())
        throw new SynthException("unexpected sta endpoint line: " + lines[i + 1].strip());
      String endpoint = e.group(2);
      boolean exact = !endpoint.equals("<unknown>");
      if (!exact) endpoint = "<no endpoint>";
      List<String> arcs = new ArrayList<>();
      for (int j = i + 2; j < lines.length; j++) {
        Matcher a = ARC.matcher(lines[j]);
        if (a.matches()) {
          arcs.add(a.group(2));
          continue;
        }
        Matcher in = INPUT.matcher(lines[j]);
        if (in.matches()) {
          arcs.add(in.group(2).strip() + " (primary input)");
          break;
        }
        if (lines[j].isBlank()) break;
        if (lines[j].startsWith("Warning: Critical-path does not terminate")) continue;
        // otherwise a signal-name line between two arcs
      }
      Collections.reverse(arcs);
      return new StaTiming(top, dsp, ps, exact, endpoint, arcs);
    }
    throw new SynthException("no 'Latest arrival time' line in the Yosys sta output");
  }
}
