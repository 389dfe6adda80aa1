package org.exmy.nn.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.exmy.nn.DType;
import org.exmy.nn.Fp32Kernel;
import org.exmy.nn.Model;
import org.exmy.nn.NnException;
import org.exmy.nn.Tensor;
import org.exmy.nn.onnx.proto.Onnx.ModelProto;
import org.exmy.nn.onnx.proto.Onnx.NodeProto;
import org.exmy.nn.onnx.proto.Onnx.TensorProto;
import org.exmy.nn.ops.ExecContext;
import org.exmy.nn.ops.OpRegistry;

/**
 * Runs ONNX's own backend node tests ({@code onnx/backend/test/data/node}, Debian package {@code
 * libonnx-testdata}: one folder per test with {@code model.onnx} and {@code
 * test_data_set_N/{input,output}_K.pb}) through exmy and compares every output with the expected
 * one.
 *
 * <p>A test runs when every operator of its graph is in {@link OpRegistry#supported()} (or is
 * {@code Constant}); its inputs are fed, in order, to the model's graph inputs. Floating-point
 * outputs pass when {@code |actual - expected| <= ATOL + RTOL * |expected|} element by element
 * (ONNX's backend runner's tolerance; NaN equals NaN, infinities must be equal), integer and BOOL
 * outputs when equal; shapes and element kinds (floating or integer) must match exactly.
 *
 * <p>Outcomes: {@link Outcome#PASS}; {@link Outcome#SKIP} when an operator is missing, or exmy
 * refuses an attribute value, a data type or a feature with its one-line message (see {@link
 * #isRefusal}); {@link Outcome#FAIL} when a supported test throws anything else or computes a value
 * outside the tolerance (the detail names the first mismatch).
 */
public final class Conformance {
  /** Relative tolerance of ONNX's backend test runner. */
  public static final double RTOL = 1e-3;

  /** Absolute tolerance of ONNX's backend test runner. */
  public static final double ATOL = 1e-7;

  /** The folder of Debian's {@code libonnx-testdata} node tests. */
  public static final Path DEBIAN_NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");

  /**
   * The other suites of {@code libonnx-testdata} with the same layout (opset 6 models exported from
   * PyTorch, and a few small graphs); {@code real} holds only links to large models.
   */
  public static final List<Path> DEBIAN_OTHER_TESTS =
      List.of(
          Path.of("/usr/share/libonnx-testdata/data/pytorch-operator"),
          Path.of("/usr/share/libonnx-testdata/data/pytorch-converted"),
          Path.of("/usr/share/libonnx-testdata/data/simple"));

  /** How a test ended. */
  public enum Outcome {
    PASS,
    SKIP,
    FAIL
  }

  /**
   * One test's result.
   *
   * @param test the test folder's name, e.g. {@code test_add_bcast}
   * @param op the operator it is counted under: the graph's operator for one-node graphs, else the
   *     operator its name starts with (with " (expanded)" for function expansions)
   * @param outcome pass, skip or fail
   * @param detail empty for a pass; the reason for a skip; the error or first mismatch for a fail
   */
  public record Result(String test, String op, Outcome outcome, String detail) {}

  /** Pass / skip / fail counts of one operator. */
  public record Counts(int pass, int skip, int fail) {}

  /** All results of a suite run, in test-name order. */
  public record Report(List<Result> results) {
    /** Counts by operator, sorted by operator name. */
    public Map<String, Counts> byOperator() {
      Map<String, int[]> m = new TreeMap<>();
      for (Result r : results) {
        m.computeIfAbsent(r.op(), k -> new int[3])[r.outcome().ordinal()]++;
      }
      Map<String, Counts> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, new Counts(v[0], v[1], v[2])));
      return out;
    }

    /** Results with the given outcome. */
    public List<Result> with(Outcome o) {
      return results.stream().filter(r -> r.outcome() == o).toList();
    }

    /**
     * A text table: one row per operator that has at least one test that was not skipped for a
     * missing operator (when {@code all} is false), then a totals row.
     */
    public String table(boolean all) {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(Locale.ROOT, "%-36s %5s %5s %5s%n", "operator", "pass", "skip", "fail"));
      int[] tot = new int[3];
      Set<String> shown = new TreeSet<>();
      for (Result r : results) {
        if (all || !r.detail().startsWith(MISSING)) {
          shown.add(r.op());
        }
      }
      for (var e : byOperator().entrySet()) {
        Counts c = e.getValue();
        tot[0] += c.pass();
        tot[1] += c.skip();
        tot[2] += c.fail();
        if (shown.contains(e.getKey())) {
          sb.append(
              String.format(
                  Locale.ROOT, "%-36s %5d %5d %5d%n", e.getKey(), c.pass(), c.skip(), c.fail()));
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%-36s %5d %5d %5d%n",
              "total (" + results.size() + " tests)",
              tot[0],
              tot[1],
              tot[2]));
      return sb.toString();
    }

    /** The operators exmy lacks, each with the number of tests that need it, by name. */
    public Map<String, Integer> missingOperators() {
      Map<String, Integer> m = new TreeMap<>();
      for (Result r : with(Outcome.SKIP)) {
        if (r.detail().startsWith(MISSING)) {
          for (String op : r.detail().substring(MISSING.length()).trim().split(",\\s*")) {
            m.merge(op, 1, Integer::sum);
          }
        }
      }
      return m;
    }

    /** Each skip reason other than a missing operator, with its tests, sorted by reason. */
    public Map<String, List<String>> skipReasons() {
      Map<String, List<String>> m = new TreeMap<>();
      for (Result r : with(Outcome.SKIP)) {
        if (!r.detail().startsWith(MISSING)) {
          m.computeIfAbsent(r.detail(), k -> new ArrayList<>()).add(r.test());
        }
      }
      return m;
    }
  }

  private static final String MISSING = "unsupported operator";

  private Conformance() {}

  /** Runs every test folder ({@code test_*}) under {@code suite}, in name order. */
  public static Report run(Path suite) {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(suite)) {
      dirs =
          s.filter(
                  p ->
                      p.getFileName().toString().startsWith("test_")
                          && Files.isRegularFile(p.resolve("model.onnx")))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new NnException(suite + ": cannot list: " + e.getMessage());
    }
    Map<Path, ModelProto> protos = new LinkedHashMap<>();
    Set<String> known = new HashSet<>();
    for (Path d : dirs) {
      ModelProto p = parse(d.resolve("model.onnx"));
      protos.put(d, p);
      if (p != null) {
        List<String> ops = ops(p);
        if (ops.size() == 1) {
          known.add(ops.get(0));
        }
      }
    }
    List<Result> results = new ArrayList<>();
    for (var e : protos.entrySet()) {
      results.add(runTest(e.getKey(), e.getValue(), known));
    }
    return new Report(results);
  }

  /** Runs one test folder; {@code known} (operator names) helps name multi-node tests. */
  public static Result runTest(Path dir, Set<String> known) {
    return runTest(dir, parse(dir.resolve("model.onnx")), known);
  }

  private static final String LIKE_SHAPE =
      "the data's input 'like' is [1], the model declares [3, 4]";

  private static final String ALIGN_CORNERS_LENGTH =
      "expected data use length_original * scale as the"
          + " resized length; ORT 1.20 and exmy use the output length";

  /**
   * Tests whose expected data in ONNX 1.12 disagree with ONNX Runtime 1.20, which exmy follows; a
   * skip with the reason. OnnxConformanceTest checks that ORT computes what exmy computes on each.
   */
  public static final Map<String, String> EXPECTED_DATA_DIFFERS_FROM_ORT =
      Map.of(
          "test_resize_downsample_scales_linear_align_corners", ALIGN_CORNERS_LENGTH,
          "test_resize_downsample_scales_cubic_align_corners", ALIGN_CORNERS_LENGTH,
          "test_cast_FLOAT_to_BFLOAT16",
              "expected data truncate to bfloat16; ORT 1.20 and exmy round to" + " nearest even");

  /**
   * Tests whose data contradict their own model: the input {@code like} is {@code [1]} where the
   * graph declares {@code [3, 4]} (exmy, as ORT does, refuses an input whose fixed dimension
   * differs); a skip with the reason.
   */
  public static final Map<String, String> DATA_CONTRADICTS_MODEL =
      Map.of(
          "test_castlike_BFLOAT16_to_FLOAT_expanded", LIKE_SHAPE,
          "test_castlike_FLOAT_to_BFLOAT16_expanded", LIKE_SHAPE);

  private static Result runTest(Path dir, ModelProto proto, Set<String> known) {
    String test = dir.getFileName().toString();
    if (proto == null) {
      return new Result(test, "?", Outcome.FAIL, "model.onnx is not a valid ONNX model");
    }
    List<String> ops = ops(proto);
    String op = label(test, ops, known);
    if (EXPECTED_DATA_DIFFERS_FROM_ORT.containsKey(test)) {
      return new Result(test, op, Outcome.SKIP, EXPECTED_DATA_DIFFERS_FROM_ORT.get(test));
    }
    if (DATA_CONTRADICTS_MODEL.containsKey(test)) {
      return new Result(test, op, Outcome.SKIP, DATA_CONTRADICTS_MODEL.get(test));
    }
    Set<String> missing = new TreeSet<>();
    for (String o : ops) {
      if (!o.equals("Constant") && !OpRegistry.supported().contains(o)) {
        missing.add(o);
      }
    }
    if (!missing.isEmpty()) {
      return new Result(test, op, Outcome.SKIP, MISSING + " " + String.join(", ", missing));
    }
    Path modelFile = dir.resolve("model.onnx");
    Model model;
    try {
      model = OnnxLoader.load(Files.readAllBytes(modelFile), modelFile.toString());
    } catch (IOException e) {
      return new Result(test, op, Outcome.FAIL, "cannot read model.onnx: " + e.getMessage());
    } catch (NnException e) {
      String m = strip(e.getMessage(), modelFile.toString());
      return new Result(test, op, isRefusal(m) ? Outcome.SKIP : Outcome.FAIL, "load: " + m);
    } catch (RuntimeException e) {
      return new Result(test, op, Outcome.FAIL, "load: internal error " + e);
    }
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets =
          s.filter(
                  p ->
                      p.getFileName().toString().startsWith("test_data_set_")
                          && Files.isDirectory(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      return new Result(test, op, Outcome.FAIL, "cannot list: " + e.getMessage());
    }
    if (sets.isEmpty()) {
      return new Result(test, op, Outcome.FAIL, "no test_data_set_* folder");
    }
    for (Path set : sets) {
      Result r = runSet(test, op, model, set, bfloat16Values(proto));
      if (r != null) {
        return r;
      }
    }
    return new Result(test, op, Outcome.PASS, "");
  }

  /** Runs one data set; null when it passes. A corrupt tensor file is a fail. */
  /**
   * The graph inputs and outputs declared BFLOAT16: ONNX 1.12's test data store their tensors as
   * UINT16 bit patterns, which the harness reads as bfloat16.
   */
  private static java.util.Set<String> bfloat16Values(ModelProto proto) {
    java.util.Set<String> out = new java.util.HashSet<>();
    var g = proto.getGraph();
    java.util.stream.Stream.concat(g.getInputList().stream(), g.getOutputList().stream())
        .filter(v -> v.getType().hasTensorType() && v.getType().getTensorType().getElemType() == 16)
        .forEach(v -> out.add(v.getName()));
    return out;
  }

  private static TensorProto asBfloat16(TensorProto t, String name, java.util.Set<String> bf16) {
    return bf16.contains(name) && t.getDataType() == 4 ? t.toBuilder().setDataType(16).build() : t;
  }

  private static Result runSet(
      String test, String op, Model model, Path set, java.util.Set<String> bf16) {
    try {
      return runSetChecked(test, op, model, set, bf16);
    } catch (NnException e) {
      return new Result(test, op, Outcome.FAIL, e.getMessage());
    }
  }

  private static Result runSetChecked(
      String test, String op, Model model, Path set, java.util.Set<String> bf16) {
    String where = set.getFileName() + ": ";
    List<TensorProto> ins = files(set, "input_");
    List<TensorProto> outs = files(set, "output_");
    List<Model.Input> specs = model.inputs();
    if (ins.size() != specs.size()) {
      return new Result(
          test,
          op,
          Outcome.FAIL,
          where + ins.size() + " input files for " + specs.size() + " model inputs");
    }
    Map<String, Tensor> feeds = new HashMap<>();
    for (int i = 0; i < ins.size(); i++) {
      TensorProto t = asBfloat16(ins.get(i), specs.get(i).name(), bf16);
      if (!TensorFiles.holdable(t.getDataType())) {
        return new Result(
            test, op, Outcome.SKIP, "input data type " + TensorDecoder.typeName(t.getDataType()));
      }
      feeds.put(specs.get(i).name(), TensorFiles.decode(t, set.resolve("input_" + i + ".pb")));
    }
    if (outs.size() != model.outputs().size()) {
      return new Result(
          test,
          op,
          Outcome.FAIL,
          where + outs.size() + " output files for " + model.outputs().size() + " model outputs");
    }
    Map<String, Tensor> got;
    try {
      got = model.run(feeds, new ExecContext(model.linearSites().size(), i -> Fp32Kernel.INSTANCE));
    } catch (NnException e) {
      String m = strip(e.getMessage(), model.source());
      return new Result(test, op, isRefusal(m) ? Outcome.SKIP : Outcome.FAIL, "run: " + m);
    } catch (RuntimeException e) {
      return new Result(test, op, Outcome.FAIL, "run: internal error " + e);
    }
    for (int i = 0; i < outs.size(); i++) {
      TensorProto t = asBfloat16(outs.get(i), model.outputs().get(i), bf16);
      if (!TensorFiles.holdable(t.getDataType())) {
        return new Result(
            test, op, Outcome.SKIP, "output data type " + TensorDecoder.typeName(t.getDataType()));
      }
      Tensor exp = TensorFiles.decode(t, set.resolve("output_" + i + ".pb"));
      String name = model.outputs().get(i);
      String diff = compare(got.get(name), exp, TensorDecoder.typeName(t.getDataType()));
      if (diff != null) {
        return new Result(test, op, Outcome.FAIL, where + "output '" + name + "' " + diff);
      }
    }
    return null;
  }

  /**
   * Compares {@code actual} with {@code expected} (of ONNX type {@code expType}); null when they
   * agree, else the first difference.
   */
  public static String compare(Tensor actual, Tensor expected, String expType) {
    if (actual == null) {
      return "was not produced";
    }
    if (actual.type() != expected.type()) {
      return "is "
          + (actual.type() == DType.FLOAT ? "floating-point" : "integer")
          + ", expected "
          + expType;
    }
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      return "has shape "
          + Arrays.toString(actual.shape())
          + ", expected "
          + Arrays.toString(expected.shape());
    }
    if (actual.type() == DType.INT64) {
      long[] a = actual.longs();
      long[] e = expected.longs();
      for (int i = 0; i < a.length; i++) {
        if (a[i] != e[i]) {
          return "[" + i + "] = " + a[i] + ", expected " + e[i];
        }
      }
      return null;
    }
    float[] a = actual.floats();
    float[] e = expected.floats();
    for (int i = 0; i < a.length; i++) {
      if (!close(a[i], e[i])) {
        return "[" + i + "] = " + a[i] + ", expected " + e[i] + " (of " + a.length + ")";
      }
    }
    return null;
  }

  /** The backend runner's element test: NaN equals NaN, else within ATOL + RTOL * |expected|. */
  public static boolean close(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return Double.isNaN(actual) && Double.isNaN(expected);
    }
    if (actual == expected) {
      return true; // also equal infinities
    }
    if (Double.isInfinite(actual) || Double.isInfinite(expected)) {
      return false;
    }
    return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
  }

  /**
   * Whether a load or run error message is exmy refusing something it does not support (an
   * attribute value, a data type, a feature) rather than a wrong result or a crash.
   */
  public static boolean isRefusal(String message) {
    if (message.contains("internal error")) {
      return false;
    }
    return message.contains("unsupported")
        || message.contains("not supported")
        || message.contains("must be a floating-point tensor")
        || message.contains("must be an integer tensor");
  }

  /** The message without the file prefix and with "node 'n' (Op): " shortened to "Op: ". */
  private static String strip(String message, String source) {
    String m = message.startsWith(source + ": ") ? message.substring(source.length() + 2) : message;
    return m.replaceAll("node '[^']*' \\(([A-Za-z]+)\\): ", "$1: ");
  }

  /** Input or output files {@code prefix0.pb, prefix1.pb, ...} of a data set. */
  private static List<TensorProto> files(Path set, String prefix) {
    List<TensorProto> out = new ArrayList<>();
    for (int i = 0; Files.isRegularFile(set.resolve(prefix + i + ".pb")); i++) {
      out.add(TensorFiles.readProto(set.resolve(prefix + i + ".pb")));
    }
    return out;
  }

  private static ModelProto parse(Path file) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(Files.readAllBytes(file));
      in.setRecursionLimit(64);
      return ModelProto.parseFrom(in);
    } catch (IOException e) {
      return null;
    }
  }

  /** Distinct operator types of the main graph, in node order. */
  private static List<String> ops(ModelProto p) {
    Set<String> s = new LinkedHashSet<>();
    for (NodeProto n : p.getGraph().getNodeList()) {
      s.add(n.getOpType());
    }
    return new ArrayList<>(s);
  }

  /** The operator a test is counted under (see {@link Result#op}). */
  private static String label(String test, List<String> ops, Set<String> known) {
    List<String> real = ops.stream().filter(o -> !o.equals("Constant")).toList();
    if (ops.size() == 1) {
      return ops.get(0);
    }
    if (real.size() == 1 && !test.contains("_expanded")) {
      return real.get(0);
    }
    String name = test.substring("test_".length()).toLowerCase(Locale.ROOT);
    String best = null;
    for (String k : known) {
      String snake = k.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      if ((name.equals(snake) || name.startsWith(snake + "_"))
          && (best == null || k.length() > best.length())) {
        best = k;
      }
    }
    if (best == null) {
      best = real.isEmpty() ? "Constant" : real.get(real.size() - 1);
    }
    return test.contains("_expanded") ? best + " (expanded)" : best;
  }
}
