package org.exmy.hdl.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM for the cache tests (CacheProcessesTest): loads multiplier models that differ only
 * in a comment (so each TAG is its own cache entry), checks that each computes products, and
 * reports on stdout what it built. Operations, in order:
 *
 * <ul>
 *   <li>{@code load:TAG}: load, check, close; prints {@code built TAG NAME} or {@code cached TAG
 *       NAME};
 *   <li>{@code hold:TAG}: the same but keeps the model open to the end; then prints {@code holding
 *       TAG};
 *   <li>{@code await:FILE}: waits (up to 5 minutes) until FILE exists.
 * </ul>
 *
 * Finally prints {@code runtime-builds N} and {@code shim-builds N}. Exit code 3 on a wrong
 * product.
 */
final class CacheWorker {
  private CacheWorker() {}

  static String source(String tag) {
    return "// cache test model " + tag + "\n" + Fixtures.MUL;
  }

  public static void main(String[] args) throws Exception {
    List<VerilatorSim> held = new ArrayList<>();
    for (String op : args) {
      String verb = op.substring(0, op.indexOf(':'));
      String arg = op.substring(op.indexOf(':') + 1);
      switch (verb) {
        case "load", "hold" -> {
          VerilatorSim sim = VerilatorSim.load(source(arg), "mul8", Fixtures.MUL_PORTS, null);
          boolean cached = VerilatorSim.lastLoadWasCached();
          Batch b = sim.newBatch(3);
          int[][] ab = {{3, 5}, {255, 255}, {17, arg.length()}};
          for (int[] x : ab) b.set("a", x[0]).set("b", x[1]).endStep();
          b.run();
          for (int i = 0; i < ab.length; i++) {
            if (b.get(i, "p") != (long) ab[i][0] * ab[i][1]) {
              System.out.println(
                  "wrong product " + ab[i][0] + "*" + ab[i][1] + " = " + b.get(i, "p"));
              System.exit(3);
            }
          }
          System.out.println(
              (cached ? "cached " : "built ")
                  + arg
                  + " "
                  + sim.library().getParent().getFileName());
          if (verb.equals("hold")) {
            held.add(sim);
            System.out.println("holding " + arg);
          } else {
            sim.close();
          }
        }
        case "await" -> {
          long until = System.nanoTime() + 300_000_000_000L;
          while (!Files.exists(Path.of(arg)) && System.nanoTime() < until) Thread.sleep(50);
        }
        default -> throw new IllegalArgumentException("unknown operation " + op);
      }
      System.out.flush();
    }
    for (VerilatorSim s : held) s.close();
    System.out.println("runtime-builds " + ModelBuilder.runtimeBuilds());
    System.out.println("shim-builds " + ModelBuilder.shimBuilds());
  }
}
