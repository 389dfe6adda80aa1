package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Signal;
import org.exmy.simulator.IntFormat;

/**
 * Integer x integer product as radix-4 Booth rows summed by a chain of adders, shaped so that each
 * row folds into the S LUTs of the carry chain that adds it:
 *
 * <ol>
 *   <li>the narrower operand y is recoded into digits {@code d_i in {-2..2}} from its bits (2i+1,
 *       2i, 2i-1); row i = {@code d_i * x} in ones' complement, each bit a function of five inputs
 *       (two bits of x, three of y);
 *   <li>sum0 = row 0, sum<i> = sum<i-1> + row i shifted by 2i: the running sum (a carry-chain
 *       output) is the chain's DI at no cost, and each S LUT takes the running-sum bit and the five
 *       inputs of the row bit;
 *   <li>the ones' complement +1 of each row sits in a bit that is 0 anyway: row 0's is sum0's
 *       carry-in, row i's (0 &lt; i &lt; last) a low bit of row i+1, the last row's a bit of sum0's
 *       other operand.
 * </ol>
 *
 * An 8 x 8 bit multiply-accumulate costs 67 LUTs this way against 207 with Yosys' soft multiplier
 * (mac-library/QOR.md).
 */
final class BoothProduct {
  private BoothProduct() {}

  /**
   * The exact two's complement product of {@code a} and {@code b}, at least {@code minWidth} bits
   * and at most {@code maxWidth} (modulo 2^width when capped); wires are named {@code <p>booth...}.
   */
  static Signal product(
      Component c,
      String p,
      Signal a,
      IntFormat af,
      Signal b,
      IntFormat bf,
      int minWidth,
      int maxWidth) {
    return product(c, p, a, af.signed(), b, bf.signed(), minWidth, maxWidth);
  }

  /** As above for two bit vectors, each two's complement ({@code signed}) or unsigned. */
  static Signal product(
      Component c,
      String p,
      Expr a,
      boolean aSigned,
      Expr b,
      boolean bSigned,
      int minWidth,
      int maxWidth) {
    // y: the recoded operand (fewer digits), x: the multiplicand.
    boolean swap = digits(a.width(), aSigned) < digits(b.width(), bSigned);
    Expr x = swap ? b : a;
    boolean xSigned = swap ? bSigned : aSigned;
    Expr y = swap ? a : b;
    boolean ySigned = swap ? aSigned : bSigned;
    int n = x.width();
    int k = digits(y.width(), ySigned);
    // x as an (n+1)-bit two's complement number, y as a 2k-bit one.
    Expr xe = xSigned ? x.sext(n + 1) : x.zext(n + 1);
    Signal xw =
        c.wire(p + "booth_x", xe, "Booth multiplicand, " + (n + 1) + "-bit two's complement");
    Expr ye = ySigned ? y.sext(2 * k) : y.zext(2 * k);
    Signal yw =
        c.wire(
            p + "booth_y",
            ye,
            "Booth multiplier, " + k + " radix-4 digits from bits (2i+1, 2i, 2i-1)");
    Signal[] ones = new Signal[k];
    Signal[] twos = new Signal[k];
    Signal[] negs = new Signal[k];
    for (int i = 0; i < k; i++) {
      Expr g2 = yw.bit(2 * i + 1);
      Expr g1 = yw.bit(2 * i);
      Expr g0 = i == 0 ? zero(1) : yw.bit(2 * i - 1);
      String d = p + "booth" + i;
      ones[i] = c.wire(d + "_one", g1.xor(g0), i == 0 ? "digit i: |d| = 1, |d| = 2, d < 0" : null);
      twos[i] = c.wire(d + "_two", g2.and(g1.not()).and(g0.not()).or(g2.not().and(g1).and(g0)));
      negs[i] = c.wire(d + "_neg", g2.and(g1.and(g0).not()));
    }
    // sum0 = row 0 + the last row's +1 (bit 2(k-1) of the other operand, which is otherwise 0 and
    // so
    // a free DI) + row 0's +1 (carry-in); the row folds into the S LUTs.
    int w0 = Math.min(n + 3, maxWidth);
    Expr sum0 = fit(row(c, p, 0, xw, ones[0], twos[0], negs[0], Math.min(n + 2, w0)), w0);
    if (k > 1) sum0 = sum0.add(cat(negs[k - 1], zero(2 * (k - 1))).zext(w0));
    Signal chain =
        c.wire(
            p + "booth_sum0",
            sum0.add(negs[0].zext(w0)),
            "running sums of the rows (sum<i> = rows 0..i), one carry chain each");
    for (int i = 1; i < k; i++) {
      int wi =
          Math.min(i < k - 1 ? n + 2 * i + 3 : Math.max(minWidth, chain.width() + 1), maxWidth);
      // Row i at bit 2i; below it row i-1's +1 at bit 2(i-1) (row 0's is sum0's carry-in). The
      // running sum must be the carry chain's DI operand: Yosys takes the narrower one, then the
      // one in
      // fewer pieces. For sum1 both are in three pieces, so it adds as signed values (sum0
      // narrower);
      // later sums add as unsigned sign-extended values (the row, with its +1 bit, is in more
      // pieces),
      // which also keeps Yosys from merging the chain into one multi-operand adder.
      Expr low = i == 1 ? zero(2) : cat(zero(1), negs[i - 1], zero(2 * (i - 1)));
      Signal rowI = row(c, p, i, xw, ones[i], twos[i], negs[i], Math.min(n + 2, wi - low.width()));
      int ext = wi - rowI.width() - low.width();
      Expr row = ext >= 0 ? cat(rowI.sext(rowI.width() + ext), low) : cat(rowI, low).resize(wi);
      Expr s = i == 1 ? fit(chain, wi).addSigned(row) : fit(chain, wi).add(row);
      chain = c.wire(p + "booth_sum" + i, s);
    }
    return chain.width() < minWidth ? c.wire(p + "booth_prod", chain.sext(minWidth)) : chain;
  }

  /**
   * Row i = d_i * x in ones' complement (the +1 is added elsewhere), its low {@code width} bits (at
   * most n + 2: the bits the chain uses), as wire {@code <p>booth<i>_row}.
   */
  private static Signal row(
      Component c, String p, int i, Signal xw, Expr one, Expr two, Expr neg, int width) {
    int n = xw.width() - 1;
    Expr mag = mux(one, xw.sext(n + 2), zero(n + 2)).or(mux(two, xw.shl(1), zero(n + 2)));
    Expr r = mux(neg, mag.not(), mag);
    return c.wire(
        p + "booth" + i + "_row",
        width < n + 2 ? r.resize(width) : r,
        i == 0
            ? "row i = d_i * x, ones' complement when d_i < 0 (the +1 is added elsewhere)"
            : null);
  }

  /** Sign-extended or truncated (modulo 2^w) to w bits. */
  private static Expr fit(Expr e, int w) {
    return e.width() > w ? e.resize(w) : e.sext(w);
  }

  /**
   * Radix-4 digits of a recoded operand: its bits (one more if unsigned, for the 0 sign), halved
   * up.
   */
  private static int digits(int width, boolean signed) {
    int bits = width + (signed ? 0 : 1);
    return (bits + 1) / 2;
  }
}
