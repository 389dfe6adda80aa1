package org.exmy.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exmy.hdl.VerilatorLint;
import org.exmy.simulator.Formats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogueTest {
  static final Path VERILOG_OUT = Path.of("..", "verilog-out");

  static List<MacCore> cores() {
    return Catalogue.cores();
  }

  @Test
  void oneCorePerCatalogueFormat() {
    assertEquals(Formats.catalogue().size(), Catalogue.cores().size());
    assertEquals("exmy_mac_e4m3", Catalogue.cores().get(3).moduleName());
  }

  /** verilog-out/ must hold exactly what the generator produces today. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cores")
  void committedVerilogIsCurrent(MacCore core) throws IOException {
    Path f = VERILOG_OUT.resolve(core.moduleName() + ".v");
    assertTrue(Files.exists(f), f + " is missing: run ./exmy catalogue");
    assertEquals(core.verilog(), Files.readString(f), f + " is stale: run ./exmy catalogue");
  }

  @Test
  void committedManifestIsCurrent() throws IOException {
    StringBuilder sb = new StringBuilder(Catalogue.manifestHeader()).append('\n');
    for (MacCore c : Catalogue.cores()) sb.append(Catalogue.manifestRow(c)).append('\n');
    assertEquals(sb.toString(), Files.readString(VERILOG_OUT.resolve(Catalogue.MANIFEST)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cores")
  void lintCleanUnderVerilatorWall(MacCore core) {
    org.exmy.testsupport.RequireTools.verilator();
    VerilatorLint.Result r = VerilatorLint.lint(core.verilog(), core.moduleName());
    assertTrue(r.clean(), () -> String.join("\n", r.messages()));
  }
}
