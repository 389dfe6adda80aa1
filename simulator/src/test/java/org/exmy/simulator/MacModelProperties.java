package org.exmy.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** MacModel against an exact BigDecimal running sum with independently tracked flags. */
class MacModelProperties {

  static final String[][] PAIRS = {
    {"E4M3", "E4M3"},
    {"INT8", "INT8"},
    {"float8_e4m3fn", "float8_e5m2"},
    {"E2M1", "INT4"},
    {"float8_e4m3fnuz", "UINT8"},
    {"float8_e5m2", "float8_e5m2"},
    {"E3M2:bias=5:specials=fn:subnormals=off", "float6_e2m3fn"},
  };

  @Property(tries = 400)
  void matchesExactRunningSum(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = (1 << 21) - 1) Integer> ops) {
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    // terms = sequence length, so no wrap can happen
    MacModel mac = new MacModel(a, b, ops.size());
    BigDecimal unit = Ref.pow2(mac.geometry().lsbExponent());
    BigDecimal sum = BigDecimal.ZERO;
    boolean nan = false;
    boolean pos = false;
    boolean neg = false;
    for (int op : ops) {
      int ca = (op & 0xFF) % a.codeCount();
      int cb = ((op >> 8) & 0xFF) % b.codeCount();
      boolean valid = ((op >> 16) & 3) != 0; // 75 %
      boolean clear = ((op >> 18) & 7) == 0; // 12.5 %
      mac.step(clear, valid, ca, cb);
      if (clear) {
        sum = BigDecimal.ZERO;
        nan = false;
        pos = false;
        neg = false;
      }
      if (valid) {
        Value va = a.decode(ca);
        Value vb = b.decode(cb);
        if (va.isNaN() || vb.isNaN()) {
          nan = true;
        } else if (va.isInfinite() || vb.isInfinite()) {
          double da = va.toDouble();
          double db = vb.toDouble();
          if (da == 0 || db == 0) {
            nan = true;
          } else if ((da < 0) != (db < 0)) {
            neg = true;
          } else {
            pos = true;
          }
        } else {
          sum = sum.add(va.toBigDecimal().multiply(vb.toBigDecimal()));
        }
      }
      assertEquals(0, sum.compareTo(new BigDecimal(mac.accumulator()).multiply(unit)));
      assertEquals(nan, mac.nanFlag());
      assertEquals(pos, mac.posInfFlag());
      assertEquals(neg, mac.negInfFlag());
    }
    Value r = mac.result();
    if (nan || (pos && neg)) {
      assertEquals(Value.Kind.NAN, r.kind());
    } else if (pos) {
      assertEquals(Value.Kind.POS_INF, r.kind());
    } else if (neg) {
      assertEquals(Value.Kind.NEG_INF, r.kind());
    } else {
      assertEquals(0, sum.compareTo(r.toBigDecimal()));
    }
    // register pattern is the W-bit two's complement of the accumulator
    BigDecimal bits = new BigDecimal(mac.accumulatorBits());
    BigDecimal expectBits =
        sum.divide(unit).compareTo(BigDecimal.ZERO) >= 0
            ? sum.divide(unit)
            : sum.divide(unit).add(Ref.pow2(mac.geometry().width()));
    assertEquals(0, expectBits.compareTo(bits));
  }

  @Property(tries = 200)
  void dotEqualsExactSum(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 0xFFFF) Integer> ops) {
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    int[] ca = new int[ops.size()];
    int[] cb = new int[ops.size()];
    BigDecimal sum = BigDecimal.ZERO;
    boolean special = false;
    for (int i = 0; i < ops.size(); i++) {
      ca[i] = (ops.get(i) & 0xFF) % a.codeCount();
      cb[i] = (ops.get(i) >> 8) % b.codeCount();
      Value va = a.decode(ca[i]);
      Value vb = b.decode(cb[i]);
      if (!va.isFinite() || !vb.isFinite()) {
        special = true;
      } else {
        sum = sum.add(va.toBigDecimal().multiply(vb.toBigDecimal()));
      }
    }
    Value d = MacModel.dot(a, ca, b, cb);
    if (!special) {
      assertEquals(0, sum.compareTo(d.toBigDecimal()));
    } else {
      assertEquals(false, d.isFinite());
    }
  }

  /** One N-lane step equals N one-lane steps (the first carrying the clear) in sum and flags. */
  @Property(tries = 300)
  void laneStepEqualsSuccessiveSingleSteps(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @IntRange(min = 1, max = 8) int lanes,
      @ForAll @Size(min = 1, max = 12)
          List<@IntRange(min = 0, max = (1 << 30) - 1) Integer> cycles) {
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    MacModel wide = new MacModel(CoreSpec.mac(a, b).withTerms(8 * 12).withLanes(lanes));
    MacModel serial = new MacModel(a, b, 8 * 12);
    java.util.SplittableRandom r = new java.util.SplittableRandom(cycles.get(0));
    for (int op : cycles) {
      boolean valid = (op & 3) != 0;
      boolean clear = ((op >> 2) & 7) == 0;
      int[] ca = codes(r, a, lanes);
      int[] cb = codes(r, b, lanes);
      wide.step(clear, valid, ca, cb);
      for (int i = 0; i < lanes; i++) serial.step(clear && i == 0, valid, ca[i], cb[i]);
      assertEquals(serial.accumulator(), wide.accumulator());
      assertEquals(serial.nanFlag(), wide.nanFlag());
      assertEquals(serial.posInfFlag(), wide.posInfFlag());
      assertEquals(serial.negInfFlag(), wide.negInfFlag());
    }
  }

  /**
   * The pipeline and the DSP choice never change a result: the model of a core with any pipeline
   * (presets 1..4, or a random set of stages), multiplies for DSP blocks or not, and with any
   * accumulator kind follows the same sums and flags as the flat LUT core's. Each pipelined core is
   * proven against this model, so its io_acc stream is the flat core's, delayed by its latency.
   */
  @Property(tries = 200)
  void pipelineNeverChangesTheModel(
      @ForAll @IntRange(min = 0, max = 6) int pair,
      @ForAll @IntRange(min = 1, max = 4) int lanes,
      @ForAll @IntRange(min = 0, max = 31) int stages,
      @ForAll @IntRange(min = 0, max = 2) int kind,
      @ForAll boolean dsp,
      @ForAll @Size(min = 1, max = 30)
          List<@IntRange(min = 0, max = (1 << 30) - 1) Integer> cycles) {
    NumberFormat a = Formats.parse(PAIRS[pair][0]);
    NumberFormat b = Formats.parse(PAIRS[pair][1]);
    AccumulatorChoice acc =
        List.of(
                AccumulatorChoice.EXACT,
                new AccumulatorChoice("fp16", null, null, null, true),
                new AccumulatorChoice("fixed", -4, 20, null, true))
            .get(kind);
    CoreSpec flat = acc.apply(CoreSpec.mac(a, b).withTerms(64).withLanes(lanes));
    boolean chunk = (stages & 16) != 0 && kind == 0;
    Pipeline p =
        stages < 4
            ? Pipeline.preset(stages + 1)
            : new Pipeline(
                (stages & 1) != 0,
                (stages & 2) != 0,
                (stages & 4) != 0,
                (stages >> 3) & 1,
                chunk ? 8 : 0);
    if (kind != 0 && p.chunkBits() > 0) {
      p = new Pipeline(p.decode(), p.multiply(), p.product(), p.treeEvery(), 0);
    }
    MacModel reference = new MacModel(flat);
    MacModel piped = new MacModel(flat.withPipeline(p).withDsp(dsp));
    java.util.SplittableRandom r = new java.util.SplittableRandom(cycles.get(0));
    for (int op : cycles) {
      boolean valid = (op & 3) != 0;
      boolean clear = ((op >> 2) & 7) == 0;
      int[] ca = codes(r, a, lanes);
      int[] cb = codes(r, b, lanes);
      reference.step(clear, valid, ca, cb);
      piped.step(clear, valid, ca, cb);
      assertEquals(reference.accumulatorBits(), piped.accumulatorBits(), p.toString());
      assertEquals(reference.nanFlag(), piped.nanFlag());
      assertEquals(reference.posInfFlag(), piped.posInfFlag());
      assertEquals(reference.negInfFlag(), piped.negInfFlag());
    }
  }

  /** {@code lanes} random codes of {@code f}. */
  private static int[] codes(java.util.SplittableRandom r, NumberFormat f, int lanes) {
    int[] c = new int[lanes];
    for (int i = 0; i < lanes; i++) {
      c[i] = r.nextInt(f.codeCount());
    }
    return c;
  }
}
