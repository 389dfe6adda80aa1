package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormatsTest {

  private static FloatFormat ff(String n) {
    return (FloatFormat) Formats.parse(n);
  }

  private static void assertParams(String n, int e, int m, int bias, Specials sp, String max) {
    FloatFormat f = ff(n);
    assertEquals(e, f.exponentBits(), n);
    assertEquals(m, f.mantissaBits(), n);
    assertEquals(bias, f.bias(), n);
    assertEquals(sp, f.specials(), n);
    assertTrue(f.subnormals(), n);
    if (max != null) {
      assertEquals(max, f.maxFinite().toString(), n);
    }
  }

  @Test
  void mlDtypesNamesHaveMlDtypesSemantics() {
    assertParams("float8_e4m3fn", 4, 3, 7, Specials.FN, "448");
    assertParams("float8_e4m3fnuz", 4, 3, 8, Specials.FNUZ, "240");
    assertParams("float8_e5m2", 5, 2, 15, Specials.IEEE, "57344");
    assertParams("float8_e5m2fnuz", 5, 2, 16, Specials.FNUZ, "57344");
    assertParams("float8_e3m4", 3, 4, 3, Specials.IEEE, "15.5");
    assertParams("float8_e4m3", 4, 3, 7, Specials.IEEE, "240");
    assertParams("float8_e4m3b11fnuz", 4, 3, 11, Specials.FNUZ, "30");
    assertParams("float6_e2m3fn", 2, 3, 1, Specials.NONE, "7.5");
    assertParams("float6_e3m2fn", 3, 2, 3, Specials.NONE, "28");
    assertParams("float4_e2m1fn", 2, 1, 1, Specials.NONE, "6");
    assertEquals("float8_e4m3fn", Formats.parse("  FLOAT8_E4M3FN ").name());
  }

  @Test
  void plainAndOptions() {
    assertParams("E4M3", 4, 3, 7, Specials.NONE, "480");
    assertParams("e2m1", 2, 1, 1, Specials.NONE, "6");
    assertEquals(FloatFormat.of(5, 2), Formats.parse("E5M2"));
    FloatFormat f = ff("E4M3:bias=8:specials=fn:subnormals=off");
    assertEquals(8, f.bias());
    assertEquals(Specials.FN, f.specials());
    assertTrue(!f.subnormals());
    assertEquals("E4M3:bias=8:specials=fn:subnormals=off", f.name());
    assertEquals(f, Formats.parse("e4m3:SUBNORMALS=OFF:specials=fn:bias=8"));
    assertEquals("E4M3:subnormals=off", ff("E4M3:subnormals=off").name());
    assertEquals("E3M3:bias=-2", ff("e3m3:bias=-2").name());
    assertEquals(
        "E5M2:specials=ieee:subnormals=off", ff("E5M2:specials=ieee:subnormals=off").name());
    // parameters equal to an ml_dtypes type get the ml_dtypes name
    assertEquals("float8_e4m3fn", ff("E4M3:specials=fn").name());
    assertEquals("float8_e4m3fnuz", ff("E4M3:bias=8:specials=fnuz").name());
    assertEquals(Formats.parse("float8_e5m2"), Formats.parse("E5M2:specials=ieee"));
    // plain defaults keep the ExMy name even where ml_dtypes has an identical type
    assertEquals("E2M1", ff("E2M1").name());
    assertEquals("E2M1", new FloatFormat(2, 1, 1, Specials.NONE, true).name());
    assertEquals("float4_e2m1fn", ff("float4_e2m1fn").name());
    assertEquals(ff("E2M1"), ff("float4_e2m1fn"));
    assertEquals(ff("E2M1").hashCode(), ff("float4_e2m1fn").hashCode());
    assertNotEquals(ff("E4M3"), ff("float8_e4m3fn"));
  }

  @Test
  void integers() {
    assertEquals(new IntFormat(8, true), Formats.parse("INT8"));
    assertEquals(new IntFormat(4, false), Formats.parse("uint4"));
    assertEquals(new IntFormat(3, true), Formats.parse(" int3"));
    assertEquals("UINT4", Formats.parse("uint4").name());
    assertEquals("INT8", Formats.parse("int8").name());
  }

  @Test
  void everyKnownNameAndCatalogueNameRoundTrips() {
    for (String n : Formats.knownNames()) {
      NumberFormat f = Formats.parse(n);
      assertEquals(f, Formats.parse(f.name()), n);
      assertEquals(f.name(), Formats.parse(f.name()).name(), n);
    }
    List<NumberFormat> cat = Formats.catalogue();
    assertEquals(
        List.of(
            "E2M1",
            "E3M2",
            "E2M3",
            "E4M3",
            "E5M2",
            "E3M4",
            "float8_e4m3fn",
            "float8_e5m2",
            "float8_e4m3fnuz",
            "float6_e2m3fn",
            "float6_e3m2fn",
            "float4_e2m1fn",
            "INT3",
            "INT4",
            "INT5",
            "INT6",
            "INT7",
            "INT8"),
        cat.stream().map(NumberFormat::name).toList());
    for (NumberFormat f : cat) {
      assertEquals(f, Formats.parse(f.name()));
    }
    assertTrue(Formats.knownNames().containsAll(FormatRegistry.ML_DTYPES.keySet()));
  }

  private static String error(String name) {
    return assertThrows(FormatException.class, () -> Formats.parse(name)).getMessage();
  }

  @Test
  void badNamesExplainThemselves() {
    String m = error("e9m3");
    assertTrue(
        m.startsWith("unknown format 'e9m3': ExMy needs 3..8 total bits (1 sign + E + M), got 13"),
        m);
    assertTrue(m.contains("float8_e4m3fn") && m.contains("INTn") && m.contains("ExMy"), m);
    assertTrue(error("E1M0").contains("got 2"));
    assertTrue(error("e0m5").contains("E >= 1"));
    assertTrue(error("INT9").contains("integer formats need 2..8 bits, got 9"));
    assertTrue(error("uint1").contains("2..8 bits, got 1"));
    assertTrue(error("float8_e4m3xx").contains("not a recognised format name"));
    assertTrue(error("").contains("empty format name"));
    assertTrue(error("E4M3:bias=x").contains("bias must be an integer, got 'x'"));
    assertTrue(
        error("E4M3:specials=ocp").contains("specials must be ieee, fn, fnuz or none, got 'ocp'"));
    assertTrue(error("E4M3:subnormals=maybe").contains("subnormals must be on or off"));
    assertTrue(error("E4M3:color=red").contains("unknown option 'color'"));
    assertTrue(error("E4M3:bias=7:bias=8").contains("'bias' given twice"));
    assertTrue(error("E4M3:fn").contains("not of the form key=value"));
    assertTrue(error("E1M2:specials=ieee").contains("IEEE specials need E >= 2"));
    assertTrue(error("E2M0:specials=ieee").contains("M >= 1"));
    // Smallest FN format: the all-ones pattern leaves exactly one positive value (2^(1-bias)).
    FloatFormat tiny = ff("E1M1:specials=fn:subnormals=off");
    assertEquals("2", tiny.maxFinite().toString());
    assertEquals("2", tiny.minPositive().toString());
    assertTrue(tiny.isNaN(0b011) && tiny.isNaN(0b111));
    assertThrows(FormatException.class, () -> Formats.parse(null));
  }

  @Test
  void constructorValidation() {
    assertThrows(FormatException.class, () -> new FloatFormat(0, 3, 0, Specials.NONE, true));
    assertThrows(FormatException.class, () -> new FloatFormat(4, -1, 7, Specials.NONE, true));
    assertThrows(FormatException.class, () -> new FloatFormat(5, 3, 15, Specials.NONE, true));
    assertThrows(FormatException.class, () -> new FloatFormat(1, 1, 0, Specials.IEEE, true));
    assertThrows(FormatException.class, () -> new FloatFormat(4, 3, 7, null, true));
    assertThrows(FormatException.class, () -> new IntFormat(1, true));
    assertThrows(FormatException.class, () -> new IntFormat(9, false));
    String msg =
        assertThrows(FormatException.class, () -> new FloatFormat(6, 3, 31, Specials.NONE, true))
            .getMessage();
    assertTrue(msg.contains("3..8 total bits") && msg.contains("got 10"), msg);
  }
}
