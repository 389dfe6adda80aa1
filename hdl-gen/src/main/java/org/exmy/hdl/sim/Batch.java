package org.exmy.hdl.sim;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A reusable buffer of up to {@code maxSteps} steps of a {@link VerilatorSim}, run in one native
 * call. Fill a step with {@code set} and commit it with {@link #endStep()} (inputs not set keep the
 * previous step's value; inputs never set are 0), then {@link #run()} and read the outputs sampled
 * after each step with {@code get}. {@link #clear()} empties the batch for reuse; the model's state
 * persists. See {@link VerilatorSim} for what one step does.
 *
 * <p>Values are unsigned bit patterns: {@code set} takes the value modulo 2^width (so -1 sets all
 * bits, also for ports wider than 64 bits), {@code get}/{@code getBig} return non-negative values.
 * Not thread-safe.
 */
public final class Batch {
  private final VerilatorSim sim;
  private final int maxSteps;
  private final int inWords;
  private final int outWords;
  private final int[] inOff;
  private final int[] inLen;
  private final long[] inMask;
  private final int[] outOff;
  private final int[] outLen;
  private final int[] current;
  private final int[] in;
  private final int[] out;
  private int size;
  private boolean ran;

  Batch(VerilatorSim sim, int maxSteps) {
    this.sim = sim;
    this.maxSteps = maxSteps;
    this.inWords = sim.inWords;
    this.outWords = sim.outWords;
    int n = sim.inputs().size();
    inOff = sim.inOffset.clone();
    inLen = new int[n];
    inMask = new long[n];
    for (int i = 0; i < n; i++) {
      SimPort p = sim.inputs().get(i);
      inLen[i] = p.words();
      inMask[i] = p.width() >= 64 ? -1L : (1L << p.width()) - 1;
    }
    outOff = sim.outOffset.clone();
    outLen = sim.outputs().stream().mapToInt(SimPort::words).toArray();
    current = new int[inWords];
    long inSize = (long) maxSteps * inWords;
    long outSize = (long) maxSteps * outWords;
    if (inSize > Integer.MAX_VALUE - 16 || outSize > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          maxSteps
              + " steps of "
              + Math.max(inWords, outWords)
              + " words do not fit in a Java array; use smaller batches");
    }
    in = new int[(int) Math.max(1, inSize)];
    out = new int[(int) Math.max(1, outSize)];
  }

  /**
   * Sets input {@code inputIndex} (index into {@link VerilatorSim#inputs()}) for the step being
   * filled: the fast path. The value is taken modulo 2^width; for ports wider than 64 bits it is
   * sign-extended, like {@code BigInteger.valueOf(value)}.
   */
  public Batch set(int inputIndex, long value) {
    int o = inOff[inputIndex];
    int n = inLen[inputIndex];
    long v = value & inMask[inputIndex];
    current[o] = (int) v;
    if (n > 1) {
      current[o + 1] = (int) (v >>> 32);
      if (n > 2) {
        Arrays.fill(current, o + 2, o + n, v < 0 ? -1 : 0);
        int top = sim.inputs().get(inputIndex).width() % 32;
        if (top != 0 && v < 0) current[o + n - 1] &= (1 << top) - 1;
      }
    }
    return this;
  }

  /** Sets an input by name; see {@link #set(int, long)}. */
  public Batch set(String inputPort, long value) {
    return set(sim.inputIndex(inputPort), value);
  }

  /** Sets an input of any width; the value is taken modulo 2^width (two's complement). */
  public Batch set(int inputIndex, BigInteger value) {
    SimPort p = sim.inputs().get(inputIndex);
    int o = inOff[inputIndex];
    if (p.width() <= 64) return set(inputIndex, value.longValue());
    for (int k = 0; k < inLen[inputIndex]; k++)
      current[o + k] = value.shiftRight(32 * k).intValue();
    int top = p.width() % 32;
    if (top != 0) current[o + inLen[inputIndex] - 1] &= (1 << top) - 1;
    return this;
  }

  /** Sets an input of any width by name; see {@link #set(int, BigInteger)}. */
  public Batch set(String inputPort, BigInteger value) {
    return set(sim.inputIndex(inputPort), value);
  }

  /** Commits the step being filled; its inputs stay as the defaults of the next step. */
  public void endStep() {
    if (size >= maxSteps) {
      throw new IllegalStateException(
          "batch is full (" + maxSteps + " steps): run() and clear() it first");
    }
    System.arraycopy(current, 0, in, size * inWords, inWords);
    size++;
    ran = false;
  }

  /** Number of committed steps. */
  public int size() {
    return size;
  }

  /** Capacity given to {@link VerilatorSim#newBatch(int)}. */
  public int maxSteps() {
    return maxSteps;
  }

  /**
   * Executes every committed step in one native call and keeps their sampled outputs. Running the
   * same batch again (without {@link #clear()}) replays its steps on the current model state.
   *
   * @throws IllegalStateException if the simulation is closed
   * @throws SimException on {@code $stop}, {@code $fatal} or a Verilator runtime error
   */
  public void run() {
    ran = false;
    sim.run(in, out, size);
    ran = true;
  }

  /**
   * Output {@code outputIndex} (at most 64 bits wide) sampled after step {@code step}, unsigned.
   */
  public long get(int step, int outputIndex) {
    check(step);
    int o = step * outWords + outOff[outputIndex];
    long lo = out[o] & 0xffffffffL;
    switch (outLen[outputIndex]) {
      case 1:
        return lo;
      case 2:
        return lo | ((long) out[o + 1] << 32);
      default:
        throw new IllegalArgumentException(
            "output "
                + sim.outputs().get(outputIndex).name()
                + " is "
                + sim.outputs().get(outputIndex).width()
                + " bits wide: read it with getBig");
    }
  }

  /**
   * 32-bit word {@code k} (0 = least significant) of output {@code outputIndex} sampled after step
   * {@code step}; 0 beyond the port's width. Unchecked: the fast path for wide outputs.
   */
  public int word(int step, int outputIndex, int k) {
    return k < outLen[outputIndex] ? out[step * outWords + outOff[outputIndex] + k] : 0;
  }

  /** Output sampled after step {@code step} by name; see {@link #get(int, int)}. */
  public long get(int step, String outputPort) {
    return get(step, sim.outputIndex(outputPort));
  }

  /** Output {@code outputIndex} of any width sampled after step {@code step}, unsigned. */
  public BigInteger getBig(int step, int outputIndex) {
    check(step);
    int o = step * outWords + outOff[outputIndex];
    int n = outLen[outputIndex];
    byte[] mag = new byte[4 * n + 1]; // big-endian, leading zero byte keeps it non-negative
    for (int k = 0; k < n; k++) {
      int w = out[o + k];
      int b = 4 * (n - 1 - k) + 1;
      mag[b] = (byte) (w >>> 24);
      mag[b + 1] = (byte) (w >>> 16);
      mag[b + 2] = (byte) (w >>> 8);
      mag[b + 3] = (byte) w;
    }
    return new BigInteger(mag);
  }

  /** Output of any width sampled after step {@code step} by name, unsigned. */
  public BigInteger getBig(int step, String outputPort) {
    return getBig(step, sim.outputIndex(outputPort));
  }

  /**
   * Empties the batch for reuse. Input values of the last step carry over; model state persists.
   */
  public void clear() {
    size = 0;
    ran = false;
  }

  private void check(int step) {
    if (!ran) throw new IllegalStateException("run() the batch before reading its outputs");
    if (step < 0 || step >= size)
      throw new IndexOutOfBoundsException("step " + step + " of a batch of " + size);
  }
}
