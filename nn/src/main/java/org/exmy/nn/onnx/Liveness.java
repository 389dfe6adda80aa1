package org.exmy.nn.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.exmy.nn.Model;

/**
 * The liveness pass of the loader: after which step each intermediate value is read for the last
 * time, so that the engine drops it there and a long network holds only the values still needed.
 */
final class Liveness {
  private Liveness() {}

  /**
   * {@code steps} with each step's release list set to the slots whose last reader it is; graph
   * inputs, graph outputs and constants are never released.
   *
   * @param slots the number of value slots
   * @param outSlots the graph outputs' slots
   * @param inputs the graph inputs' slots
   * @param isConst whether a slot holds a constant
   */
  static List<Model.Step> release(
      List<Model.Step> steps,
      int slots,
      int[] outSlots,
      List<Integer> inputs,
      IntPredicate isConst) {
    int[] last = new int[slots];
    Arrays.fill(last, -1);
    for (int i = 0; i < steps.size(); i++) {
      for (int s : steps.get(i).in()) {
        if (s >= 0) {
          last[s] = i;
        }
      }
    }
    for (int s : outSlots) {
      last[s] = -1;
    }
    List<List<Integer>> rel = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      rel.add(new ArrayList<>());
    }
    for (int s = 0; s < last.length; s++) {
      if (last[s] >= 0 && !isConst.test(s) && !inputs.contains(s)) {
        rel.get(last[s]).add(s);
      }
    }
    List<Model.Step> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Model.Step st = steps.get(i);
      out.add(
          new Model.Step(
              st.name(),
              st.opType(),
              st.op(),
              st.in(),
              st.out(),
              rel.get(i).stream().mapToInt(Integer::intValue).toArray()));
    }
    return out;
  }
}
