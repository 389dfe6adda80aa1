package org.exmy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.Callable;
import org.exmy.simulator.CoreSpec;
import org.exmy.testbench.FuzzConfig;
import org.exmy.testbench.Fuzzer;
import org.exmy.testbench.Repro;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    description = {
      "Prove random core configurations: formats, terms, lanes, pipelines.",
      "Draws --configs configurations from --seed: random format pairs (minifloats "
          + "of 3..8 bits with any bias, specials and subnormals; INT/UINT 2..8; named "
          + "formats; mixed pairs), terms 1..2^20 (mostly small), 1..8 or 16 lanes, and "
          + "no pipeline, a preset or random stages. Each configuration has its own seed, "
          + "printed: --replay SEED proves it again alone. Each must be clean under "
          + "verilator --lint-only -Wall, match the model on every operand pair and on "
          + "random accumulate sequences (with the wrap-around run), and pass the "
          + "worst-case sums against BigDecimal. Progress on stderr, a summary on stdout; "
          + "a failed check writes its reproduction folder under --failures.",
      "Exit code 1 when any configuration fails."
    })
final class FuzzCommand implements Callable<Integer> {
  static final int MAX_CONFIGS = 1_000_000;
  static final double MAX_MINUTES = 7 * 24 * 60;
  static final int MAX_JOBS = 64;

  @Spec CommandSpec spec;

  @Option(
      names = "--configs",
      paramLabel = "N",
      description = "Configurations to prove, 1.." + MAX_CONFIGS + " (default: 100).")
  Integer configs;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the campaign (default: 1).")
  Long seed;

  @Option(
      names = "--minutes",
      paramLabel = "M",
      description =
          "Start no configuration after M minutes (a decimal, at most " + (int) MAX_MINUTES + ").")
  Double minutes;

  @Option(
      names = "--replay",
      paramLabel = "SEED",
      split = ",",
      description =
          "Prove only these configurations, by the seeds the fuzzer printed (e.g. 0x3f2a9c0d11e4b7a5).")
  List<String> replay = new ArrayList<>();

  @Option(
      names = "--failures",
      paramLabel = "DIR",
      defaultValue = "build/failures",
      description =
          "Where a failed check writes its reproduction folder (default: ${DEFAULT-VALUE}).")
  Path failures;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Configurations proven at the same time, 1.."
              + FuzzCommand.MAX_JOBS
              + " (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Override
  public Integer call() {
    List<Long> seeds = new ArrayList<>();
    for (String s : replay) {
      try {
        seeds.add(FuzzConfig.parseSeed(s));
      } catch (NumberFormatException e) {
        throw new UsageException("--replay: " + e.getMessage());
      }
    }
    if (!seeds.isEmpty() && (configs != null || seed != null)) {
      throw new UsageException(
          "--replay proves the configurations it names; it takes no --configs or --seed");
    }
    int n =
        seeds.isEmpty()
            ? (int) Limits.check("--configs", configs == null ? 100 : configs, 1, MAX_CONFIGS)
            : seeds.size();
    if (minutes != null && !(minutes > 0 && minutes <= MAX_MINUTES)) {
      throw new UsageException(
          "--minutes must be more than 0 and at most " + (int) MAX_MINUTES + ", got " + minutes);
    }
    Limits.check("--jobs", jobs, 1, MAX_JOBS);
    VerifyCommand.failuresFolder(failures);
    VerifyCommand.requireVerilator();
    long master = seed == null ? 1 : seed;
    if (seeds.isEmpty()) {
      PrimitiveIterator.OfLong campaign = FuzzConfig.seeds(master);
      for (int i = 0; i < n; i++) seeds.add(campaign.nextLong());
    }
    PrintWriter out = spec.commandLine().getOut();
    Campaign c = new Campaign(seeds, spec.commandLine().getErr(), minutes);
    c.run(jobs);
    String from = replay.isEmpty() ? "from seed " + master : "replayed";
    out.printf(
        "fuzz: %d configuration%s %s in %.1f s: %d passed, %d failed, %d vectors compared%n",
        c.done,
        c.done == 1 ? "" : "s",
        from,
        c.seconds,
        c.done - c.failed.size(),
        c.failed.size(),
        c.vectors);
    if (c.done < n) {
      out.printf(
          "fuzz: stopped after %s minutes (--minutes): %d of %d configurations%n",
          minutes, c.done, n);
    }
    out.println("fuzz: covered " + c.coverage);
    if (!c.failed.isEmpty()) {
      out.println(
          "fuzz: failures by kind: "
              + c.kinds.entrySet().stream()
                  .map(e -> e.getKey() + " x" + e.getValue())
                  .collect(java.util.stream.Collectors.joining(", ")));
    }
    for (Fuzzer.Outcome o : c.failed) {
      out.println("FAIL " + o.config().describe() + " (" + o.module() + ")");
      for (String f : o.failures()) out.println("  " + f.lines().findFirst().orElse(""));
      for (Repro r : o.repros()) out.println("  " + r);
      out.println("  re-run: exmy fuzz --replay " + FuzzConfig.seedText(o.config().seed()));
    }
    out.flush();
    return c.failed.isEmpty() ? 0 : Main.EXIT_FAILURE;
  }

  /**
   * One campaign: {@code jobs} threads take the next configuration until all are proven or the time
   * is up, and report each on stderr as it finishes.
   */
  final class Campaign {
    private final List<Long> seeds;
    private final PrintWriter err;
    private final long deadline;
    private final long t0 = System.nanoTime();
    private int next;
    int done;
    long vectors;
    double seconds;
    final List<Fuzzer.Outcome> failed = new ArrayList<>();
    final java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    final Coverage coverage = new Coverage();
    private RuntimeException abort;

    Campaign(List<Long> seeds, PrintWriter err, Double minutes) {
      this.seeds = seeds;
      this.err = err;
      this.deadline = minutes == null ? Long.MAX_VALUE : t0 + (long) (minutes * 60e9);
    }

    void run(int jobs) {
      List<Thread> threads = new ArrayList<>();
      for (int j = 0; j < Math.min(jobs, seeds.size()); j++) {
        Thread t = new Thread(this::work, "exmy-fuzz-" + j);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.exmy.hdl.sim.ToolInterruptedException("interrupted");
        }
      }
      seconds = (System.nanoTime() - t0) / 1e9;
      if (abort != null) throw abort;
      failed.sort(java.util.Comparator.comparingInt(o -> seeds.indexOf(o.config().seed())));
    }

    private synchronized int take() {
      if (abort != null || next >= seeds.size() || System.nanoTime() >= deadline) return -1;
      return next++;
    }

    private void work() {
      for (int i = take(); i >= 0; i = take()) {
        try {
          FuzzConfig config = FuzzConfig.draw(seeds.get(i));
          report(config, Fuzzer.prove(config, failures));
        } catch (RuntimeException e) {
          synchronized (this) {
            if (abort == null) abort = e;
          }
          return;
        }
      }
    }

    private synchronized void report(FuzzConfig config, Fuzzer.Outcome o) {
      done++;
      vectors += o.vectors();
      coverage.add(config.spec());
      String head = String.format("fuzz: [%d/%d] %s: ", done, seeds.size(), config.describe());
      if (o.passed()) {
        err.printf("%sok, %d vectors, %.1f s%n", head, o.vectors(), o.seconds());
      } else {
        failed.add(o);
        for (String f : o.failures()) kinds.merge(kind(f), 1, Integer::sum);
        err.println(head + "FAIL");
        for (String f : o.failures()) err.println("  " + f.replace("\n", "\n  "));
      }
      err.flush();
    }
  }

  /** A failure's kind for the summary: the lint warnings, the check that failed, or the error. */
  static String kind(String failure) {
    if (failure.startsWith("verilator --lint-only")) {
      java.util.Set<String> codes = new java.util.TreeSet<>();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("%(?:Warning|Error)-([A-Z0-9_]+)").matcher(failure);
      while (m.find()) codes.add(m.group(1));
      return "lint " + String.join("+", codes);
    }
    if (failure.startsWith("error: ")) return failure.split("[:\\n]", 3)[1].strip().split(" ")[0];
    String first = failure.lines().findFirst().orElse("");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^\\S+ (.+?)(?: \\(|:)").matcher(first);
    return m.find() ? m.group(1) : first;
  }

  /** What a campaign covered, in one line. */
  static final class Coverage {
    int mixed;
    int ints;
    int dots;
    int pipelined;
    int dsp;
    int flagged;
    int minTerms = Integer.MAX_VALUE;
    int maxTerms;

    void add(CoreSpec s) {
      if (!s.a().equals(s.b())) mixed++;
      if (s.a() instanceof org.exmy.simulator.IntFormat
          || s.b() instanceof org.exmy.simulator.IntFormat) ints++;
      if (s.lanes() > 1) dots++;
      if (!s.pipeline().isFlat()) pipelined++;
      if (s.dsp()) dsp++;
      if (s.hasNanFlag()) flagged++;
      minTerms = Math.min(minTerms, s.terms());
      maxTerms = Math.max(maxTerms, s.terms());
    }

    @Override
    public String toString() {
      return mixed
          + " mixed pairs, "
          + ints
          + " with an integer operand, "
          + flagged
          + " with NaN/inf flags, "
          + dots
          + " dot-product cores, "
          + pipelined
          + " pipelined, "
          + dsp
          + " with DSP multiplies, terms "
          + minTerms
          + ".."
          + maxTerms;
    }
  }
}
