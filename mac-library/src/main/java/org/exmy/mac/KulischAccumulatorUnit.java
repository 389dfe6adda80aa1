package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.mux;
import static org.exmy.hdl.Hdl.zero;

import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Reg;
import org.exmy.hdl.Signal;

/**
 * The exact accumulator register {@code acc} and its adder, shaped for the Xilinx carry chain as
 * Yosys maps it. A carry-chain bit needs a LUT for its propagate input (S = A ^ B) and takes its
 * generate input (DI) straight from operand A, which Yosys picks as the narrower (then the simpler)
 * operand; an A that is a carry-chain output, a register or a constant costs nothing more, any
 * other A one more LUT per bit. Hence:
 *
 * <ul>
 *   <li>{@code io_valid} and {@code io_clear} act on the register's enable and synchronous clear
 *       (FDRE CE and R): {@code acc <= 0} when clearing without a product, {@code acc <= (clear ? 0
 *       : acc) + addend} when adding, else hold. The addend needs no valid gating.
 *   <li>{@link #addOnesComplement}: the low part (product bits) adds {@code clear ? 0 : acc} as A
 *       (one small LUT per bit for DI) so that each S LUT can absorb the last placement step of the
 *       product; the high part (guard and sign bits) adds the sign extension, a 1-bit signed
 *       operand that becomes A: DI = neg, no gating LUT.
 *   <li>{@link #addSigned}: the term (the dot core's lane sum or an integer product, both
 *       carry-chain outputs) is the narrower signed operand A; each S LUT takes the register bit,
 *       clear and the term bit.
 * </ul>
 *
 * <p>Hardware twin of {@link org.exmy.simulator.KulischAccumulator}; proof: {@code
 * KulischAccumulatorUnitTest} (testbenches).
 */
final class KulischAccumulatorUnit {
  private KulischAccumulatorUnit() {}

  /**
   * {@code acc <= (clear ? 0 : acc) + sext(neg, addend) + neg} when {@code use}; 0 on {@code clear}
   * without {@code use}; else unchanged. {@code addend} is the ones' complement magnitude (bits at
   * or above its width are {@code neg}).
   *
   * @return the register output
   */
  static Signal addOnesComplement(Component c, Expr clear, Expr use, Expr addend, Expr neg, int w) {
    int pb = addend.width();
    Reg acc = c.reg("acc", w).comment("exact accumulator (Kulisch), wraps modulo 2^" + w);
    Signal q = acc.q();
    int lo = Math.min(w, pb + 1);
    Signal loBase =
        c.wire(
            "acc_lo_base",
            mux(clear, zero(lo), q.slice(lo - 1, 0)),
            "low part: the product's bits and the first sign bit; clear ? 0 : acc is the carry chain's DI");
    Expr loAddend = lo > pb ? cat(neg, addend) : addend;
    // With a high part, one more bit: the carry into it.
    int ls = w > lo ? lo + 1 : lo;
    Signal loSum =
        c.wire(
            "acc_lo_sum",
            loBase.zext(ls).add(loAddend.zext(ls)).add(neg.zext(ls)),
            w > lo
                ? "+ neg completes the two's complement; bit "
                    + lo
                    + " is the carry into the high part"
                : "+ neg completes the two's complement");
    Expr next = w > lo ? loSum.slice(lo - 1, 0) : loSum;
    if (w > lo) {
      int hw = w - lo;
      Signal hiBase =
          c.wire(
              "acc_hi_base",
              mux(clear, zero(hw), q.slice(w - 1, lo)),
              "high part: guard and sign bits");
      Signal hiExt =
          c.wire(
              "acc_hi_ext",
              hiBase.addSigned(neg),
              "+ the sign extension (all ones when negative) as a 1-bit signed operand: DI = neg");
      Signal hiSum =
          c.wire("acc_hi_sum", hiExt.add(loSum.bit(lo).zext(hw)), "+ the carry from the low part");
      next = cat(hiSum, next);
    }
    acc.next(next).enable(use).clearWhen(clear.and(use.not()));
    return q;
  }

  /**
   * {@code acc <= (clear ? 0 : acc) + sext(term) + cin} when {@code use}; 0 on {@code clear}
   * without {@code use}; else unchanged. {@code term} is a two's complement value narrower than the
   * accumulator.
   *
   * @param cin a 1-bit carry-in, or null
   * @return the register output
   */
  static Signal addSigned(Component c, Expr clear, Expr use, Expr term, Expr cin, int w) {
    Reg acc = c.reg("acc", w).comment("exact accumulator (Kulisch), wraps modulo 2^" + w);
    Signal q = acc.q();
    Signal base = c.wire("acc_base", mux(clear, zero(w), q), "clear ? 0 : acc");
    Expr t = term.width() > w ? term.resize(w) : term;
    Signal sum =
        c.wire("acc_sum", t.addSigned(base), "the term is the narrower signed operand: DI = term");
    Expr next =
        cin == null
            ? sum
            : c.wire("acc_sum_cin", sum.add(cin.zext(w)), "+ the last lane's carry-in");
    acc.next(next).enable(use).clearWhen(clear.and(use.not()));
    return q;
  }
}
