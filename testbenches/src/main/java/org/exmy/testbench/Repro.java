package org.exmy.testbench;

import java.nio.file.Path;

/**
 * A reproduction folder of a failed check (see {@link ReproWriter}) and what happened when exmy ran
 * it.
 *
 * @param folder the folder: the core's Verilog, {@code vectors.hex}, {@code tb.v}, {@code run.sh},
 *     {@code failure.txt}, and after a run {@code replay.log} and {@code wave.vcd}
 * @param ran true when exmy ran {@code run.sh} (Verilator and g++ were there)
 * @param reproduced true when that run showed the same first mismatch as the check: the same cycle
 *     and the same {@code io_acc}
 * @param note one line on the outcome, for people
 */
public record Repro(Path folder, boolean ran, boolean reproduced, String note) {
  @Override
  public String toString() {
    return "repro: " + folder + " (" + note + ")";
  }
}
