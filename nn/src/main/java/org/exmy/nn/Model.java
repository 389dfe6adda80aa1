package org.exmy.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.exmy.nn.ops.ExecContext;
import org.exmy.nn.ops.Op;
import org.exmy.nn.ops.OpRegistry;

/**
 * A loaded, validated model: the steps left after constant folding, in topological order, over
 * numbered value slots. Immutable and shareable between threads; run it through a {@link Session}.
 * Built by {@link org.exmy.nn.onnx.OnnxLoader}.
 */
public final class Model {
  /**
   * A graph input.
   *
   * @param dims declared dimensions, -1 where symbolic or unknown
   */
  public record Input(String name, DType type, int[] dims) {
    @Override
    public String toString() {
      return name + " " + (type == DType.FLOAT ? "float" : "int64") + dimsString(dims);
    }
  }

  /**
   * One operator application.
   *
   * @param name the node name, or {@code "#i"} (its index in the file) when it had none
   * @param in value slots read (-1 for an omitted optional input)
   * @param out value slots written
   * @param release slots no longer needed after this step
   */
  public record Step(String name, String opType, Op op, int[] in, int[] out, int[] release) {}

  private final String source;
  private final int opset;
  private final List<Input> inputs;
  private final int[] inputSlots;
  private final List<String> outputs;
  private final int[] outputSlots;
  private final List<Step> steps;
  private final Tensor[] constants;
  private final List<LinearSite> sites;
  private final DType[] slotTypes;

  /**
   * For the loader: see the accessors; {@code constants} and {@code slotTypes} are indexed by value
   * slot (null where the slot is not a constant).
   */
  public Model(
      String source,
      int opset,
      List<Input> inputs,
      int[] inputSlots,
      List<String> outputs,
      int[] outputSlots,
      List<Step> steps,
      Tensor[] constants,
      List<LinearSite> sites,
      DType[] slotTypes) {
    this.source = source;
    this.opset = opset;
    this.inputs = List.copyOf(inputs);
    this.inputSlots = inputSlots.clone();
    this.outputs = List.copyOf(outputs);
    this.outputSlots = outputSlots.clone();
    this.steps = List.copyOf(steps);
    this.constants = constants.clone();
    this.sites = List.copyOf(sites);
    this.slotTypes = slotTypes.clone();
  }

  /** The file (or name) the model came from, used in messages. */
  public String source() {
    return source;
  }

  /** The default-domain opset version the model imports. */
  public int opset() {
    return opset;
  }

  /** Graph inputs that are not constants. */
  public List<Input> inputs() {
    return inputs;
  }

  /** Graph output names, in order. */
  public List<String> outputs() {
    return outputs;
  }

  /** The steps that run (after constant folding). */
  public List<Step> steps() {
    return steps;
  }

  /**
   * The linear sites (Conv, Gemm, MatMul, ConvTranspose, Einsum; two per LSTM / GRU), indexed by
   * {@link LinearSite#index()}.
   */
  public List<LinearSite> linearSites() {
    return sites;
  }

  /** Count of steps per op type, e.g. {@code {Conv=2, Relu=2, ...}}. */
  public Map<String, Integer> opCounts() {
    Map<String, Integer> m = new TreeMap<>();
    for (Step s : steps) {
      m.merge(s.opType(), 1, Integer::sum);
    }
    return m;
  }

  /**
   * Runs the model on one thread with the given context. Inputs are checked against the declared
   * types and fixed dimensions. Errors name the file and the node.
   */
  public Map<String, Tensor> run(Map<String, Tensor> in, ExecContext cx) {
    Tensor[] slots = execute(in, cx, false);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      out.put(outputs.get(i), slots[outputSlots[i]]);
    }
    return out;
  }

  private Tensor[] execute(Map<String, Tensor> in, ExecContext cx, boolean keepAll) {
    Tensor[] slots = constants.clone();
    for (int i = 0; i < inputs.size(); i++) {
      Input spec = inputs.get(i);
      Tensor t = in.get(spec.name());
      if (t == null) {
        throw new NnException(source + ": input '" + spec.name() + "' was not given");
      }
      checkInput(spec, t);
      slots[inputSlots[i]] = t;
    }
    for (Step s : steps) {
      Tensor[] args = new Tensor[s.in().length];
      for (int i = 0; i < args.length; i++) {
        args[i] = s.in()[i] < 0 ? null : slots[s.in()[i]];
      }
      Tensor[] res;
      try {
        res = s.op().run(args, cx);
      } catch (NnException e) {
        throw new NnException(source + ": " + label(s) + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new NnException(source + ": " + label(s) + ": internal error " + e, e);
      }
      for (int i = 0; i < s.out().length; i++) {
        slots[s.out()[i]] = res[i];
      }
      if (!keepAll) {
        for (int r : s.release()) {
          slots[r] = null;
        }
      }
    }
    return slots;
  }

  /**
   * This model specialized to fixed input shapes (constant folding after binding): every value that
   * depends only on the input shapes (the outputs of Shape and of non-linear steps fed only by such
   * values and constants) is computed once, on zero inputs of those shapes, and becomes a constant;
   * its steps are dropped and the inputs' dimensions become fixed. A value counts as shape-only
   * only when no int64 input on its path comes from input data, so data-dependent shapes are never
   * folded. Returns this model when nothing folds or the trial run fails.
   *
   * @param shapes the shape of every input, by name
   */
  public Model bind(Map<String, int[]> shapes) {
    int n = constants.length;
    boolean[] known = new boolean[n]; // value fixed by the input shapes
    boolean[] staticShape = new boolean[n]; // shape fixed by the input shapes
    for (int i = 0; i < n; i++) {
      known[i] = constants[i] != null;
      staticShape[i] = known[i];
    }
    for (int s : inputSlots) {
      staticShape[s] = true;
    }
    boolean any = false;
    boolean[] drop = new boolean[steps.size()];
    for (int si = 0; si < steps.size(); si++) {
      Step st = steps.get(si);
      boolean allKnown = true;
      boolean shapesStatic = true;
      for (int in : st.in()) {
        if (in < 0) {
          continue;
        }
        allKnown &= known[in];
        shapesStatic &= staticShape[in];
      }
      boolean linear = OpRegistry.isLinear(st.opType());
      boolean outKnown = !linear && (allKnown || (st.opType().equals("Shape") && shapesStatic));
      boolean intsKnown = true;
      for (int in : st.in()) {
        // an int64 input whose value comes from data may steer the output shape
        if (in >= 0 && !known[in] && isInt(in)) {
          intsKnown = false;
        }
      }
      for (int o : st.out()) {
        known[o] = outKnown;
        staticShape[o] = outKnown || (shapesStatic && intsKnown);
      }
      drop[si] = outKnown;
      any |= outKnown;
    }
    if (!any) {
      return this;
    }
    Map<String, Tensor> zeros = new LinkedHashMap<>();
    List<Input> bound = new ArrayList<>();
    for (Input in : inputs) {
      int[] shape = shapes.get(in.name());
      if (shape == null) {
        throw new IllegalArgumentException("no shape for input '" + in.name() + "'");
      }
      Tensor z = Tensor.zeros(in.type(), shape);
      checkInput(in, z);
      zeros.put(in.name(), z);
      bound.add(new Input(in.name(), in.type(), shape.clone()));
    }
    Tensor[] values;
    try {
      values = execute(zeros, new ExecContext(sites.size(), i -> Fp32Kernel.INSTANCE), true);
    } catch (NnException e) {
      return this;
    }
    Tensor[] consts = constants.clone();
    List<Step> kept = new ArrayList<>();
    for (int si = 0; si < steps.size(); si++) {
      Step st = steps.get(si);
      if (drop[si]) {
        for (int o : st.out()) {
          consts[o] = values[o];
        }
      } else {
        kept.add(st);
      }
    }
    return new Model(
        source, opset, bound, inputSlots, outputs, outputSlots, kept, consts, sites, slotTypes);
  }

  private boolean isInt(int slot) {
    return slotTypes[slot] == DType.INT64;
  }

  private void checkInput(Input spec, Tensor t) {
    boolean ok = t.type() == spec.type() && t.rank() == spec.dims().length;
    for (int d = 0; ok && d < t.rank(); d++) {
      ok = spec.dims()[d] < 0 || spec.dims()[d] == t.dim(d);
    }
    if (!ok) {
      throw new NnException(
          source + ": input '" + spec.name() + "' is " + t + ", the model expects " + spec);
    }
  }

  /**
   * Checks data against the model's inputs before a run, so that a mismatch is one line naming the
   * array and the input: every input given, no array that is not an input, each array's element
   * type and rank, its fixed dimensions after the item dimension, and an item count that a fixed
   * batch dimension divides.
   */
  public void checkFeeds(Feeds f) {
    List<String> names = new ArrayList<>();
    for (Input in : inputs) {
      names.add(in.name());
    }
    for (String k : f.tensors().keySet()) {
      if (!names.contains(k)) {
        throw new NnException(
            f.source()
                + ": array '"
                + k
                + "' is not an input of "
                + source
                + " (its inputs: "
                + String.join(", ", names)
                + ")");
      }
    }
    for (Input in : inputs) {
      Tensor t = f.tensors().get(in.name());
      if (t == null) {
        throw new NnException(
            f.source() + ": no array '" + in.name() + "' for the input " + in + " of " + source);
      }
      String what =
          f.source()
              + ": array '"
              + in.name()
              + "' is "
              + t
              + ", but "
              + source
              + "'s input is "
              + in;
      if (t.type() != in.type()) {
        throw new NnException(what + " (element type)");
      }
      if (t.rank() != in.dims().length) {
        throw new NnException(what + " (rank " + t.rank() + " vs " + in.dims().length + ")");
      }
      for (int d = 1; d < t.rank(); d++) {
        if (in.dims()[d] >= 0 && in.dims()[d] != t.dim(d)) {
          throw new NnException(what + " (dimension " + d + ")");
        }
      }
      if (in.dims()[0] > 0 && t.dim(0) % in.dims()[0] != 0) {
        throw new NnException(
            f.source()
                + ": "
                + t.dim(0)
                + " items do not fill whole batches of "
                + in.dims()[0]
                + ", the fixed batch dimension of "
                + source
                + "'s input "
                + in);
      }
    }
  }

  /** "node 'name' (Op)" for messages. */
  public static String label(Step s) {
    return "node '" + s.name() + "' (" + s.opType() + ")";
  }

  static String dimsString(int[] dims) {
    String[] parts = new String[dims.length];
    for (int i = 0; i < dims.length; i++) {
      parts[i] = dims[i] < 0 ? "?" : String.valueOf(dims[i]);
    }
    return "[" + String.join(", ", parts) + "]";
  }

  @Override
  public String toString() {
    List<String> ins = new ArrayList<>();
    for (Input i : inputs) {
      ins.add(i.toString());
    }
    return source
        + " (opset "
        + opset
        + ", inputs "
        + ins
        + ", outputs "
        + outputs
        + ", "
        + steps.size()
        + " steps, "
        + sites.size()
        + " linear)";
  }
}
