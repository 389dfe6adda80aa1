package org.exmy.nn.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exmy.nn.Tensor;

/**
 * Einsum in any form that {@link Einsum}'s matrix-product path does not take: one or more operands,
 * indices repeated within a term (diagonals), indices summed within one operand, implicit output
 * (the ellipsis, then the indices that occur once, in alphabetical order), the ellipsis broadcast
 * as numpy broadcasts. Computed in float32 by visiting every combination of the indices and summing
 * the products in double, rounded once per output element; its products do not go through a {@link
 * org.exmy.nn.LinearKernel}, so quantization leaves them in float32.
 */
final class GeneralEinsum implements Op {
  private final String eq;
  private final String[] terms;
  private final String out;
  private final boolean implicit;

  private GeneralEinsum(String eq, String[] terms, String out, boolean implicit) {
    this.eq = eq;
    this.terms = terms;
    this.out = out;
    this.implicit = implicit;
  }

  /**
   * Parses {@code eq} for {@code operands} inputs.
   *
   * @throws OpError naming the equation when it is malformed
   */
  static GeneralEinsum parse(String eq, int operands) {
    String e = eq.replace(" ", "");
    int arrow = e.indexOf("->");
    String lhs = arrow < 0 ? e : e.substring(0, arrow);
    String[] ins = lhs.split(",", -1);
    if (ins.length != operands) {
      throw new OpError(
          "equation '" + eq + "' has " + ins.length + " input terms for " + operands + " inputs");
    }
    String o = arrow < 0 ? null : e.substring(arrow + 2);
    for (String t : arrow < 0 ? ins : concat(ins, o)) {
      String u = t.replace("...", "");
      if (t.length() - u.length() > 3 || !u.chars().allMatch(Character::isLetter)) {
        throw new OpError("equation '" + eq + "' not supported (term '" + t + "')");
      }
    }
    if (o != null) {
      String ou = o.replace("...", "");
      for (char ch : ou.toCharArray()) {
        if (ou.indexOf(ch) != ou.lastIndexOf(ch) || !lhs.contains(String.valueOf(ch))) {
          throw new OpError("equation '" + eq + "' not supported (output index '" + ch + "')");
        }
      }
    }
    return new GeneralEinsum(eq, ins, o, o == null);
  }

  private static String[] concat(String[] a, String b) {
    String[] c = Arrays.copyOf(a, a.length + 1);
    c[a.length] = b;
    return c;
  }

  @Override
  public Tensor[] run(Tensor[] in, ExecContext cx) {
    int n = in.length;
    // the ellipsis of each operand becomes letters '0', '1', ... aligned to the right
    int ell = 0;
    for (int i = 0; i < n; i++) {
      if (terms[i].contains("...")) {
        ell = Math.max(ell, in[i].rank() - (terms[i].length() - 3));
      }
    }
    String[] ts = new String[n];
    for (int i = 0; i < n; i++) {
      String t = terms[i];
      if (t.contains("...")) {
        int k = in[i].rank() - (t.length() - 3);
        if (k < 0) {
          throw new OpError(
              "equation '" + eq + "': input " + i + " " + in[i] + " has too few dimensions");
        }
        t = t.replace("...", ellLetters(ell - k, ell));
      }
      if (t.length() != in[i].rank()) {
        throw new OpError(
            "equation '" + eq + "': term '" + terms[i] + "' does not fit input " + in[i]);
      }
      ts[i] = t;
    }
    String o;
    if (implicit) {
      StringBuilder sb = new StringBuilder(ellLetters(0, ell));
      String all = String.join("", ts);
      all.chars()
          .filter(Character::isLetter)
          .distinct()
          .sorted()
          .filter(ch -> all.indexOf(ch) == all.lastIndexOf(ch))
          .forEach(ch -> sb.append((char) ch));
      o = sb.toString();
    } else {
      o = out.replace("...", ellLetters(0, ell));
    }
    // every distinct letter and its size (size-1 ellipsis dimensions broadcast)
    List<Character> letters = new ArrayList<>();
    for (char ch : (o + String.join("", ts)).toCharArray()) {
      if (!letters.contains(ch)) {
        letters.add(ch);
      }
    }
    int nl = letters.size();
    int[] size = new int[nl];
    Arrays.fill(size, 1);
    int[][] stride = new int[n][nl];
    for (int i = 0; i < n; i++) {
      int[] st = Shapes.strides(in[i].shape());
      for (int d = 0; d < ts[i].length(); d++) {
        int l = letters.indexOf(ts[i].charAt(d));
        int dim = in[i].dim(d);
        if (dim != 1) {
          if (size[l] != 1 && size[l] != dim) {
            throw new OpError(
                "equation '"
                    + eq
                    + "': index '"
                    + ts[i].charAt(d)
                    + "' has sizes "
                    + size[l]
                    + " and "
                    + dim);
          }
          size[l] = dim;
          stride[i][l] += st[d];
        }
      }
    }
    int no = o.length();
    int[] os = new int[no];
    long outSize = 1;
    for (int d = 0; d < no; d++) {
      os[d] = size[letters.indexOf(o.charAt(d))];
      outSize *= os[d];
    }
    long inner = 1;
    for (int l = no; l < nl; l++) {
      inner *= size[l];
    }
    if (outSize * inner > 1L << 31) {
      throw new OpError(
          "equation '"
              + eq
              + "' needs "
              + outSize * inner
              + " products, too many for the general path");
    }
    // the output letters come first in `letters`, in the output's order: an odometer over all
    // letters (the last fastest) visits each output element's summed combinations in a row
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      x[i] = in[i].floats();
    }
    float[] y = new float[(int) outSize];
    int[] idx = new int[nl];
    int[] off = new int[n];
    long total = outSize * inner;
    double acc = 0;
    int e = 0;
    long s = 0;
    for (long c = 0; c < total; c++) {
      double p = 1;
      for (int i = 0; i < n; i++) {
        p *= x[i][off[i]];
      }
      acc += p;
      if (++s == inner) {
        y[e++] = (float) acc;
        acc = 0;
        s = 0;
      }
      for (int l = nl - 1; l >= 0; l--) {
        if (++idx[l] < size[l]) {
          for (int i = 0; i < n; i++) {
            off[i] += stride[i][l];
          }
          break;
        }
        idx[l] = 0;
        for (int i = 0; i < n; i++) {
          off[i] -= stride[i][l] * (size[l] - 1);
        }
      }
    }
    return new Tensor[] {Tensor.of(y, os)};
  }

  private static String ellLetters(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append((char) ('0' + i));
    }
    return sb.toString();
  }
}
