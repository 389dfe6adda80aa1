package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.exmy.mac.MxGenerator;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.data.ModelData;
import org.exmy.nn.quant.Assessment;
import org.exmy.nn.quant.Metric;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.MxFormat;
import org.exmy.simulator.Pipeline;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MX formats in the sweep's grid: points after the cores (the cores' points unchanged), proven and
 * synthesized on MX cores.
 */
class MxSweepTest {

  @Test
  void gridKeepsMxApart() {
    FormatGrid g = FormatGrid.parse("MX*,E4M3,INT8");
    assertEquals(List.of("E4M3", "INT8"), FormatGridTest.names(g));
    assertEquals(MxFormat.NAMES, g.mxFormats().stream().map(MxFormat::name).toList());
    assertEquals(
        List.of("MXFP4_E2M1:block=16"),
        FormatGrid.parse("mxfp4_e2m1:block=16").mxFormats().stream().map(MxFormat::name).toList());
    assertEquals("MXINT8:block=64", FormatGrid.parse("MX*:block=64").mxFormats().get(5).name());
    assertEquals(36, g.mxPairs("all").size());
    assertEquals(1, g.pairs("MXINT8/MXFP8_E4M3,E4M3/INT8").size());
    assertEquals(1, g.mxPairs("MXINT8/MXFP8_E4M3,E4M3/INT8").size());
    assertThrows(FormatException.class, () -> g.pairs("MXINT8/INT8"));
    assertThrows(FormatException.class, () -> FormatGrid.parse("MX*:block=3"));
  }

  private static Sweep.Config config(
      String formats, List<String> models, boolean prove, boolean synth, Path dir) {
    return new Sweep.Config(
        FormatGrid.parse(formats),
        "same",
        List.of(1),
        512,
        Pipeline.parse("none"),
        AccumulatorChoice.EXACT,
        List.of(false),
        models,
        null,
        40,
        null,
        32,
        QuantOptions.of(
            org.exmy.simulator.Formats.parse("E4M3"), org.exmy.simulator.Formats.parse("E4M3")),
        prove,
        0,
        synth,
        CoreSynthesis.Options.cellsOnly(),
        1,
        dir.resolve("synth"),
        dir.resolve("cache"),
        Metric.TOP1);
  }

  @Test
  void corePointsAreUnchangedAndMxPointsFollow(@TempDir Path dir) {
    List<DesignPoint> plain = Sweep.points(config("E4M3,INT8", List.of("cnn"), true, true, dir));
    List<DesignPoint> with = Sweep.points(config("MX*,E4M3,INT8", List.of("cnn"), true, true, dir));
    assertEquals(plain, with.subList(0, plain.size()));
    assertEquals(6, with.size() - plain.size());
    for (DesignPoint p : with.subList(plain.size(), with.size())) {
      assertTrue(p.isMx());
      assertEquals(p.mxW().name(), p.shortLabel());
    }
  }

  @Test
  void mxPointsAreProvenOnTheirMxCore(@TempDir Path dir) {
    RequireTools.verilatorBackend();
    Sweep.Outcome o =
        Sweep.run(
            config("MXFP4_E2M1,MXINT8", List.of("cnn"), true, false, dir),
            ToolVersions.read(),
            new Sweep.Listener() {
              @Override
              public void progress(int done, int total, String what) {}

              @Override
              public void log(String line) {}
            });
    assertTrue(o.failures().isEmpty(), o.failures().toString());
    assertEquals(4, o.stages()); // two accuracy stages, two proofs of MX cores
    for (PointResult r : o.results()) {
      // exhaustive element pairs under 4 scale pairs (a reset cycle first, a drain cycle last)
      int codes = r.point().mxW().element().codeCount();
      assertEquals(1 + 4L * codes * codes + 1, r.proof().vectors(), r.point().label());
      assertTrue(r.verified(), r.point().label());
      assertNull(r.cost());
      assertNotNull(r.accuracy());
    }
    assertEquals(
        "exmy_mxmac_mxint8_k32_t16",
        Sweep.mxCore(config("MXINT8", List.of(), true, false, dir), o.results().get(1).point())
            .moduleName());
    o =
        Sweep.run(
            config("MXFP4_E2M1,MXINT8", List.of("cnn"), true, false, dir),
            ToolVersions.read(),
            new Sweep.Listener() {
              @Override
              public void progress(int done, int total, String what) {}

              @Override
              public void log(String line) {}
            });
    var model = ReferenceModels.load("cnn");
    String data = ReferenceModels.defaultData("cnn");
    ModelData test = ModelData.load(data, model, Datasets.Split.TEST).head(40);
    assertEquals(4, o.cached());
    for (PointResult r : o.results()) {
      // the sweep's accuracy is the MX PTQ's, run directly
      Assessment as =
          Assessment.run(
              model,
              test,
              ModelData.calibration(data, model, 32),
              QuantOptions.mx(r.point().mxW(), r.point().mxA()),
              1,
              null,
              null);
      assertEquals(as.top1().top1(), r.accuracy().top1(), 0.0, r.point().label());
    }
    assertEquals(
        Set.of("MXFP4_E2M1", "MXINT8"),
        Set.copyOf(o.results().stream().map(r -> r.point().shortLabel()).toList()));
  }

  @Test
  void mxPointsAreSynthesized(@TempDir Path dir) {
    RequireTools.yosys();
    Sweep.Outcome o =
        Sweep.run(
            config("MXFP4_E2M1", List.of(), false, true, dir),
            ToolVersions.read(),
            new Sweep.Listener() {
              @Override
              public void progress(int done, int total, String what) {}

              @Override
              public void log(String line) {}
            });
    assertTrue(o.failures().isEmpty(), o.failures().toString());
    assertEquals(1, o.stages());
    Stages.Cost cost = o.results().get(0).cost();
    // the accumulator alone needs a register bit each: E2M1 products are at most 6 x 6 = 144 units
    // of
    // 2^-2 (8 bits), + 508 scale positions + 9 guard bits (512 products) + sign = 526
    assertEquals(
        526,
        MxGenerator.generate(
                Sweep.mxCore(
                    config("MXFP4_E2M1", List.of(), false, true, dir), o.results().get(0).point()))
            .spec()
            .accWidth());
    assertTrue(cost.ffs() >= 526 + 1, cost.toString());
    assertTrue(cost.luts() > 0, cost.toString());
  }
}
