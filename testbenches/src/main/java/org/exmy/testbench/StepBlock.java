package org.exmy.testbench;

/**
 * A block of consecutive input steps of a core, in primitive arrays: reset, clear, valid and one
 * operand pair per lane. {@link Stimulus} fills it, {@link Driver} and {@link Scoreboard} read it.
 */
final class StepBlock {
  final int capacity;
  final int lanes;
  final boolean[] reset;
  final boolean[] clear;
  final boolean[] valid;

  /** {@code a[lane][step]}. */
  final int[][] a;

  final int[][] b;
  int size;

  StepBlock(int capacity, int lanes) {
    this.capacity = capacity;
    this.lanes = lanes;
    reset = new boolean[capacity];
    clear = new boolean[capacity];
    valid = new boolean[capacity];
    a = new int[lanes][capacity];
    b = new int[lanes][capacity];
  }

  boolean full() {
    return size == capacity;
  }

  /** Appends a step; returns its index. The operands are set with {@link #operands}. */
  int add(boolean rst, boolean clr, boolean vld) {
    int i = size++;
    reset[i] = rst;
    clear[i] = clr;
    valid[i] = vld;
    return i;
  }

  void operands(int step, int lane, int codeA, int codeB) {
    a[lane][step] = codeA;
    b[lane][step] = codeB;
  }

  /** The step as text for a failure report: {@code reset=0 clear=1 valid=1 a=0x38 b=0x40}. */
  String describe(int i) {
    StringBuilder sb = new StringBuilder();
    sb.append("reset=")
        .append(reset[i] ? 1 : 0)
        .append(" clear=")
        .append(clear[i] ? 1 : 0)
        .append(" valid=")
        .append(valid[i] ? 1 : 0);
    for (int k = 0; k < lanes; k++) {
      String n = lanes == 1 ? "" : Integer.toString(k);
      sb.append(String.format(" a%s=0x%x b%s=0x%x", n, a[k][i], n, b[k][i]));
    }
    return sb.toString();
  }
}
