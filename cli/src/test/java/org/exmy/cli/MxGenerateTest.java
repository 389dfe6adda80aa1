package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exmy generate} with MX names: the core, its geometry derived by hand, and the refusals
 * (exit 2).
 */
class MxGenerateTest {

  @Test
  void generatesTheMxCore(@TempDir Path dir) throws Exception {
    CliTest.Run r =
        CliTest.run(
            "",
            "generate",
            "MXFP8_E4M3",
            "--b",
            "MXFP6_E2M3",
            "--block",
            "32",
            "--lanes",
            "4",
            "-o",
            dir.toString());
    assertEquals(0, r.exit(), r.err());
    // E4M3 quantum 2^-9, max 448 = 229376 units (18 bits); E2M3 quantum 2^-3, max 7.5 = 60 units (6
    // bits):
    // products 24 bits, LSB 2^-12; + 508 scale positions + 10 guard bits (1024 products) + sign =
    // 543
    assertTrue(
        r.out()
            .contains(
                "accumulator: 543 bits = 24 product + 508 scale + 10 guard + 1 sign;"
                    + " value = io_acc * 2^-266"),
        r.out());
    Path v = dir.resolve("exmy_mxdot4_mxfp8_e4m3_x_mxfp6_e2m3_k32.v");
    String verilog = Files.readString(v);
    assertTrue(
        verilog.contains("input  wire [7:0]   io_scale_a,")
            && verilog.contains("output wire [542:0] io_acc,"),
        verilog);
    CliTest.Run f =
        CliTest.run(
            "",
            "generate",
            "MXINT8",
            "--acc",
            "fp32",
            "--block",
            "16",
            "--lanes",
            "16",
            "-o",
            dir.toString());
    assertEquals(0, f.exit(), f.err());
    assertTrue(Files.exists(dir.resolve("exmy_mxdot16_mxint8_k16_t64_accfp32.v")), f.out());
  }

  @Test
  void refusals(@TempDir Path dir) {
    String[][] bad = {
      {"MXFP8_E4M3", "--lanes", "3"},
      {"MXFP8_E4M3", "E4M3"},
      {"MXFP8_E4M3", "--b", "E5M2"},
      {"MXFP8_E4M3", "--acc", "fixed"},
      {"MXFP8_E4M3:block=16", "--block", "32"},
      {"MXFP8_E4M3", "--block", "3"},
      {"MXFP8_E4M3", "--lanes", "4", "--pipeline", "tree=1"}
    };
    for (String[] args : bad) {
      String[] all = new String[args.length + 3];
      all[0] = "generate";
      System.arraycopy(args, 0, all, 1, args.length);
      all[args.length + 1] = "-o";
      all[args.length + 2] = dir.toString();
      CliTest.Run r = CliTest.run("", all);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertTrue(
          r.err().startsWith("exmy: error: ") && r.err().strip().lines().count() == 1,
          String.join(" ", args) + ": " + r.err());
    }
  }
}
