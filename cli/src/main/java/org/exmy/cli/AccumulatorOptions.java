package org.exmy.cli;

import org.exmy.simulator.AccumulatorChoice;
import org.exmy.simulator.FormatException;
import picocli.CommandLine.Option;

/**
 * The accumulator options, shared by every command that builds a core or measures accuracy with
 * one, so that the accuracy a format costs is measured with the very arithmetic of its core.
 */
final class AccumulatorOptions {
  @Option(
      names = "--acc",
      paramLabel = "KIND",
      description = {
        "Accumulator: exact (default: Kulisch, no rounding), fixed (narrowed fixed point, see "
            + "--acc-lsb, --acc-bits, --acc-round), or a rounding floating-point register: fp32, fp16, bf16 "
            + "or EeMm (E 2..10, M 1..50, IEEE bias, subnormals, inf), rounded to nearest even once per cycle."
      })
  String acc;

  @Option(
      names = "--acc-lsb",
      paramLabel = "E",
      description = {
        "Fixed accumulator: its LSB is 2^E, "
            + Limits.MIN_ACC_LSB
            + ".."
            + Limits.MAX_ACC_LSB
            + "; each product is rounded to it "
            + "(default: the exact product quantum). Implies --acc fixed."
      })
  Integer accLsb;

  @Option(
      names = "--acc-bits",
      paramLabel = "W",
      description = {
        "Fixed accumulator: W bits, 2..62, saturating (default: sized so that the terms "
            + "rounded products cannot overflow, wrapping like the exact one). Implies --acc fixed."
      })
  Integer accBits;

  /** How the fixed accumulator rounds each product. */
  enum Round {
    rne,
    floor
  }

  @Option(
      names = "--acc-round",
      paramLabel = "MODE",
      description = {
        "Fixed accumulator: rne (default: to nearest, ties to even) or floor (drop the bits).",
        "Implies --acc fixed."
      })
  Round accRound;

  /** The accumulator asked for (checked: one line, exit 2). */
  AccumulatorChoice choice() {
    if (accLsb != null) Limits.check("--acc-lsb", accLsb, Limits.MIN_ACC_LSB, Limits.MAX_ACC_LSB);
    if (accBits != null) Limits.check("--acc-bits", accBits, 2, 62);
    try {
      return AccumulatorChoice.of(
          acc, accLsb, accBits, accRound == null ? null : accRound != Round.floor);
    } catch (FormatException e) {
      if (acc != null && (accLsb != null || accBits != null || accRound != null)) {
        throw new UsageException(
            "--acc-lsb, --acc-bits and --acc-round set a fixed accumulator, not --acc " + acc);
      }
      throw new UsageException(
          "--acc: " + e.getMessage().replace("use exact,", "use exact, fixed,"));
    }
  }
}
