package org.exmy.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YosysRunner parts that need no Yosys. */
class YosysScriptTest {
  @Test
  void missingYosysSaysHowToInstallIt(@TempDir Path dir) {
    Path v = Fixtures.copy("cnt4.v", dir);
    String old = System.getProperty("exmy.yosys");
    System.setProperty("exmy.yosys", dir.resolve("no-yosys-here").toString());
    try {
      assertFalse(YosysRunner.available());
      SynthException e =
          assertThrows(
              SynthException.class, () -> new YosysRunner().synthesize(v, "cnt4", true, dir));
      assertTrue(e.getMessage().contains("apt-get install -y yosys"), e.getMessage());
    } finally {
      if (old == null) System.clearProperty("exmy.yosys");
      else System.setProperty("exmy.yosys", old);
    }
  }

  @Test
  void scriptFillsEveryPlaceholder() {
    String s =
        YosysRunner.script(
            List.of(Path.of("/a/b.v"), Path.of("/a/c d.v")), "top", false, Path.of("/w/t.json"));
    assertTrue(s.contains("read_verilog /a/b.v \"/a/c d.v\"\n"), s);
    assertTrue(
        s.contains("synth_xilinx -top top -family xc7 -flatten -noiopad -noclkbuf -nodsp\n"), s);
    assertTrue(s.contains("tee -q -o /w/t.json stat -json\n"), s);
    assertTrue(!s.replaceAll("(?m)^#.*$", "").contains("${"), s);
    assertTrue(s.contains("\n#   ${TOP}    top module\n"), "comments stay as written");
    assertTrue(s.endsWith("stat -json\n"), s);
    assertThrows(
        IllegalArgumentException.class,
        () -> YosysRunner.script(List.of(Path.of("/a.v")), "a b", true, Path.of("/t.json")));
  }

  @Test
  void timeoutIsConfigurable() {
    assertEquals(Duration.ofMinutes(10), new YosysRunner().timeout());
    assertEquals(Duration.ofSeconds(5), new YosysRunner(Duration.ofSeconds(5)).timeout());
    assertThrows(IllegalArgumentException.class, () -> new YosysRunner(Duration.ZERO));
  }
}
