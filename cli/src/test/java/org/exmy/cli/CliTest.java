package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliTest {

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Run run(String stdin, String... args) {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = Main.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      int code = cl.execute(args);
      return new Run(code, out.toString(), err.toString());
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void tableOfE2M1ListsAllSixteenCodes() {
    Run r = run("", "table", "E2M1");
    assertEquals(0, r.exit(), r.err());
    List<String> l = r.lines();
    assertEquals(17, l.size());
    assertEquals("code,value", l.get(0));
    assertEquals("0x0,0", l.get(1));
    assertEquals("0x1,0.5", l.get(2));
    assertEquals("0x7,6", l.get(8));
    assertEquals("0x8,-0", l.get(9));
    assertEquals("0xf,-6", l.get(16));
  }

  @Test
  void tableOfFloat8E4m3fnHasNaNsAndMax448() {
    Run r = run("", "table", "float8_e4m3fn");
    List<String> l = r.lines();
    assertEquals(257, l.size());
    assertEquals("0x01,0.001953125", l.get(1 + 0x01));
    assertEquals("0x7e,448", l.get(1 + 0x7e));
    assertEquals("0x7f,nan", l.get(1 + 0x7f));
    assertEquals("0xff,nan", l.get(1 + 0xff));
  }

  @Test
  void tableOfFloat8E5m2HasInfinities() {
    List<String> l = run("", "table", "float8_e5m2").lines();
    assertEquals("0x7b,57344", l.get(1 + 0x7b));
    assertEquals("0x7c,inf", l.get(1 + 0x7c));
    assertEquals("0xfc,-inf", l.get(1 + 0xfc));
    assertEquals("0x7d,nan", l.get(1 + 0x7d));
  }

  @Test
  void quantizeRoundsToNearestEvenAndOverflowsLikeMlDtypes() {
    Run r = run("1.1\n464\n464.5\n-0.0001\n500\n\nnan\n", "quantize", "float8_e4m3fn");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        List.of(
            "input,code,value",
            "1.1,0x39,1.125",
            "464,0x7e,448",
            "464.5,0x7f,nan",
            "-0.0001,0x80,-0",
            "500,0x7f,nan",
            "nan,0x7f,nan"),
        r.lines());
    Run s = run("500\n-1e9\n", "quantize", "float8_e4m3fn", "--overflow", "saturate");
    assertEquals(List.of("input,code,value", "500,0x7e,448", "-1e9,0xfe,-448"), s.lines());
  }

  @Test
  void quantizeIntegersSaturateAndRoundHalfEven() {
    Run r = run("2.5\n3.5\n-200\n127.4\n", "quantize", "int8");
    assertEquals(
        List.of("input,code,value", "2.5,0x02,2", "3.5,0x04,4", "-200,0x80,-128", "127.4,0x7f,127"),
        r.lines());
  }

  @Test
  void quantizeReportsBadLinesAndKeepsTheRest() {
    Run r = run("1\nabc\n2\n", "quantize", "e4m3");
    assertEquals(2, r.exit());
    assertEquals(List.of("input,code,value", "1,0x38,1", "2,0x40,2"), r.lines());
    assertTrue(r.err().contains("line 2: 'abc' is not a decimal number"), r.err());
  }

  @Test
  void badFormatIsOneClearLineNoStackTrace() {
    Run r = run("", "table", "e9m3");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("exmy: error: "), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Run o = run("", "quantize", "e4m3", "--overflow", "wrap");
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("--overflow must be 'saturate' or 'nonsat'"), o.err());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "formats",
        "table",
        "quantize",
        "generate",
        "catalogue",
        "verify",
        "synth",
        "flow",
        "bench",
        "cache"
      })
  void everyCommandHasHelp(String cmd) {
    Run r = run("", cmd, "--help");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("Usage: exmy " + cmd), r.out());
  }

  @Test
  void topLevelHelpGivesEveryCommandAWholeOneLineSummary() {
    Run r = run("", "--help");
    assertEquals(0, r.exit(), r.err());
    List<String> l = r.lines();
    int at = l.indexOf("Commands:");
    assertTrue(at > 0, r.out());
    for (String cmd :
        List.of(
            "formats",
            "table",
            "quantize",
            "generate",
            "catalogue",
            "verify",
            "synth",
            "flow",
            "bench",
            "cache")) {
      String line =
          l.stream().skip(at).filter(s -> s.startsWith("  " + cmd + " ")).findFirst().orElseThrow();
      int i = l.indexOf(line);
      // picocli wraps a long summary onto the next line; the summary must end on its first line.
      String next = i + 1 < l.size() ? l.get(i + 1) : "";
      String summary = next.startsWith("      ") ? line + " " + next.strip() : line;
      assertTrue(summary.endsWith("."), "summary of '" + cmd + "' is cut: " + summary);
    }
  }

  /** bench --ptq: one row per technique, the plan a part of calibration + plan. */
  @Test
  void benchTimesThePtqPlanOfEveryTechnique() {
    Run r = run("", "bench", "--model", "mlp", "--ptq", "--threads", "1", "INT4");
    assertEquals(0, r.exit(), r.err());
    List<String> l = r.lines();
    assertEquals("model,w,a,threads,technique,calibration_plus_plan_s,plan_s", l.get(0));
    assertEquals(5, l.size(), r.out());
    List<String> techniques = new java.util.ArrayList<>();
    for (String row : l.subList(1, l.size())) {
      String[] c = row.split(",");
      assertEquals("INT4", c[1], row);
      assertEquals("INT8", c[2], row);
      techniques.add(c[4]);
      double all = Double.parseDouble(c[5]);
      double plan = Double.parseDouble(c[6]);
      assertTrue(plan >= 0 && plan <= all, row);
    }
    assertEquals(List.of("none", "gptq", "gptq+act-order", "learned-round"), techniques);
  }

  @Test
  void verifyTakesAMixedIntegerTimesMinifloatCore() {
    RequireTools.verilatorBackend();
    Run r =
        run("", "verify", "float8_e5m2", "--b", "INT4", "--sequences", "5", "--max-length", "100");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(
        r.out()
            .contains(
                "PASS exmy_mac_float8_e5m2_x_int4 exhaustive pairs: 4096 vectors, 0 mismatches"),
        r.out());
    Run bad = run("", "verify", "E4M3", "--b", "E4M9");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().startsWith("exmy: error: unknown format 'E4M9'"), bad.err());
  }

  @Test
  void anUnwritableOutputFolderIsOneLineWithTheReason(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Run r = run("", "generate", "E2M1", "-o", file.resolve("sub").toString());
    assertEquals(1, r.exit());
    assertEquals(
        "exmy: error: cannot write to "
            + file.resolve("sub")
            + ": "
            + file.resolve("sub")
            + ": not a directory",
        r.err().strip());
  }

  @Test
  void quantizeTakesAstronomicalDecimals() {
    Run r =
        run(
            "1e999999999\n-1e-999999999\n1e99999999999\n-1e-99999999999\n",
            "quantize",
            "float8_e4m3fn");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        List.of(
            "input,code,value",
            "1e999999999,0x7f,nan",
            "-1e-999999999,0x80,-0",
            "1e99999999999,0x7f,nan",
            "-1e-99999999999,0x80,-0"),
        r.lines());
    Run s = run("-1e99999999999\n", "quantize", "float8_e4m3fn", "--overflow", "saturate");
    assertEquals(List.of("input,code,value", "-1e99999999999,0xfe,-448"), s.lines());
  }

  @Test
  void generateAndVerifyADotProductCore(@TempDir Path dir) throws Exception {
    RequireTools.verilatorBackend();
    Run g = run("", "generate", "E2M1", "--lanes", "4", "--terms", "64", "-o", dir.toString());
    assertEquals(0, g.exit(), g.err());
    assertTrue(
        g.out()
            .contains(
                "module exmy_dot4_e2m1_t64: E2M1 (4 lanes), exact for 64 products, latency 1"),
        g.out());
    assertTrue(g.out().contains("input  io_b_3       4 bits"), g.out());
    assertTrue(
        Files.readString(dir.resolve("exmy_dot4_e2m1_t64.v"))
            .contains("module exmy_dot4_e2m1_t64_product ("));
    Run v = run("", "verify", "E2M1", "--lanes", "4", "--terms", "64", "--sequences", "5");
    assertEquals(0, v.exit(), v.out() + v.err());
    assertTrue(
        v.out().contains("PASS exmy_dot4_e2m1_t64 exhaustive pairs: 256 vectors, 0 mismatches"),
        v.out());
    Run bad = run("", "generate", "E2M1", "--lanes", "8", "--terms", "4");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--terms (4) must be at least --lanes (8)"), bad.err());
    Run zero = run("", "verify", "E2M1", "--lanes", "0");
    assertEquals(2, zero.exit());
    assertTrue(zero.err().contains("--lanes must be 1..256, got 0"), zero.err());
  }

  @Test
  void flowWritesAReportWithProofCostAndAccuracy(@TempDir Path dir) throws Exception {
    RequireTools.verilatorBackend();
    RequireTools.yosys();
    Run r =
        run(
            "",
            "flow",
            "E2M1",
            "INT4",
            "--sequences",
            "10",
            "-o",
            dir.toString(),
            "--cache",
            dir.resolve("cache").toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("every core is bit-exact"), r.out());
    List<String> csv = Files.readAllLines(dir.resolve("points.csv"));
    List<String> head = List.of(csv.get(0).split(","));
    assertEquals(
        5, csv.size(), "two cores, each with and without DSP blocks\n" + String.join("\n", csv));
    for (int row = 1; row <= 4; row++) {
      String[] f = csv.get(row).split(",", -1);
      assertEquals(head.size(), f.length, csv.get(row));
      assertEquals(row <= 2 ? "E2M1" : "INT4", f[head.indexOf("format_w")]);
      assertEquals("0", f[head.indexOf("mismatches")]);
      assertTrue(Long.parseLong(f[head.indexOf("vectors")]) > 256, csv.get(row));
      assertTrue(Integer.parseInt(f[head.indexOf("luts")]) > 10, csv.get(row));
      // E2M1: 8 product bits + 10 guard + sign; INT4: 7 + 10 + 1
      assertEquals(row <= 2 ? "19" : "18", f[head.indexOf("acc_width")]);
      assertEquals(
          f[head.indexOf("acc_width")],
          f[head.indexOf("ffs")],
          "one flip-flop per accumulator bit");
    }
    // Gaussian SQNR: E2M1 (one mantissa bit) beats INT4 on bell-shaped data.
    double e2m1 = Double.parseDouble(csv.get(1).split(",")[head.indexOf("sqnr_a_db")]);
    double int4 = Double.parseDouble(csv.get(3).split(",")[head.indexOf("sqnr_a_db")]);
    assertTrue(e2m1 > int4, e2m1 + " vs " + int4);
    // a second run takes everything from the cache: with DSP blocks allowed a core's multiplies are
    // written for them, a core of its own, so 4 proofs and 4 costs
    Run again =
        run(
            "",
            "flow",
            "E2M1",
            "INT4",
            "--sequences",
            "10",
            "-o",
            dir.toString(),
            "--cache",
            dir.resolve("cache").toString());
    assertTrue(again.out().contains("8 stages (8 from the cache)"), again.out());
  }

  @Test
  void unknownCommandIsAUsageErrorEvenWithHelp() {
    for (String[] args :
        List.of(
            new String[] {"bogus"},
            new String[] {"bogus", "--help"},
            new String[] {"help", "bogus"})) {
      Run r = run("", args);
      assertEquals(2, r.exit(), String.join(" ", args));
      assertEquals(
          "exmy: error: unknown command 'bogus' (see 'exmy --help')\n",
          r.err(),
          String.join(" ", args));
      assertEquals("", r.out());
    }
  }

  @Test
  void noCommandPrintsTheUsageOnStderrAndExitsTwo() {
    Run r = run("");
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("Usage: exmy [-hV] [COMMAND]"), r.err());
    assertTrue(
        r.err().contains("Exit codes: 0 ok, 1 a check or a tool failed, 2 bad input"), r.err());
  }

  @Test
  void parseErrorsAreOneLineNamingTheCommandsHelp() {
    String[][] cases = {
      {
        "exmy: error: unknown option: '--bogus' (see 'exmy quantize --help')",
        "quantize",
        "E4M3",
        "--bogus"
      },
      {
        "exmy: error: missing required parameter: 'FORMAT' (see 'exmy quantize --help')", "quantize"
      },
      {
        "exmy: error: invalid value for option '--terms': 'abc' is not an int (see 'exmy verify --help')",
        "verify",
        "--terms",
        "abc"
      },
      {
        "exmy: error: invalid value for option '--terms': '99999999999' is not an int (see 'exmy generate --help')",
        "generate",
        "E4M3",
        "--terms",
        "99999999999"
      },
      {
        "exmy: error: missing required parameter for option '--overflow' (POLICY) (see 'exmy quantize --help')",
        "quantize",
        "E4M3",
        "--overflow"
      },
      {
        "exmy: error: unexpected arguments 'extra' 'more' (see 'exmy table --help')",
        "table",
        "E4M3",
        "extra",
        "more"
      },
      {
        "exmy: error: invalid value for option '--via': expected one of [exact, float32] (case-insensitive)"
            + " but was 'x' (see 'exmy quantize --help')",
        "quantize",
        "E4M3",
        "--via",
        "x"
      },
      {
        "exmy: error: unknown option: '--bogus' (see 'exmy cache info --help')",
        "cache",
        "info",
        "--bogus"
      },
    };
    for (String[] c : cases) {
      Run r = run("", java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.exit(), c[0]);
      assertEquals(c[0] + "\n", r.err());
    }
  }

  @Test
  void numericOptionsAreCheckedAgainstTheirStatedLimits() {
    String[][] cases = {
      {"--terms must be 1..1048576, got 2147483647", "verify", "E2M1", "--terms", "2147483647"},
      {"--terms must be 1..1048576, got 1000000000", "generate", "E2M1", "--terms", "1000000000"},
      {"--terms must be 1..1048576, got 0", "synth", "E2M1", "--terms", "0"},
      {"--lanes must be 1..256, got 257", "bench", "E2M1", "--lanes", "257", "--terms", "4096"},
      {"--sequences must be 0..100000, got -1", "verify", "E2M1", "--sequences", "-1"},
      {"--max-length must be 1..100000, got 0", "verify", "E2M1", "--max-length", "0"},
      {
        "--sequences x --max-length must be at most 100000000, got 100000 x 1001",
        "verify",
        "E2M1",
        "--sequences",
        "100000",
        "--max-length",
        "1001"
      },
      {"--calib-images must be 1..100000, got 0", "sweep", "--calib-images", "0"},
      {"--jobs must be 1..64, got 0", "sweep", "--jobs", "0"},
      {"--sequences must be 0..100000, got 100001", "flow", "E2M1", "--sequences", "100001"},
      {"--runs must be 1..10000, got 10001", "bench", "E2M1", "--runs", "10001"},
    };
    for (String[] c : cases) {
      Run r = run("", java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertEquals("exmy: error: " + c[0] + "\n", r.err());
    }
    // and every limit is in the help
    assertTrue(run("", "verify", "--help").out().contains("Products summed exactly, 1..1048576"));
    String flow = run("", "flow", "--help").out().replaceAll("\\s+", " ");
    assertTrue(flow.contains("per core, 0..100000"), flow);
    assertTrue(
        run("", "bench", "--help")
            .out()
            .replaceAll("\\s+", " ")
            .contains("1..10000 (default: 50)"));
    String verify = run("", "verify", "--help").out().replaceAll("\\s+", " ");
    assertTrue(
        verify.contains("1..100000 (default: 2000)") && verify.contains("at most 100000000"),
        verify);
    assertTrue(
        run("", "generate", "--help")
            .out()
            .replaceAll("\\s+", " ")
            .contains("Products added per cycle, 1..256"));
  }

  @Test
  void generateLeavesTheCatalogueManifestAloneAndCatalogueWritesItWhole(@TempDir Path dir)
      throws Exception {
    Path manifest = Files.writeString(dir.resolve("catalogue.csv"), "the catalogue's manifest\n");
    Run g = run("", "generate", "E2M1", "--terms", "16", "-o", dir.toString());
    assertEquals(0, g.exit(), g.err());
    assertEquals("the catalogue's manifest\n", Files.readString(manifest));
    try (var s = Files.list(dir)) {
      assertEquals(
          List.of("catalogue.csv", "exmy_mac_e2m1_t16.v"),
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          "one Verilog file and no temporary leftovers");
    }
    Run c = run("", "catalogue", "-o", dir.toString());
    assertEquals(0, c.exit(), c.err());
    List<String> rows = Files.readAllLines(manifest);
    assertEquals(
        "module,format_a,format_b,terms,lanes,accumulator,pipeline,latency,acc_width,lsb_exponent,"
            + "product_bits,guard_bits,flags,generator",
        rows.get(0));
    assertEquals(
        1 + org.exmy.simulator.Formats.catalogue().size(), rows.size(), "a row per catalogue core");
    // E2M1: quantum 2^-1 per operand, so LSB 2^-2; max product 6 * 6 = 36 = 144 units (8 bits); 10
    // guard bits
    assertTrue(
        rows.contains(
            "exmy_mac_e2m1,E2M1,E2M1,1024,1,exact,\"none\",1,19,-2,8,10,no,"
                + org.exmy.mac.MacGenerator.VERSION),
        rows.toString());
  }

  /**
   * --dsp: the DSP core, named for it, its multiply a Verilog '*'; written with the umask's
   * permissions.
   */
  @Test
  void generateDspWritesTheCoreForDspBlocks(@TempDir Path dir) throws Exception {
    Run g = run("", "generate", "INT8", "--dsp", "-o", dir.toString());
    assertEquals(0, g.exit(), g.err());
    Path v = dir.resolve("exmy_mac_int8_dsp.v");
    String text = Files.readString(v);
    assertTrue(text.contains("Multiplies as Verilog '*' (for DSP blocks)."), text);
    assertTrue(text.lines().anyMatch(l -> !l.strip().startsWith("//") && l.contains(" * ")), text);
    if (Files.getFileStore(v).supportsFileAttributeView("posix")) {
      // not createTempFile's owner-only 0600: others may read it unless the umask says otherwise
      assertTrue(
          Files.getPosixFilePermissions(v)
              .contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ));
      Path plain = Files.createFile(dir.resolve("plain"));
      assertEquals(
          Files.getPosixFilePermissions(plain),
          Files.getPosixFilePermissions(v),
          "as any new file");
    }
  }

  @Test
  void quantizeKeepsTheSignOfZeroAndOfNan() {
    Run r = run("-0\n-0.0\n+0\n-0e-5\n-1e-30\n-nan\n", "quantize", "float8_e4m3fn");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        List.of(
            "input,code,value",
            "-0,0x80,-0",
            "-0.0,0x80,-0",
            "+0,0x00,0",
            "-0e-5,0x80,-0",
            "-1e-30,0x80,-0",
            "-nan,0xff,nan"),
        r.lines());
    // fnuz has no -0: a negative zero is +0
    assertEquals(
        List.of("input,code,value", "-0,0x00,0"),
        run("-0\n", "quantize", "float8_e4m3fnuz").lines());
  }

  @Test
  void quantizeTakesAsciiDecimalsOnly() {
    Run r = run("\uff11\n1\n\u0661\n1_0\n", "quantize", "e4m3");
    assertEquals(2, r.exit());
    assertEquals(List.of("input,code,value", "1,0x38,1"), r.lines());
    assertEquals(
        "exmy: line 1: '\uff11' is not a decimal number (skipped)\n"
            + "exmy: line 3: '\u0661' is not a decimal number (skipped)\n"
            + "exmy: line 4: '1_0' is not a decimal number (skipped)\n"
            + "exmy: 3 line(s) could not be converted\n",
        r.err());
  }

  @Test
  void generateWritesVerilogAndDescribesPorts(@TempDir Path dir) throws Exception {
    Run r = run("", "generate", "E2M1", "--terms", "16", "-o", dir.toString());
    assertEquals(0, r.exit(), r.err());
    Path v = dir.resolve("exmy_mac_e2m1_t16.v");
    assertTrue(Files.readString(v).contains("module exmy_mac_e2m1_t16 ("));
    assertTrue(r.out().contains("io_acc"), r.out());
    Run bad = run("", "generate", "E2M1", "--terms", "0", "-o", dir.toString());
    assertEquals(2, bad.exit());
    assertEquals("exmy: error: --terms must be 1..1048576, got 0\n", bad.err());
  }

  @Test
  void formatsListsTheCatalogue() {
    Run r = run("", "formats");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("float8_e4m3fn,8,4,3,7,fn,on,448,0.001953125"), r.out());
    assertTrue(r.out().contains("E2M1,4,2,1,1,none,on,6,0.5"), r.out());
  }

  @Test
  void generateTakesTheRoundingAndNarrowedAccumulators(@TempDir Path dir) throws Exception {
    Run fp = run("", "generate", "E4M3", "--acc", "FP16", "-o", dir.toString());
    assertEquals(0, fp.exit(), fp.err());
    assertTrue(
        fp.out().contains("module exmy_mac_e4m3_accfp16: E4M3 (acc fp16), latency 1"), fp.out());
    assertTrue(fp.out().contains("floating point fp16 = E5M10 (bias 15)"), fp.out());
    assertTrue(fp.out().contains("output io_acc      16 bits"), fp.out());
    assertTrue(
        Files.readString(dir.resolve("exmy_mac_e4m3_accfp16.v"))
            .contains("rounded to nearest even every cycle"));
    // --acc-* alone select the fixed accumulator; a width saturates; E4M3 products are multiples of
    // 2^-18
    Run fx =
        run(
            "",
            "generate",
            "E4M3",
            "--lanes",
            "4",
            "--acc-lsb",
            "-8",
            "--acc-bits",
            "24",
            "--acc-round",
            "floor",
            "-o",
            dir.toString());
    assertEquals(0, fx.exit(), fx.err());
    assertTrue(
        fx.out()
            .contains(
                "fixed point, 24 bits, saturating, products rounded down (floor); value = io_acc * 2^-8"),
        fx.out());
    Run sized =
        run("", "generate", "E4M3", "--acc", "fixed", "--acc-lsb", "-8", "-o", dir.toString());
    assertEquals(0, sized.exit(), sized.err());
    // E4M3 products are below 2^36 units of 2^-18 (36 product bits), so at most 2^26 units of 2^-8
    // after
    // rounding; 1024 of them need 37 bits, plus a sign: 38 bits
    assertTrue(
        sized.out().contains("fixed point, 38 bits, wrapping, products rounded to nearest even"),
        sized.out());
  }

  @Test
  void badAccumulatorOptionsAreOneLine() {
    String[][] cases = {
      {
        "--acc: unknown accumulator 'fp8': use exact, fixed, fp32, fp16, bf16 or EeMm (e.g. E6M9)",
        "--acc",
        "fp8"
      },
      {
        "--acc: a floating-point accumulator needs E in 2..10 and M in 1..50, got E11M3",
        "--acc",
        "E11M3"
      },
      {"--acc-bits must be 2..62, got 63", "--acc-bits", "63"},
      {"--acc-lsb must be -1000..1000, got 2000", "--acc-lsb", "2000"},
      {
        "--acc-lsb, --acc-bits and --acc-round set a fixed accumulator, not --acc bf16",
        "--acc",
        "bf16",
        "--acc-bits",
        "20"
      },
      {
        "pipeline chunk=16 splits only the exact accumulator; the fp32 accumulator takes decode, product and tree=K"
            + " (presets 1..3)",
        "--acc",
        "fp32",
        "--pipeline",
        "4"
      },
      {
        "invalid value for option '--acc-round': expected one of [rne, floor] (case-insensitive) but was 'up'"
            + " (see 'exmy generate --help')",
        "--acc-round",
        "up"
      },
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 1];
      args[0] = "generate";
      args[1] = "E4M3";
      System.arraycopy(c, 1, args, 2, c.length - 1);
      Run r = run("", args);
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertEquals("exmy: error: " + c[0] + "\n", r.err());
    }
    Run wide = run("", "verify", "float8_e5m2", "--acc", "fixed");
    assertEquals(2, wide.exit());
    assertEquals(
        "exmy: error: a fixed-point accumulator with LSB 2^-32 for 1024 products of float8_e5m2 needs 75 bits;"
            + " give --acc-bits (at most 62) to saturate\n",
        wide.err());
    for (String cmd : new String[] {"generate", "verify", "synth", "flow", "bench"}) {
      String help = run("", cmd, "--help").out().replaceAll("\\s+", " ");
      assertTrue(
          help.contains("--acc=KIND")
              && help.contains("--acc-bits=W")
              && help.contains("--acc-round=MODE")
              && help.contains("fp32, fp16, bf16 or EeMm"),
          cmd + ": " + help);
    }
  }

  @Test
  void verifyProvesARoundingCoreAgainstTheModelAndBigDecimal() {
    RequireTools.verilatorBackend();
    Run v =
        run(
            "",
            "verify",
            "E4M3",
            "--acc",
            "bf16",
            "--lanes",
            "2",
            "--terms",
            "64",
            "--sequences",
            "5");
    assertEquals(0, v.exit(), v.out() + v.err());
    assertTrue(
        v.out()
            .contains(
                "PASS exmy_dot2_e4m3_t64_accbf16 exhaustive pairs: 65536 vectors, 0 mismatches"),
        v.out());
    assertTrue(
        v.out()
            .contains(
                "PASS exmy_dot2_e4m3_t64_accbf16 worst-case sums against BigDecimal (64 terms): 96"
                    + " vectors, 0 mismatches"),
        v.out());
  }
}
