package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SweepReportTest {

  /** A hand-made result; luts < 0: not synthesized; top1 NaN: not rated; fmax NaN: no iCE40 run. */
  static PointResult pt(
      String w,
      String a,
      String model,
      int luts,
      double top1,
      double fp32,
      long mismatches,
      double fmax) {
    DesignPoint p = new DesignPoint(CoreSpec.mac(Formats.parse(w), Formats.parse(a)), model);
    Stages.Cost cost = luts < 0 ? null : new Stages.Cost(luts, 30, 5, 0, -1, fmax, Double.NaN);
    Stages.Accuracy acc = Double.isNaN(top1) ? null : new Stages.Accuracy(top1, fp32, 97.5, 10000);
    return new PointResult(
        p, List.of(), new Stages.Proof(65_536, mismatches, 1.0), cost, acc, 20.0, 20.0);
  }

  /**
   * Ranked by SQNR, the front follows the SQNR column, not top-1: a point with the best top-1 but a
   * poor SQNR drops off; the cache properties keep NaN and infinities.
   */
  @Test
  void aFidelityMetricRanksTheFront() {
    DesignPoint cheap =
        new DesignPoint(CoreSpec.mac(Formats.parse("INT4"), Formats.parse("INT4")), "m");
    DesignPoint mid =
        new DesignPoint(CoreSpec.mac(Formats.parse("E2M1"), Formats.parse("E2M1")), "m");
    DesignPoint wide =
        new DesignPoint(CoreSpec.mac(Formats.parse("INT8"), Formats.parse("INT8")), "m");
    org.exmy.nn.quant.Metric sqnr = org.exmy.nn.quant.Metric.SQNR;
    // (top-1, SQNR): cheap (80, 10 dB), mid (90, 8 dB: worse SQNR than cheap at more LUTs), wide
    // (85, 30 dB)
    List<PointResult> rs =
        List.of(
            new PointResult(
                cheap,
                List.of(),
                null,
                new Stages.Cost(30, 1, 1, 0, -1, Double.NaN, Double.NaN),
                new Stages.Accuracy(80, 90, 80, 100, 10, 0.9, 1, 80, sqnr),
                0,
                0),
            new PointResult(
                mid,
                List.of(),
                null,
                new Stages.Cost(40, 1, 1, 0, -1, Double.NaN, Double.NaN),
                new Stages.Accuracy(90, 90, 90, 100, 8, 0.8, 2, 85, sqnr),
                0,
                0),
            new PointResult(
                wide,
                List.of(),
                null,
                new Stages.Cost(60, 1, 1, 0, -1, Double.NaN, Double.NaN),
                new Stages.Accuracy(85, 90, 85, 100, 30, 0.99, 0.1, 95, sqnr),
                0,
                0));
    List<PointResult> front = SweepReport.fronts(rs).get("m");
    assertEquals(List.of("INT4", "INT8"), front.stream().map(r -> r.core().a().name()).toList());
    Stages.Accuracy odd =
        new Stages.Accuracy(
            Double.NaN,
            Double.NaN,
            Double.NaN,
            5,
            Double.POSITIVE_INFINITY,
            1,
            0,
            100,
            org.exmy.nn.quant.Metric.TOP1);
    Stages.Accuracy back = Stages.Accuracy.of(odd.toProperties());
    assertTrue(Double.isNaN(back.top1()));
    assertEquals(Double.POSITIVE_INFINITY, back.rankedBy(sqnr).score());
    assertEquals(-0.1, rs.get(2).accuracy().rankedBy(org.exmy.nn.quant.Metric.MAXERR).score());
  }

  static PointResult cnn(String w, String a, int luts, double top1) {
    return pt(w, a, "cnn", luts, top1, 93.0, 0, Double.NaN);
  }

  static PointResult mlp(String w, int luts, double top1, double fmax) {
    return pt(w, w, "mlp", luts, top1, 88.0, 0, fmax);
  }

  // cnn (FP32 93.00) by ascending LUTs:
  //   INT4 52/70.00 front (cheapest); E2M1 58/80.10 front; E2M3 85/91.50 front; E3M2 110/- (no
  // accuracy);
  //   INT6 117/91.00 beaten by E2M3; E3M4 171/92.40 front (proof failed, 3 mismatches); INT8/E4M3
  // 190/92.50
  //   front; INT8 207/92.90 front; E4M3 217/92.69 beaten by INT8; E5M2 337/92.10 beaten by INT8;
  //   E1M2 -/60.00 (not synthesized).
  // mlp (FP32 88.00): INT4 52/60.00 front; E2M1 58/75.00 front; INT8 207/87.60 front; E4M3
  // 217/87.50 beaten.
  static final PointResult C_INT4 = cnn("INT4", "INT4", 52, 70.00);
  static final PointResult C_E2M1 = pt("E2M1", "E2M1", "cnn", 58, 80.10, 93.0, 0, 102.4);
  static final PointResult C_E2M3 = cnn("E2M3", "E2M3", 85, 91.50);
  static final PointResult C_E3M2 = cnn("E3M2", "E3M2", 110, Double.NaN);
  static final PointResult C_INT6 = cnn("INT6", "INT6", 117, 91.00);
  static final PointResult C_E3M4 = pt("E3M4", "E3M4", "cnn", 171, 92.40, 93.0, 3, Double.NaN);
  static final PointResult C_MIX = cnn("INT8", "E4M3", 190, 92.50);
  static final PointResult C_INT8 = pt("INT8", "INT8", "cnn", 207, 92.90, 93.0, 0, 79.1);
  static final PointResult C_E4M3 = pt("E4M3", "E4M3", "cnn", 217, 92.69, 93.0, 0, 52.4);
  static final PointResult C_E5M2 = cnn("E5M2", "E5M2", 337, 92.10);
  static final PointResult C_E1M2 = cnn("E1M2", "E1M2", -1, 60.00);
  // the same cores as cnn's INT8, E2M1, E4M3 (same Fmax): the Fmax plot shows each core once
  static final PointResult M_INT8 = mlp("INT8", 207, 87.60, 79.1);
  static final PointResult M_E4M3 = mlp("E4M3", 217, 87.50, 52.4);
  static final PointResult M_INT4 = mlp("INT4", 52, 60.00, Double.NaN);
  static final PointResult M_E2M1 = mlp("E2M1", 58, 75.00, 102.4);

  // sweep order, deliberately not sorted by model or LUTs
  static final List<PointResult> ALL =
      List.of(
          M_INT8, C_E4M3, C_INT4, C_E2M1, M_E4M3, C_E2M3, C_E3M2, C_INT6, C_E3M4, C_MIX, C_INT8,
          M_INT4, C_E5M2, C_E1M2, M_E2M1);

  static final List<PointResult> FRONT =
      List.of(C_INT4, C_E2M1, C_E2M3, C_E3M4, C_MIX, C_INT8, M_INT4, M_E2M1, M_INT8);

  static final String TRICKY = "exmy sweep --note \"a<b & c>d\" --w 'E4M3'";

  @TempDir static Path dir;
  static List<Path> written;

  @BeforeAll
  static void writeOnce() {
    LinkedHashMap<String, String> s = new LinkedHashMap<>();
    s.put("command", TRICKY);
    s.put("grid", "E*M*:bits=4..8, INT*");
    s.put("wall time", "12 min 3 s");
    written = SweepReport.write(dir.resolve("out"), ALL, new ReportSettings(s));
  }

  static Path out(String name) {
    return dir.resolve("out").resolve(name);
  }

  static List<String[]> csv(String name) throws IOException {
    List<String> lines = Files.readAllLines(out(name), StandardCharsets.UTF_8);
    assertEquals(PointResult.csvHeader(), lines.get(0));
    // no cell of these results holds a comma or a quote
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
  }

  static int col(String name) {
    return Arrays.asList(PointResult.csvHeader().split(",")).indexOf(name);
  }

  @Test
  void writesTheExpectedFiles() {
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(
        List.of(
            "points.csv",
            "pareto.csv",
            "accuracy_vs_luts_cnn.png",
            "accuracy_vs_luts_cnn.svg",
            "accuracy_vs_bits_cnn.png",
            "accuracy_vs_bits_cnn.svg",
            "accuracy_vs_luts_mlp.png",
            "accuracy_vs_luts_mlp.svg",
            "accuracy_vs_bits_mlp.png",
            "accuracy_vs_bits_mlp.svg",
            "fmax_vs_luts.png",
            "fmax_vs_luts.svg",
            "report.html"),
        names);
    for (Path p : written) {
      assertTrue(Files.isRegularFile(p), p.toString());
    }
  }

  @Test
  void pointsCsvHasEveryResultInOrder() throws IOException {
    List<String[]> rows = csv("points.csv");
    assertEquals(ALL.size(), rows.size());
    for (int i = 0; i < ALL.size(); i++) {
      PointResult r = ALL.get(i);
      String[] row = rows.get(i);
      assertEquals(r.point().label(), row[col("label")]);
      assertEquals(r.point().model(), row[col("model")]);
      if (r.cost() == null) {
        assertEquals("", row[col("luts")]);
      } else {
        assertEquals(r.cost().luts(), Integer.parseInt(row[col("luts")]));
      }
      if (r.accuracy() == null) {
        assertEquals("", row[col("top1")]);
      } else { // the inputs have two decimals, as the column
        assertEquals(r.accuracy().top1(), Double.parseDouble(row[col("top1")]));
      }
    }
    // spot checks against the literals above
    assertEquals("207", rows.get(0)[col("luts")]);
    assertEquals("87.60", rows.get(0)[col("top1")]);
    assertEquals("", rows.get(6)[col("top1")]); // E3M2: not rated
    assertEquals("", rows.get(13)[col("luts")]); // E1M2: not synthesized
  }

  @Test
  void paretoCsvIsTheHandComputedFrontPerModel() throws IOException {
    List<String[]> rows = csv("pareto.csv");
    List<String> got =
        rows.stream()
            .map(
                r ->
                    r[col("model")]
                        + ":"
                        + r[col("label")]
                        + ":"
                        + r[col("luts")]
                        + ":"
                        + r[col("top1")])
            .toList();
    assertEquals(
        List.of(
            "cnn:INT4:52:70.00",
            "cnn:E2M1:58:80.10",
            "cnn:E2M3:85:91.50",
            "cnn:E3M4:171:92.40",
            "cnn:INT8 x E4M3:190:92.50",
            "cnn:INT8:207:92.90",
            "mlp:INT4:52:60.00",
            "mlp:E2M1:58:75.00",
            "mlp:INT8:207:87.60"),
        got);
    assertEquals(
        FRONT.stream().map(PointResult::csvRow).toList(),
        Files.readAllLines(out("pareto.csv")).subList(1, rows.size() + 1));
  }

  @Test
  void pngPlotsDecodeToFullSizeColourImages() throws IOException {
    for (String name :
        List.of(
            "accuracy_vs_luts_cnn",
            "accuracy_vs_bits_cnn",
            "accuracy_vs_luts_mlp",
            "accuracy_vs_bits_mlp",
            "fmax_vs_luts")) {
      BufferedImage img = ImageIO.read(out(name + ".png").toFile());
      assertNotNull(img, name);
      assertEquals(1800, img.getWidth(), name);
      assertEquals(1200, img.getHeight(), name);
      Set<Integer> colours = new HashSet<>();
      for (int y = 0; y < img.getHeight(); y += 3) {
        for (int x = 0; x < img.getWidth(); x += 3) {
          colours.add(img.getRGB(x, y) & 0xffffff);
        }
      }
      assertTrue(colours.size() > 50, name + ": " + colours.size() + " colours");
      // the family colours of SweepPlots (Okabe-Ito blue and vermillion) fill the markers
      assertTrue(colours.contains(0x0072b2), name + " has minifloat markers");
      assertTrue(colours.contains(0xd55e00), name + " has integer markers");
    }
    // cnn's E3M4 failed its proof: a red cross; mlp has no failed point
    assertTrue(has(ImageIO.read(out("accuracy_vs_luts_cnn.png").toFile()), 0xcc0000));
    assertFalse(has(ImageIO.read(out("accuracy_vs_luts_mlp.png").toFile()), 0xcc0000));
  }

  static boolean has(BufferedImage img, int rgb) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          return true;
        }
      }
    }
    return false;
  }

  static Document xml(byte[] bytes) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // the SVG's DOCTYPE names the SVG 1.1 DTD on the web: never fetch it
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
  }

  static List<String> texts(Document d, String tag) {
    NodeList n = d.getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.getLength(); i++) {
      out.add(n.item(i).getTextContent().strip());
    }
    return out;
  }

  static List<String> sorted(Stream<String> s) {
    return s.sorted().toList();
  }

  @Test
  void svgPlotsParseAndHoldExactlyTheLabels() throws Exception {
    // every cnn point with both LUTs and top-1 (not E3M2, not E1M2), by its short label
    assertEquals(
        sorted(
            Stream.of("INT4", "E2M1", "E2M3", "INT6", "E3M4", "INT8/E4M3", "INT8", "E4M3", "E5M2")),
        sorted(texts(xml(Files.readAllBytes(out("accuracy_vs_luts_cnn.svg"))), "text").stream()));
    // the best point per weight width and family: minifloat 4: E2M1 (not E1M2), 6: E2M3, 8: E4M3;
    // integer INT4, INT6, INT8; mixed 8: INT8/E4M3
    assertEquals(
        sorted(Stream.of("E2M1", "E2M3", "E4M3", "INT4", "INT6", "INT8", "INT8/E4M3")),
        sorted(texts(xml(Files.readAllBytes(out("accuracy_vs_bits_cnn.svg"))), "text").stream()));
    assertEquals(
        sorted(Stream.of("INT4", "E2M1", "INT8", "E4M3")),
        sorted(texts(xml(Files.readAllBytes(out("accuracy_vs_luts_mlp.svg"))), "text").stream()));
    // three cores have an Fmax, each rated on both models: each once
    assertEquals(
        List.of("E2M1", "E4M3", "INT8"),
        sorted(texts(xml(Files.readAllBytes(out("fmax_vs_luts.svg"))), "text").stream()));
  }

  static Document html() throws Exception {
    return xml(Files.readAllBytes(out("report.html")));
  }

  @Test
  void reportIsSelfContainedAndEmbedsEveryPng() throws Exception {
    String raw = Files.readString(out("report.html"));
    assertTrue(raw.startsWith("<!DOCTYPE html>"));
    assertFalse(raw.contains("<script"), "no script");
    assertFalse(raw.contains("<link"), "no linked file");
    assertFalse(raw.contains("http://") || raw.contains("https://"), "no network address");
    NodeList imgs = html().getElementsByTagName("img");
    Set<String> embedded = new HashSet<>();
    for (int i = 0; i < imgs.getLength(); i++) {
      String src = ((Element) imgs.item(i)).getAttribute("src");
      assertTrue(
          src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
      embedded.add(
          Base64.getEncoder().encodeToString(Base64.getDecoder().decode(src.substring(22))));
    }
    Set<String> files = new HashSet<>();
    for (Path p : written) {
      if (p.toString().endsWith(".png")) {
        files.add(Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
      }
    }
    assertEquals(5, files.size());
    assertEquals(files, embedded);
    assertEquals(5, imgs.getLength());
  }

  @Test
  void settingsAreShownAndEscaped() throws Exception {
    String raw = Files.readString(out("report.html"));
    assertFalse(raw.contains("a<b & c>d"), "raw text in the page");
    assertTrue(raw.contains("a&lt;b &amp; c&gt;d"));
    Map<String, String> shown = new LinkedHashMap<>();
    NodeList rows = html().getElementsByTagName("tr");
    for (int i = 0; i < rows.getLength(); i++) {
      Element tr = (Element) rows.item(i);
      if (tr.getElementsByTagName("th").getLength() == 1
          && tr.getElementsByTagName("td").getLength() == 1) {
        shown.put(
            tr.getElementsByTagName("th").item(0).getTextContent(),
            tr.getElementsByTagName("td").item(0).getTextContent());
      }
    }
    assertEquals(
        Map.of("command", TRICKY, "grid", "E*M*:bits=4..8, INT*", "wall time", "12 min 3 s"),
        shown);
  }

  /** Rows of the table whose caption starts with {@code caption}: status, label, model cells. */
  static List<List<String>> table(Document d, String caption, int... cells) {
    NodeList tables = d.getElementsByTagName("table");
    List<List<String>> out = new ArrayList<>();
    for (int t = 0; t < tables.getLength(); t++) {
      Element table = (Element) tables.item(t);
      NodeList cap = table.getElementsByTagName("caption");
      if (cap.getLength() == 0 || !cap.item(0).getTextContent().startsWith(caption)) {
        continue;
      }
      NodeList trs =
          ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
      for (int i = 0; i < trs.getLength(); i++) {
        Element tr = (Element) trs.item(i);
        NodeList tds = tr.getElementsByTagName("td");
        List<String> row = new ArrayList<>();
        row.add(tr.getAttribute("class"));
        for (int c : cells) {
          row.add(tds.item(c).getTextContent());
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void fullTableHasEveryPointAndFlagsFrontAndFailedProofs() throws Exception {
    Document d = html();
    List<String> titles = new ArrayList<>();
    NodeList ths = d.getElementsByTagName("th");
    for (int i = 0; i < ths.getLength(); i++) {
      titles.add(ths.item(i).getTextContent());
    }
    for (PointResult.Column c : PointResult.COLUMNS) {
      assertTrue(titles.contains(c.title()), c.title());
    }
    // cells 0: status, 1: label, 2: model (the full table's columns are status + COLUMNS)
    List<List<String>> rows = table(d, ALL.size() + " design points", 0, 1, 2);
    assertEquals(ALL.size(), rows.size());
    Map<String, String> classOf = new TreeMap<>();
    for (int i = 0; i < ALL.size(); i++) {
      List<String> row = rows.get(i);
      assertEquals(ALL.get(i).point().label(), row.get(2));
      assertEquals(ALL.get(i).point().model(), row.get(3));
      classOf.put(row.get(3) + ":" + row.get(2), row.get(0));
      if (row.get(0).contains("failed")) {
        assertTrue(row.get(1).contains("proof FAILED (3 mismatches)"), row.toString());
      }
      if (row.get(0).contains("front")) {
        assertTrue(row.get(1).contains("Pareto front"), row.toString());
      }
    }
    Map<String, String> want = new TreeMap<>();
    for (PointResult r : ALL) {
      want.put(r.point().model() + ":" + r.point().label(), "");
    }
    for (PointResult r : FRONT) {
      want.put(r.point().model() + ":" + r.point().label(), "front");
    }
    want.put("cnn:E3M4", "front failed");
    assertEquals(want, classOf);
  }

  @Test
  void frontTablesListEachModelsFrontInLutOrderAndFlagTheFailedProof() throws Exception {
    Document d = html();
    List<List<String>> rows = table(d, "front:", 1); // cell 1: the label
    assertEquals(
        List.of("INT4", "E2M1", "E2M3", "E3M4", "INT8 x E4M3", "INT8", "INT4", "E2M1", "INT8"),
        rows.stream().map(r -> r.get(1)).toList());
    assertEquals(
        List.of("", "", "", "failed", "", "", "", "", ""),
        rows.stream().map(r -> r.get(0)).toList());
    String text = d.getDocumentElement().getTextContent();
    for (PointResult r : ALL) {
      assertTrue(text.contains(r.point().label()), r.point().label());
    }
  }

  @Test
  void aFileWhereTheFolderShouldBeFailsInOneLine(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("report");
    Files.writeString(file, "keep me");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> SweepReport.write(file, List.of(C_E2M1), null));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals("keep me", Files.readString(file));
  }

  /** An earlier report's files, by hand; one of them read-only. */
  static Map<Path, String> oldReport(Path d, String readOnly) throws IOException {
    Files.createDirectories(d);
    Map<Path, String> old = new TreeMap<>();
    for (String name :
        List.of(
            "points.csv",
            "pareto.csv",
            "accuracy_vs_bits.png",
            "accuracy_vs_bits.svg",
            "report.html")) {
      old.put(d.resolve(name), "old " + name);
      Files.writeString(d.resolve(name), "old " + name);
    }
    Files.setPosixFilePermissions(
        d.resolve(readOnly), PosixFilePermissions.fromString("r--r--r--"));
    return old;
  }

  static void assertUnchanged(Path d, Map<Path, String> old) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      assertEquals(old.keySet(), new TreeSet<>(s.toList()), "no new and no temporary file");
    }
    for (Map.Entry<Path, String> f : old.entrySet()) {
      assertEquals(f.getValue(), Files.readString(f.getKey()), f.getKey().toString());
    }
  }

  @Test
  void aReadOnlyPlotFileStopsTheWriteBeforeAnyFileIsReplaced(@TempDir Path tmp) throws IOException {
    Path d = tmp.resolve("out");
    // the plot's name is known only once the plots are rendered: this is caught just before the
    // renames
    Map<Path, String> old = oldReport(d, "accuracy_vs_bits.svg");
    // E1M2 is rated but not synthesized: its only plot is accuracy_vs_bits
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> SweepReport.write(d, List.of(C_E1M2), ReportSettings.of("run", "second")));
    assertEquals(
        "cannot write the sweep report: "
            + d.resolve("accuracy_vs_bits.svg").toAbsolutePath()
            + " is read-only",
        e.getMessage());
    assertUnchanged(d, old);
  }

  @Test
  void aReadOnlyReportFailsBeforeAnyRendering(@TempDir Path tmp) throws IOException {
    Path d = tmp.resolve("out");
    Map<Path, String> old = oldReport(d, "report.html");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> SweepReport.write(d, List.of(C_E2M1, C_INT8), null));
    assertEquals(
        "cannot write the sweep report: "
            + d.resolve("report.html").toAbsolutePath()
            + " is read-only",
        e.getMessage());
    assertUnchanged(d, old);
  }

  @Test
  void modelNamesWithMarkupAreEscapedAndMadeSafeForFileNames(@TempDir Path tmp) throws Exception {
    String model = "q&a <v2>\"";
    // rated, not synthesized (one plot per model: fast)
    PointResult a = pt("E2M1", "E2M1", model, -1, 80.10, 93.0, 0, Double.NaN);
    PointResult b = pt("E2M1", "E2M1", "cnn", -1, 80.10, 93.0, 0, Double.NaN);
    List<String> names =
        SweepReport.write(tmp, List.of(a, b), null).stream()
            .map(p -> p.getFileName().toString())
            .toList();
    assertEquals(
        List.of(
            "points.csv",
            "pareto.csv",
            "accuracy_vs_bits_cnn.png",
            "accuracy_vs_bits_cnn.svg",
            "accuracy_vs_bits_q_a_v2.png",
            "accuracy_vs_bits_q_a_v2.svg",
            "report.html"),
        names);
    Document d = xml(Files.readAllBytes(tmp.resolve("report.html")));
    assertTrue(texts(d, "h2").contains("Model " + model), texts(d, "h2").toString());
    assertTrue(
        texts(d, "figcaption")
            .contains(
                model
                    + ": top-1 vs bits of the weight format (lines: the best per "
                    + "width) (also accuracy_vs_bits_q_a_v2.svg and accuracy_vs_bits_q_a_v2.png)"),
        texts(d, "figcaption").toString());
    assertFalse(Files.readString(tmp.resolve("report.html")).contains("<v2>"));
  }

  @Test
  void aFolderInPlaceOfAnOutputFileFailsAndWritesNothing(@TempDir Path tmp) throws IOException {
    Path d = tmp.resolve("out");
    Files.createDirectories(d.resolve("pareto.csv"));
    Files.writeString(d.resolve("pareto.csv").resolve("x"), "x");
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> SweepReport.write(d, List.of(C_E2M1), null));
    assertEquals(
        "cannot write the sweep report: "
            + d.resolve("pareto.csv").toAbsolutePath()
            + " is a folder, not a file",
        e.getMessage());
    try (Stream<Path> s = Files.list(d)) {
      assertEquals(List.of(d.resolve("pareto.csv")), s.toList());
    }
  }

  @Test
  void withoutFmaxOrAccuracyThoseFilesAreLeftOut(@TempDir Path tmp) {
    PointResult costOnly = pt("E4M3", "E4M3", null, 217, Double.NaN, Double.NaN, 0, Double.NaN);
    List<String> names =
        SweepReport.write(tmp, List.of(costOnly), ReportSettings.of()).stream()
            .map(p -> p.getFileName().toString())
            .toList();
    assertEquals(List.of("points.csv", "pareto.csv", "report.html"), names);
  }

  @Test
  void oneModelGetsPlotNamesWithoutSuffix(@TempDir Path tmp) {
    List<String> names =
        SweepReport.write(tmp, List.of(C_E2M1, C_E1M2), null).stream()
            .map(p -> p.getFileName().toString())
            .toList();
    // C_E1M2 has no LUTs, C_E2M1 has: both plots; C_E2M1 has an Fmax
    assertEquals(
        List.of(
            "points.csv",
            "pareto.csv",
            "accuracy_vs_luts.png",
            "accuracy_vs_luts.svg",
            "accuracy_vs_bits.png",
            "accuracy_vs_bits.svg",
            "fmax_vs_luts.png",
            "fmax_vs_luts.svg",
            "report.html"),
        names);
  }

  @Test
  void modelSlugsAreFileNamesAndUnique() {
    assertEquals(
        List.of("cnn", "cnn-2", "my_model", "model"),
        List.copyOf(
            SweepPlots.slugs(List.of("cnn", "/data/cnn.onnx", "my model?", "../")).values()));
  }
}
