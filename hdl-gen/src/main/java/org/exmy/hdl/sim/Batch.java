package org.exmy.hdl.sim;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Steps to run through a {@link VerilatorSim} in one native call. Fill a step with {@code set},
 * commit it with {@link #endStep()} (inputs not set keep the previous step's value), then
 * {@link #run()} and read the outputs sampled after each step with {@code get}.
 */
public final class Batch {
  private final VerilatorSim sim;
  private final int maxSteps;
  private final int[] current;
  private final int[] in;
  private final int[] out;
  private int size;
  private boolean ran;

  Batch(VerilatorSim sim, int maxSteps) {
    this.sim = sim;
    this.maxSteps = maxSteps;
    this.current = new int[sim.inWords];
    this.in = new int[Math.max(1, maxSteps * sim.inWords)];
    this.out = new int[Math.max(1, maxSteps * sim.outWords)];
  }

  /** Sets an input (by index into {@link VerilatorSim#inputs()}) for the step being filled. */
  public Batch set(int inputIndex, long value) {
    SimPort p = sim.inputs().get(inputIndex);
    int o = sim.inOffset[inputIndex];
    long v = p.width() >= 64 ? value : value & ((1L << p.width()) - 1);
    current[o] = (int) v;
    if (p.words() > 1) current[o + 1] = (int) (v >>> 32);
    for (int k = 2; k < p.words(); k++) current[o + k] = 0;
    return this;
  }

  public Batch set(String inputPort, long value) {
    return set(sim.inputIndex(inputPort), value);
  }

  /** Sets an input of any width; the value is taken modulo 2^width. */
  public Batch set(String inputPort, BigInteger value) {
    int i = sim.inputIndex(inputPort);
    SimPort p = sim.inputs().get(i);
    BigInteger v = value.and(BigInteger.ONE.shiftLeft(p.width()).subtract(BigInteger.ONE));
    int o = sim.inOffset[i];
    for (int k = 0; k < p.words(); k++) current[o + k] = v.shiftRight(32 * k).intValue();
    return this;
  }

  /** Commits the step being filled. */
  public void endStep() {
    if (size >= maxSteps) throw new IllegalStateException("batch is full (" + maxSteps + " steps); run() and clear() it");
    System.arraycopy(current, 0, in, size * sim.inWords, sim.inWords);
    size++;
    ran = false;
  }

  public int size() {
    return size;
  }

  /** Executes every committed step in one native call. */
  public void run() {
    sim.run(in, out, size);
    ran = true;
  }

  /** Output of a port of at most 64 bits after step {@code step} (unsigned). */
  public long get(int step, int outputIndex) {
    SimPort p = check(step, outputIndex);
    if (p.width() > 64) throw new IllegalArgumentException(p.name() + " is " + p.width() + " bits: use getBig");
    int o = step * sim.outWords + sim.outOffset[outputIndex];
    long lo = out[o] & 0xffffffffL;
    return p.words() == 1 ? lo : lo | ((long) out[o + 1] << 32);
  }

  public long get(int step, String outputPort) {
    return get(step, sim.outputIndex(outputPort));
  }

  /** Output of a port of any width after step {@code step}, unsigned. */
  public BigInteger getBig(int step, int outputIndex) {
    SimPort p = check(step, outputIndex);
    int o = step * sim.outWords + sim.outOffset[outputIndex];
    BigInteger v = BigInteger.ZERO;
    for (int k = p.words() - 1; k >= 0; k--) {
      v = v.shiftLeft(32).or(BigInteger.valueOf(out[o + k] & 0xffffffffL));
    }
    return v;
  }

  public BigInteger getBig(int step, String outputPort) {
    return getBig(step, sim.outputIndex(outputPort));
  }

  /** Empties the batch; input values of the last step carry over, model state persists. */
  public void clear() {
    size = 0;
    ran = false;
    Arrays.fill(out, 0);
  }

  private SimPort check(int step, int outputIndex) {
    if (!ran) throw new IllegalStateException("run() the batch before reading outputs");
    if (step < 0 || step >= size) throw new IndexOutOfBoundsException("step " + step + " of " + size);
    return sim.outputs().get(outputIndex);
  }
}
