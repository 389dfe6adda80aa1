package org.exmy.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.exmy.mac.MacCore;
import org.exmy.mac.MacGenerator;
import org.exmy.nn.LinearKernel;
import org.exmy.nn.LinearKernels;
import org.exmy.nn.LinearSite;
import org.exmy.nn.Model;
import org.exmy.nn.ReferenceModels;
import org.exmy.nn.Session;
import org.exmy.nn.Tensor;
import org.exmy.nn.data.Datasets;
import org.exmy.nn.quant.FormatQuantizer;
import org.exmy.nn.quant.Ptq;
import org.exmy.nn.quant.QuantOptions;
import org.exmy.simulator.CoreSpec;
import org.exmy.simulator.Formats;
import org.exmy.simulator.NumberFormat;
import org.exmy.simulator.OperandDecoder;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proof that the accuracy numbers are the hardware's arithmetic: the real dot products of the
 * reference CNN's second convolution (its quantized weights, and the quantized activations that the
 * quantized network itself produces for real Fashion-MNIST images) are streamed through the
 * generated dot-product core in Verilator, and every accumulator is compared bit for bit with what
 * the quantized inference used: io_acc times 2^lsb, rounded to float32 and scaled, must equal the
 * layer's output that the inference computed.
 */
class CnnLayerOnCoreTest {

  /** What the quantized conv2 kernel saw and produced for one image. */
  record Call(float[] patches, int k, int p, float[] out) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"E4M3|E4M3|4", "E2M1|E2M1|3", "INT8|float8_e5m2|8"})
  void secondConvolutionOfTheCnnRunsOnTheCore(String spec) {
    RequireTools.verilatorBackend();
    RequireTools.fashionMnist();
    String[] p = spec.split("\\|");
    NumberFormat wf = Formats.parse(p[0]);
    NumberFormat af = Formats.parse(p[1]);
    int lanes = Integer.parseInt(p[2]);
    Model m = ReferenceModels.load("cnn");
    LinearSite conv2 = m.linearSites().get(1);
    assertEquals("Conv", conv2.opType());
    Tensor images = Datasets.load("fashion-mnist", Datasets.Split.TEST).head(2).inputs();
    Tensor calib = Datasets.load("fashion-mnist", Datasets.Split.TRAIN).head(64).inputs();
    Ptq ptq = Ptq.prepare(m, calib, QuantOptions.of(wf, af), 1);
    // run the quantized network, recording conv2's kernel calls (one per image: group 1)
    Call[] calls = new Call[2];
    int[] seen = {0};
    LinearKernels recording =
        site -> {
          LinearKernel inner = ptq.kernelFor(site);
          if (site.index() != 1) return inner;
          return new LinearKernel() {
            @Override
            public float[] activations(LinearSite.Operand op, float[] x) {
              return inner.activations(op, x);
            }

            @Override
            public void multiply(
                float[] a,
                int aOff,
                float[] b,
                int bOff,
                float[] c,
                int cOff,
                int mm,
                int k,
                int n) {
              inner.multiply(a, aOff, b, bOff, c, cOff, mm, k, n);
              float[] patches = java.util.Arrays.copyOfRange(b, bOff, bOff + k * n);
              float[] out = java.util.Arrays.copyOfRange(c, cOff, cOff + mm * n);
              calls[seen[0]++] = new Call(patches, k, n, out);
            }
          };
        };
    try (Session s = new Session(m, recording, 1)) {
      s.runBatched(images, 2, null);
    }
    assertEquals(2, seen[0]);
    float[] w = conv2.weight().floats();
    int channels = conv2.weight().dim(0);
    int k = conv2.k();
    // codes of the weights, and the code of each fixed-point activation operand
    FormatQuantizer wq = new FormatQuantizer(wf);
    int[] wCode = new int[w.length];
    for (int i = 0; i < w.length; i++) wCode[i] = wq.code(w[i], ptq.weightScale(1, i / k));
    Map<Float, Integer> actCode = codesByFixed(af);
    CoreSpec coreSpec = CoreSpec.mac(wf, af).withTerms(k).withLanes(lanes);
    MacCore core = MacGenerator.generate(coreSpec);
    int cycles = (k + lanes - 1) / lanes;
    int width = coreSpec.accWidth();
    int lsb = coreSpec.geometry().lsbExponent();
    float sa = ptq.activationScale(1, LinearSite.Operand.B);
    long compared = 0;
    try (Driver d = new Driver(core, core.verilog(), CrossCheck.BATCH)) {
      d.resetPulse();
      for (Call call : calls) {
        int n = call.p();
        StepBlock blk = new StepBlock(CrossCheck.BATCH, lanes);
        // one dot product per (channel, position): clear on its first cycle, read after its last
        int perBlock = CrossCheck.BATCH / cycles;
        for (int first = 0; first < channels * n; first += perBlock) {
          int count = Math.min(perBlock, channels * n - first);
          blk.size = 0;
          for (int e = first; e < first + count; e++) {
            int ch = e / n;
            int pos = e % n;
            for (int t = 0; t < cycles; t++) {
              int i = blk.add(false, t == 0, true);
              for (int l = 0; l < lanes; l++) {
                int kk = t * lanes + l;
                int ca = kk < k ? wCode[ch * k + kk] : 0;
                int cb = kk < k ? actCode.get(call.patches()[kk * n + pos]) : 0;
                blk.operands(i, l, ca, cb);
              }
            }
          }
          d.slot(0).load(blk);
          d.run(0);
          for (int e = first; e < first + count; e++) {
            int last = (e - first) * cycles + cycles - 1;
            BigInteger raw = d.accBig(last);
            BigInteger acc =
                raw.testBit(width - 1) ? raw.subtract(BigInteger.ONE.shiftLeft(width)) : raw;
            int ch = e / n;
            // what the inference must have computed from this accumulator
            float v = new BigDecimal(acc).multiply(pow2(lsb)).floatValue();
            float want = v * (ptq.weightScale(1, ch) * sa);
            float got = call.out()[ch * n + e % n];
            assertEquals(
                Float.floatToIntBits(want),
                Float.floatToIntBits(got),
                spec
                    + ": channel "
                    + ch
                    + " position "
                    + e % n
                    + ": core sum "
                    + acc
                    + " gives "
                    + want
                    + ", the inference used "
                    + got);
            compared++;
          }
        }
      }
    }
    assertEquals(2L * channels * calls[0].p(), compared);
    assertTrue(compared > 10_000, "every dot product of two images: " + compared);
  }

  /** The code of every fixed-point operand value of a format (zero: code 0). */
  static Map<Float, Integer> codesByFixed(NumberFormat f) {
    OperandDecoder d = new OperandDecoder(f);
    Map<Float, Integer> out = new HashMap<>();
    out.put(0f, 0);
    out.put(-0f, 0);
    for (int c = 0; c < f.codeCount(); c++) {
      if (d.cls(c) == OperandDecoder.FINITE) {
        out.putIfAbsent((float) Math.scalb((double) d.sig(c), d.shift(c)), c);
      }
    }
    return out;
  }

  static BigDecimal pow2(int k) {
    return k >= 0
        ? BigDecimal.valueOf(2).pow(k)
        : BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(-k));
  }
}
