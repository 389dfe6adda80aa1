package org.exmy.mac;

import static org.exmy.hdl.Hdl.cat;
import static org.exmy.hdl.Hdl.lit;
import static org.exmy.hdl.Hdl.mux;

import java.util.ArrayList;
import java.util.List;
import org.exmy.hdl.Component;
import org.exmy.hdl.Expr;
import org.exmy.hdl.Hdl;
import org.exmy.hdl.Signal;

/**
 * Puts the exact product of two decoded operands at its place in the Kulisch accumulator, as a
 * ones' complement addend (the caller adds {@code neg} as the carry-in that completes the two's
 * complement). The placement is chunked, as in FloPoCo's large accumulator:
 *
 * <ol>
 *   <li>multiply the significands ({@code prod_sig}); with {@link Plan#preShift()} the narrower
 *       significand is first moved by bit 0 of the shift, so the multiplier does the first fine
 *       step for one more partial-product row;
 *   <li>fine shift by the shift modulo the chunk size {@code C} ({@code prod_fine}: a mux of at
 *       most four inputs per bit after a pre-shift by one of eight, one LUT6);
 *   <li>coarse placement by the shift divided by {@code C}, one-hot ({@code prod_at<j>}): because
 *       {@code C >= product width - 1}, every accumulator bit can receive at most two bits of the
 *       fine-shifted product, so a bit of the addend is {@code neg ^ (at_j & fine[k] | at_j-1 &
 *       fine[k + C])}: five inputs, which Yosys/ABC folds with the accumulator bit and its clear
 *       gating into the one LUT6 that feeds the carry chain.
 * </ol>
 *
 * <p>Operand shifts are {@code max(exponent field, 1)}, one more than the effective exponent minus
 * one, so no subtractor is needed in the decoders; the placement drops that one position per float
 * operand ({@link Operand#offset()}).
 */
final class ProductPlacement {
  private ProductPlacement() {}

  /**
   * How products are placed.
   *
   * @param chunk the coarse step C, a power of two
   * @param preShift whether bit 0 of the shift is applied to a significand before the multiplier
   */
  record Plan(int chunk, boolean preShift) {
    /**
     * The plan for a significand product of {@code productWidth} bits and a shift of {@code
     * shiftWidth} bits (at least 2). C is the smallest power of two with {@code C >= productWidth -
     * 1} (so at most two product bits land on an accumulator bit), at most half the shift range (so
     * there are at least two coarse positions). The pre-shift is used where it was measured to pay
     * (Yosys 0.23, mac-library/QOR.md): where it turns an 8-way fine mux into a 4-way one (one
     * LUT6) and the coarse placement has at least four positions (E4M3, E5M2 and their variants),
     * and for products of at most 4 bits, where it leaves at most a 2-way fine mux (E2M1).
     */
    static Plan of(int productWidth, int shiftWidth) {
      int c = 2;
      while (c < productWidth - 1) c *= 2;
      c = Math.min(c, 1 << (shiftWidth - 1));
      int coarseBits = shiftWidth - Integer.numberOfTrailingZeros(c);
      boolean pre =
          (c == 8 && coarseBits >= 2 && productWidth >= 8) || (productWidth <= 4 && c <= 4);
      return new Plan(c, pre);
    }
  }

  /**
   * The significand product and the product's position, before placement: {@code |a*b| = sig *
   * 2^(shift - offset)} quanta (without the bit-0 pre-shift already applied to {@code sig} when
   * {@code plan.preShift()}), {@code |a*b| = sig} when {@code shift} is null (no exponents).
   *
   * @param maxShift the largest position that occurs
   */
  record Raw(Signal sig, Expr shift, Plan plan, int offset, int maxShift) {
    /** The same one cycle later, through registers {@code m_prod_sig}, {@code m_prod_shift}. */
    Raw register(Component c) {
      Signal s =
          Stages.reg(c, "m_prod_sig", sig, "multiply stage: the significand product waits here");
      if (shift == null || !plan.preShift()) {
        return new Raw(s, Stages.regOrNull(c, "m_prod_shift", shift), plan, offset, maxShift);
      }
      // bit 0 of the position is already in the pre-shifted product: only the rest waits
      Signal hi = Stages.reg(c, "m_prod_shift_hi", shift.slice(shift.width() - 1, 1), null);
      return new Raw(s, Hdl.cat(hi, lit(0, 1)), plan, offset, maxShift);
    }
  }

  /**
   * Step 1: the significands multiplied (the narrower one pre-shifted by bit 0 of the position when
   * the plan says so) and the product's position. Wires {@code <p>prod_sig}, {@code <p>prod_shift}.
   *
   * @param zero when not null, forces the magnitude to 0 (a NaN or infinite product in a dot lane)
   * @param productBits the bits a product can reach in units of the accumulator LSB
   * @param dsp the significands multiplied by Yosys' {@code *} (for DSP blocks), never Booth rows
   */
  static Raw multiply(
      Component c, String p, Operand a, Operand b, Expr zero, int productBits, boolean dsp) {
    Expr sa = a.shift();
    Expr sb = b.shift();
    int offset = a.offset() + b.offset();
    // The narrower significand takes the pre-shift (and the zero forcing).
    boolean swap = b.sig().width() < a.sig().width();
    Expr x = swap ? b.sig() : a.sig();
    Expr y = swap ? a.sig() : b.sig();
    if (zero != null) {
      x =
          c.wire(
              p + "prod_sig_" + (swap ? "b" : "a"),
              mux(zero, Hdl.zero(x.width()), x),
              "NaN and infinite products add nothing");
    }
    int pw = x.width() + y.width();
    boolean star = zero != null || dsp; // Yosys' multiplier, not Booth rows
    if (sa == null && sb == null) {
      // |a*b| never reaches its top bits when productBits is smaller: only productBits are kept.
      return new Raw(
          multiply(
              c,
              p,
              x,
              y,
              star,
              Math.min(pw, productBits),
              "significand product = |a*b| (no exponents)"),
          null,
          null,
          0,
          0);
    }
    Signal sh;
    int maxShift;
    if (sa != null && sb != null) {
      int sw = Math.max(sa.width(), sb.width()) + 1;
      sh =
          c.wire(
              p + "prod_shift",
              sa.zext(sw).add(sb.zext(sw)),
              "the product's position: a's shift + b's shift, " + offset + " too high");
      maxShift = (1 << sa.width()) - 1 + (1 << sb.width()) - 1;
    } else {
      sh =
          c.wire(
              p + "prod_shift",
              sa != null ? sa : sb,
              "the product's position, " + offset + " too high");
      maxShift = (1 << sh.width()) - 1;
    }
    Plan plan = Plan.of(pw, sh.width());
    if (!plan.preShift()) {
      return new Raw(
          multiply(c, p, x, y, star, pw, "significand product"), sh, plan, offset, maxShift);
    }
    Signal x1 =
        c.wire(
            p + "prod_pre",
            mux(sh.bit(0), x.shl(1), x.zext(x.width() + 1)),
            "pre-shift by bit 0 of the position: the multiplier does the first fine step");
    return new Raw(
        multiply(
            c,
            p,
            x1,
            y,
            star,
            x1.width() + y.width(),
            "significand product, moved by bit 0 of the position"),
        sh,
        plan,
        offset,
        maxShift);
  }

  /**
   * Step 2: the product placed at its position, ones' complement when {@code neg} (wire {@code
   * <p>addend}, {@code productBits} wide).
   */
  static Signal place(Component c, String p, Raw raw, Expr neg, int productBits) {
    Signal psig = raw.sig();
    if (raw.shift() == null) {
      int pw = psig.width();
      return bits(
          c,
          p,
          neg,
          productBits,
          i -> i < pw ? psig.bit(i) : null,
          "ones' complement when negative");
    }
    Expr sh = raw.shift();
    Plan plan = raw.plan();
    int offset = raw.offset();
    int cc = plan.chunk();
    int lc = Integer.numberOfTrailingZeros(cc);
    // the product's width before any pre-shift
    int tw = psig.width() - (plan.preShift() ? 1 : 0) + cc - 1;
    Signal fine;
    if (plan.preShift()) {
      // With C = 2 the pre-shift is the whole fine shift.
      fine =
          lc == 1
              ? psig
              : c.wire(
                  p + "prod_fine",
                  psig.shl(cat(sh.slice(lc - 1, 1), lit(0, 1)), tw),
                  "fine shift: the rest of the position modulo " + cc);
    } else {
      fine =
          c.wire(
              p + "prod_fine",
              psig.shl(sh.slice(lc - 1, 0), tw),
              "fine shift: the position modulo " + cc);
    }
    // Coarse positions that can occur: position div C from 0 to maxShift div C.
    int positions = Math.min(raw.maxShift() / cc + 1, 1 << (sh.width() - lc));
    List<Signal> at = new ArrayList<>();
    Expr q = sh.slice(sh.width() - 1, lc);
    for (int j = 0; j < positions; j++) {
      // A position whose fine bits all fall outside the product bits (an exponent that only NaN or
      // inf codes have) is never used.
      boolean used = j * cc <= productBits - 1 + offset && j * cc + tw - 1 >= offset;
      at.add(
          !used
              ? null
              : c.wire(
                  p + "prod_at" + j,
                  q.eq(j),
                  j == 0 ? "coarse position (position div " + cc + "), one-hot" : null));
    }
    Signal fineF = fine;
    return bits(
        c,
        p,
        neg,
        productBits,
        i -> {
          int s = i + offset;
          Expr or = null;
          for (int j = 0; j < positions; j++) {
            int k = s - j * cc;
            if (k < 0 || k >= tw) continue;
            Expr term = at.get(j).and(fineF.bit(k));
            or = or == null ? term : or.or(term);
          }
          return or;
        },
        "placed product, ones' complement when negative: bit i = neg ^ OR_j (at_j & fine[i + "
            + offset
            + " - "
            + cc
            + "j])");
  }

  /**
   * The unsigned product {@code x * y}, its low {@code width} bits, as wire {@code <p>prod_sig}:
   * from Booth rows (BoothProduct) from 9 product bits up (5 x 4 and larger), else Yosys'
   * multiplier; also Yosys' multiplier ({@code star}) when an operand was forced to 0 (a dot lane
   * of a format with NaN or inf) or the core's multiplies are for DSP blocks. Both choices were
   * measured (QOR.md).
   */
  private static Signal multiply(
      Component c, String p, Expr x, Expr y, boolean star, int width, String comment) {
    int w = x.width() + y.width();
    Expr prod =
        w >= 9 && !star
            ? BoothProduct.product(c, p, x, false, y, false, width, width)
            : x.mul(y).resize(width);
    return c.wire(p + "prod_sig", prod, comment);
  }

  private interface BitSource {
    /** The magnitude bit i, or null when it is always 0. */
    Expr bit(int i);
  }

  private static Signal bits(
      Component c, String p, Expr neg, int width, BitSource src, String comment) {
    Expr[] parts = new Expr[width];
    for (int i = 0; i < width; i++) {
      Expr m = src.bit(i);
      parts[width - 1 - i] = m == null ? neg : neg.xor(m);
    }
    return c.wire(p + "addend", cat(parts), comment);
  }
}
