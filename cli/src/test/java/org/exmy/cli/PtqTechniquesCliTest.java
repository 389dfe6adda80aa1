package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The PTQ technique options of exmy accuracy: bad values are one line and exit 2; a run reports its
 * time.
 */
class PtqTechniquesCliTest {
  @Test
  void badValuesAreOneLineExitTwo() {
    String[][] cases = {
      {"--smoothquant must be in [0, 1]", "--smoothquant", "1.5"},
      {"--gptq-damp must be > 0", "--gptq", "--gptq-damp", "-1"},
      {"--gptq-block", "--gptq", "--gptq-block", "0"},
      {"--dynamic must be row", "--dynamic", "tensor"},
      {
        "--smoothquant calibrates absmax ranges only",
        "--smoothquant",
        "0.5",
        "--calib",
        "percentile"
      },
      {
        "--zero-point needs unsigned integer activations",
        "--zero-point",
        "--w",
        "INT8",
        "--a",
        "INT8"
      },
      {
        "--zero-point does not combine",
        "--zero-point",
        "--dynamic",
        "row",
        "--w",
        "INT8",
        "--a",
        "UINT8"
      },
      {
        "--zero-point needs the exact accumulator",
        "--zero-point",
        "--w",
        "INT8",
        "--a",
        "UINT8",
        "--acc",
        "fp32"
      },
      {"MX quantization takes no --gptq", "--gptq", "--w", "MXFP8_E4M3", "--a", "MXFP8_E4M3"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length - 1 + 4];
      args[0] = "accuracy";
      args[1] = "mlp";
      args[2] = "--limit";
      args[3] = "5";
      System.arraycopy(c, 1, args, 4, c.length - 1);
      CliTest.Run r = CliTest.run("", args);
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertTrue(
          r.err().startsWith("exmy: error: ") && r.err().contains(c[0]), c[0] + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  @Test
  void gptqWithLearnedRoundingRunsAndReportsItsPlanTime() {
    CliTest.Run r =
        CliTest.run(
            "",
            "accuracy",
            "mlp",
            "--w",
            "INT4",
            "--a",
            "UINT8",
            "--gptq",
            "--learned-round",
            "--zero-point",
            "--limit",
            "40",
            "--calib-images",
            "32");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("model,w,a,top1,fp32_top1,agreement,images"), r.out());
    assertTrue(r.out().contains("mlp,INT4,UINT8,"), r.out());
    assertTrue(r.err().contains("calibration + plan") && r.err().contains("GPTQ"), r.err());
  }
}
