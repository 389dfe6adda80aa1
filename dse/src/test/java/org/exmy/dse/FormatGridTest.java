package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exmy.simulator.FormatException;
import org.exmy.simulator.NumberFormat;
import org.junit.jupiter.api.Test;

class FormatGridTest {

  static List<String> names(FormatGrid g) {
    return g.formats().stream().map(NumberFormat::name).toList();
  }

  @Test
  void defaultGridHasEveryExMyIntsAndTheMlDtypesOnce() {
    FormatGrid g = FormatGrid.parse(FormatGrid.DEFAULT);
    // ExMy with 1 + E + M = n bits, E >= 1: n - 1 formats per n, n = 3..8: 2+3+4+5+6+7 = 27
    // INT3..INT8: 6; ml_dtypes: 10, of which float6_e2m3fn, float6_e3m2fn, float4_e2m1fn equal
    // plain ExMy
    assertEquals(27 + 6 + 10 - 3, g.formats().size());
    assertTrue(
        names(g)
            .containsAll(
                List.of(
                    "E1M1",
                    "E2M0",
                    "E7M0",
                    "E1M6",
                    "E4M3",
                    "INT3",
                    "INT8",
                    "float8_e4m3fn",
                    "float8_e5m2",
                    "float8_e4m3b11fnuz")));
    NumberFormat e2m1 =
        g.formats().stream().filter(f -> f.name().equals("E2M1")).findFirst().orElseThrow();
    assertEquals(List.of("float4_e2m1fn"), g.aliases(e2m1));
  }

  @Test
  void bitRangesAndGlobs() {
    assertEquals(
        List.of("E1M2", "E2M1", "E3M0", "E1M3", "E2M2", "E3M1", "E4M0"),
        names(FormatGrid.parse("E*M*:bits=4..5")));
    assertEquals(List.of("INT4", "INT5", "INT6"), names(FormatGrid.parse("INT*:bits=4..6")));
    assertEquals(
        List.of("float8_e4m3fn", "float8_e4m3fnuz", "float8_e4m3", "float8_e4m3b11fnuz"),
        names(FormatGrid.parse("float8_e4m3*")));
    assertEquals(
        List.of("float6_e2m3fn", "float6_e3m2fn"), names(FormatGrid.parse("ml_dtypes:bits=6")));
    assertEquals(
        List.of("E4M3", "INT8", "float8_e5m2"),
        names(FormatGrid.parse("E4M3, int8 ,float8_e5m2,E4M3")));
  }

  @Test
  void pairs() {
    FormatGrid g = FormatGrid.parse("E4M3,INT8");
    assertEquals(2, g.pairs("same").size());
    assertEquals(4, g.pairs("all").size());
    List<NumberFormat[]> p = g.pairs("E4M3/float8_e5m2");
    assertEquals("float8_e5m2", p.get(0)[1].name());
  }

  @Test
  void badItemsNameThemselves() {
    assertTrue(
        assertThrows(FormatException.class, () -> FormatGrid.parse("E4M3,E9Q2"))
            .getMessage()
            .contains("--formats item 'E9Q2'"));
    assertTrue(
        assertThrows(FormatException.class, () -> FormatGrid.parse("bfloat*"))
            .getMessage()
            .contains("matches no format"));
    assertTrue(
        assertThrows(FormatException.class, () -> FormatGrid.parse(" , "))
            .getMessage()
            .contains("--formats is empty"));
    assertTrue(
        assertThrows(FormatException.class, () -> FormatGrid.parse("E*M*:bits=6..4"))
            .getMessage()
            .contains("empty bit range"));
    assertTrue(
        assertThrows(FormatException.class, () -> FormatGrid.parse("E4M3").pairs("E4M3"))
            .getMessage()
            .contains("is not W/A"));
  }
}
