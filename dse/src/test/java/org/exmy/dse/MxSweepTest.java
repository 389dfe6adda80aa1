package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MX formats in the sweep's grid: accuracy-only points after the cores, the cores' points unchanged. */
class MxSweepTest {

  @Test
  void gridKeepsMxApart() {
    FormatGrid g = FormatGrid.parse("MX*,E4M3,INT8");
    assertEquals(List.of("E4M3", "INT8"), FormatGridTest.names(g));
    assertEquals(MxFormat.NAMES, g.mxFormats().stream().map(MxFormat::name).toList());
    assertEquals(List.of("MXFP4_E2M1:block=16"),
        FormatGrid.parse("mxfp4_e2m1:block=16").mxFormats().stream().map(MxFormat::name).toList());
    assertEquals("MXINT8:block=64", FormatGrid.parse("MX*:block=64").mxFormats().get(5).name());
    assertEquals(36, g.mxPairs("all").size());
    assertEquals(1, g.pairs("MXINT8/MXFP8_E4M3,E4M3/INT8").size());
    assertEquals(1, g.mxPairs("MXINT8/MXFP8_E4M3,E4M3/INT8").size());
    assertThrows(FormatException.class, () -> g.pairs("MXINT8/INT8"));
    assertThrows(FormatException.class, () -> FormatGrid.parse("MX*:block=3"));
  }

  private static Sweep.Config config(String formats, List<String> models, boolean prove, boolean synth, Path dir) {
    return new Sweep.Config(FormatGrid.parse(formats), "same", List.of(1), 512, Pipeline.parse("none"),
        AccumulatorChoice.EXACT, List.of(false), models, null, 40, null, 32,
        QuantOptions.of(org.exmy.simulator.Formats.parse("E4M3"), org.exmy.simulator.Formats.parse("E4M3")), prove, 0,
        synth, CoreSynthesis.Options.cellsOnly(), 1, dir.resolve("synth"), dir.resolve("cache"), Metric.TOP1);
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
  void mxPointsSkipProofAndCostWithANote(@TempDir Path dir) {
    List<String> log = new ArrayList<>();
    Sweep.Outcome o = Sweep.run(config("MXFP4_E2M1,MXINT8", List.of("cnn"), true, true, dir), ToolVersions.read(),
        new Sweep.Listener() {
          @Override
          public void progress(int done, int total, String what) {}

          @Override
          public void log(String line) {
            log.add(line);
          }
        });
    assertTrue(o.failures().isEmpty(), o.failures().toString());
    assertEquals(2, o.stages()); // two accuracy stages, no proof, no synthesis
    assertTrue(log.stream().anyMatch(l -> l.startsWith("note: MX points have an accuracy stage only")), log.toString());
    var model = ReferenceModels.load("cnn");
    String data = ReferenceModels.defaultData("cnn");
    ModelData test = ModelData.load(data, model, Datasets.Split.TEST).head(40);
    for (PointResult r : o.results()) {
      assertNull(r.proof());
      assertNull(r.cost());
      assertNotNull(r.accuracy());
      // the sweep's accuracy is the MX PTQ's, run directly
      Assessment as = Assessment.run(model, test, ModelData.calibration(data, model, 32),
          QuantOptions.mx(r.point().mxW(), r.point().mxA()), 1, null, null);
      assertEquals(as.top1().top1(), r.accuracy().top1(), 0.0, r.point().label());
    }
    assertEquals(Set.of("MXFP4_E2M1", "MXINT8"),
        Set.copyOf(o.results().stream().map(r -> r.point().shortLabel()).toList()));
  }
}
