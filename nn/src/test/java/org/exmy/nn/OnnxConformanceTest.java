package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.exmy.nn.onnx.Conformance;
import org.exmy.nn.onnx.Conformance.Outcome;
import org.exmy.nn.onnx.Conformance.Report;
import org.exmy.nn.onnx.Conformance.Result;
import org.exmy.nn.onnx.TensorFiles;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX's own backend node tests (Debian's {@code libonnx-testdata}, installed by setup.sh) through
 * {@link Conformance}: every test of a supported operator must pass or be a named refusal.
 */
class OnnxConformanceTest {
  private static final Path SUITE = Conformance.DEBIAN_NODE_TESTS;

  private static void needSuite() {
    assumeTrue(
        Files.isDirectory(SUITE),
        SUITE + " is absent: apt-get install libonnx-testdata (setup.sh does)");
  }

  @Test
  void supportedOperatorsPassTheBackendNodeTests() {
    needSuite();
    Report report = Conformance.run(SUITE);
    System.out.println("ONNX backend node tests (" + SUITE + "), operators exmy supports:");
    System.out.print(report.table(false));
    report
        .skipReasons()
        .forEach(
            (reason, tests) ->
                System.out.println("skip: " + reason + ": " + String.join(" ", tests)));
    StringBuilder missing = new StringBuilder("skip: unsupported operator (tests):");
    report
        .missingOperators()
        .forEach((op, n) -> missing.append(' ').append(op).append(" (").append(n).append(')'));
    System.out.println(missing);
    for (Result r : report.with(Outcome.FAIL)) {
      System.out.println("FAIL " + r.test() + " (" + r.op() + "): " + r.detail());
    }
    assertTrue(report.results().size() > 900, "suite has " + report.results().size() + " tests");
    assertEquals(
        0,
        report.with(Outcome.FAIL).size(),
        report.with(Outcome.FAIL).stream()
            .map(r -> r.test() + ": " + r.detail())
            .collect(Collectors.joining("; ")));
    assertTrue(report.with(Outcome.PASS).size() > 0);
  }

  /** Where the suite's expected data and ONNX Runtime disagree, ORT computes what exmy computes. */
  @Test
  void excludedTestsAreOnesWhereOrtAgreesWithExmy() throws Exception {
    needSuite();
    for (String test : Conformance.EXPECTED_DATA_DIFFERS_FROM_ORT.keySet()) {
      Path dir = SUITE.resolve(test);
      byte[] model = Files.readAllBytes(dir.resolve("model.onnx"));
      java.util.Map<String, Tensor> in = new java.util.LinkedHashMap<>();
      org.exmy.nn.onnx.proto.Onnx.ModelProto proto =
          org.exmy.nn.onnx.proto.Onnx.ModelProto.parseFrom(model);
      for (int i = 0; i < proto.getGraph().getInputCount(); i++) {
        TensorProto t =
            TensorProto.parseFrom(
                Files.readAllBytes(dir.resolve("test_data_set_0/input_" + i + ".pb")));
        in.put(proto.getGraph().getInput(i).getName(), TensorFiles.decode(t, dir));
      }
      java.util.Map<String, Tensor> ort = Ort.runOrt(model, in);
      java.util.Map<String, Tensor> exmy = Ort.runExmy(model, in);
      for (var e : ort.entrySet()) {
        Ort.assertClose(test + " " + e.getKey(), e.getValue(), exmy.get(e.getKey()));
      }
      TensorProto want =
          TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb")));
      Tensor expected = TensorFiles.decode(want, dir);
      if (expected.type() == DType.INT64) { // bfloat16 stored as UINT16 bit patterns
        long[] bits = expected.longs();
        float[] f = new float[bits.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = Float.intBitsToFloat((int) bits[i] << 16);
        }
        expected = Tensor.of(f, expected.shape());
      }
      assertFalse(
          java.util.Arrays.equals(expected.floats(), exmy.values().iterator().next().floats()),
          test + ": the expected data agree after all");
    }
  }

  @Test
  void supportedOperatorsPassThePytorchAndSimpleTests() {
    needSuite();
    for (Path suite : Conformance.DEBIAN_OTHER_TESTS) {
      assumeTrue(Files.isDirectory(suite), suite + " is absent");
      Report report = Conformance.run(suite);
      System.out.println("ONNX backend tests (" + suite + "), operators exmy supports:");
      System.out.print(report.table(false));
      report
          .skipReasons()
          .forEach(
              (reason, tests) ->
                  System.out.println("skip: " + reason + ": " + String.join(" ", tests)));
      assertEquals(
          0,
          report.with(Outcome.FAIL).size(),
          report.with(Outcome.FAIL).stream()
              .map(r -> r.test() + ": " + r.detail())
              .collect(Collectors.joining("; ")));
      assertTrue(report.with(Outcome.PASS).size() > 0, suite.toString());
    }
  }

  @Test
  void readsBackendTensorFiles() {
    needSuite();
    // test_add: x, y and the sum are float[3, 4, 5]
    Path set = SUITE.resolve("test_add/test_data_set_0");
    TensorFiles.Named x = TensorFiles.read(set.resolve("input_0.pb"));
    TensorFiles.Named y = TensorFiles.read(set.resolve("input_1.pb"));
    TensorFiles.Named sum = TensorFiles.read(set.resolve("output_0.pb"));
    assertEquals("x", x.name());
    assertEquals(1, x.dataType());
    assertArrayEquals(new int[] {3, 4, 5}, x.tensor().shape());
    for (int i = 0; i < 60; i++) {
      assertEquals(x.tensor().floats()[i] + y.tensor().floats()[i], sum.tensor().floats()[i]);
    }
  }

  @Test
  void aWrongExpectedValueIsAFailNamingIt(@TempDir Path tmp) throws Exception {
    needSuite();
    Path src = SUITE.resolve("test_relu");
    Path dir = tmp.resolve("test_relu");
    Files.createDirectories(dir.resolve("test_data_set_0"));
    Files.copy(src.resolve("model.onnx"), dir.resolve("model.onnx"));
    Files.copy(
        src.resolve("test_data_set_0/input_0.pb"), dir.resolve("test_data_set_0/input_0.pb"));
    Path out = dir.resolve("test_data_set_0/output_0.pb");
    TensorProto exp = TensorFiles.readProto(src.resolve("test_data_set_0/output_0.pb"));
    assertEquals(Outcome.PASS, run(dir, exp, out).outcome());
    float[] v = TensorFiles.decode(exp, out).floats().clone();
    v[7] += 1e-3f * Math.abs(v[7]) + 1e-3f; // just outside rtol 1e-3, atol 1e-7
    Result r = run(dir, withFloats(exp, v), out);
    assertEquals(Outcome.FAIL, r.outcome(), r.toString());
    assertTrue(r.detail().contains("output 'y' [7] = "), r.detail());
    // a truncated expected file is a fail naming the file, not a crash of the whole run
    byte[] bytes = exp.toByteArray();
    Files.write(out, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    r = Conformance.runTest(dir, Set.of());
    assertEquals(Outcome.FAIL, r.outcome(), r.toString());
    assertTrue(r.detail().startsWith(out + ": not a valid ONNX tensor"), r.detail());
  }

  private static Result run(Path dir, TensorProto expected, Path file) throws Exception {
    Files.write(file, expected.toByteArray());
    return Conformance.runTest(dir, Set.of());
  }

  private static TensorProto withFloats(TensorProto t, float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(b.array())).build();
  }

  @Test
  void toleranceIsTheBackendRunners() {
    assertTrue(Conformance.close(100.0, 100.1)); // 0.1 <= 1e-7 + 0.1
    assertFalse(Conformance.close(100.0, 100.1 + 1e-3));
    assertTrue(Conformance.close(0.0, 1e-7));
    assertFalse(Conformance.close(0.0, 2e-7));
    assertTrue(Conformance.close(Double.NaN, Double.NaN));
    assertFalse(Conformance.close(Double.NaN, 0));
    assertFalse(Conformance.close(0, Double.NaN));
    assertTrue(Conformance.close(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY));
    assertFalse(Conformance.close(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    assertFalse(Conformance.close(1e30, Double.POSITIVE_INFINITY));
  }

  @Test
  void aTensorFileDeclaringMoreThanItHoldsIsRefused(@TempDir Path tmp) throws Exception {
    TensorProto t =
        TensorProto.newBuilder()
            .setName("big")
            .setDataType(1)
            .addDims(1L << 20)
            .addDims(1L << 20)
            .setRawData(ByteString.copyFrom(new byte[8]))
            .build();
    Path f = tmp.resolve("input_0.pb");
    Files.write(f, t.toByteArray());
    NnException e = assertThrows(NnException.class, () -> TensorFiles.read(f));
    assertTrue(e.getMessage().startsWith(f + ": tensor 'big' declares"), e.getMessage());
    Files.write(f, new byte[] {0x0a, 0x7f});
    e = assertThrows(NnException.class, () -> TensorFiles.read(f));
    assertTrue(e.getMessage().contains("not a valid ONNX tensor"), e.getMessage());
  }
}
