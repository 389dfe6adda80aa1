package org.exmy.dse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.exmy.base.AtomicWrite;
import org.exmy.base.ToolException;
import org.exmy.base.ToolRun;

/**
 * A sweep as SLURM jobs: a job array whose task {@code I} of {@code N} runs {@code exmy sweep ...
 * --shard I/N} into the shared result cache, and a collect job, submitted with {@code
 * --dependency=afterok:<array>}, that assembles {@code points.csv}, {@code pareto.csv}, the plots
 * and the report from the cache ({@code exmy sweep ... --collect}). Written as two plain {@code
 * sbatch} scripts, so that they can be read, edited and submitted by hand; {@link #submit} does
 * what {@code --submit} does. A failed task is submitted again alone with {@code sbatch --array=I}
 * (its finished stages stay in the cache), then the collect job.
 *
 * <p>The Verilator model cache ({@code EXMY_CACHE}, which relies on file locks) is per node: {@code
 * $EXMY_NODE_CACHE}, else {@code $TMPDIR/exmy-cache-$USER} (or {@code /tmp/...}). The result cache
 * ({@code --cache}) is the one shared folder, safe on NFS ({@link ResultCache}).
 */
public final class SlurmJobs {
  /** The array script's file name in the output folder. */
  public static final String ARRAY_SCRIPT = "sweep-array.sbatch";

  /** The collect script's file name. */
  public static final String COLLECT_SCRIPT = "sweep-collect.sbatch";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%^-]+");
  private static final Pattern SLURM_WORD = Pattern.compile("[A-Za-z0-9_.,:+-]+");

  private SlurmJobs() {}

  /**
   * The jobs' settings.
   *
   * @param partition {@code --partition} (null: the cluster's default)
   * @param time {@code --time} of each task (null: the partition's default)
   * @param cpus {@code --cpus-per-task}, also each shard's {@code --jobs} unless the sweep sets it
   * @param arraySize tasks of the array, the N of {@code --shard I/N}
   */
  public record Options(String partition, String time, int cpus, int arraySize) {
    /** Checks the values (one-line messages). */
    public Options {
      if (arraySize < 1 || arraySize > 10_000) {
        throw new IllegalArgumentException("--array-size must be 1..10000, got " + arraySize);
      }
      if (cpus < 1 || cpus > 1024)
        throw new IllegalArgumentException("--cpus must be 1..1024, got " + cpus);
      if (partition != null && !SLURM_WORD.matcher(partition).matches()) {
        throw new IllegalArgumentException(
            "--partition must be a SLURM partition name, got '" + partition + "'");
      }
      if (time != null && !time.matches("\\d+(-\\d+)?(:\\d+){0,2}")) {
        throw new IllegalArgumentException(
            "--time must be SLURM's MM, HH:MM:SS or D-HH[:MM[:SS]], got '" + time + "'");
      }
    }
  }

  /**
   * What the jobs run.
   *
   * @param exmy the command that starts exmy on a node (java, its options, class path, main class)
   * @param sweepArgs the sweep's own arguments, without {@code -o}, {@code --cache}, {@code
   *     --shard} and the SLURM options
   * @param userJobs true when {@code sweepArgs} set {@code --jobs} (else each shard gets {@code
   *     --jobs $SLURM_CPUS_PER_TASK})
   * @param out the output folder (absolute): report, scripts, the tasks' logs
   * @param cache the shared result cache (absolute)
   * @param workDir the folder the jobs start in (absolute)
   */
  public record Sweep(
      List<String> exmy,
      List<String> sweepArgs,
      boolean userJobs,
      Path out,
      Path cache,
      Path workDir) {}

  /** The two scripts written, and the commands that submit them by hand. */
  public record Scripts(Path array, Path collect, Path logs) {}

  /** The job ids {@code sbatch --parsable} gave. */
  public record Submitted(String arrayJob, String collectJob) {}

  /**
   * Writes {@value #ARRAY_SCRIPT} and {@value #COLLECT_SCRIPT} into {@code out/slurm}.
   *
   * @throws IllegalArgumentException for an output or start folder with a blank or {@code %}
   * @throws UncheckedIOException naming the file
   */
  public static Scripts write(Sweep s, Options o) {
    for (Path p : List.of(s.out(), s.workDir())) {
      if (!p.toString().matches("[^\\s%]+")) {
        throw new IllegalArgumentException(
            p + ": an #SBATCH line cannot hold a folder with a blank or %");
      }
    }
    Path dir = s.out().resolve("slurm");
    Scripts scripts =
        new Scripts(dir.resolve(ARRAY_SCRIPT), dir.resolve(COLLECT_SCRIPT), dir.resolve("logs"));
    write(scripts.array(), arrayScript(s, o, scripts));
    write(scripts.collect(), collectScript(s, o, scripts));
    try {
      java.nio.file.Files.createDirectories(
          scripts.logs()); // sbatch does not create the --output folder
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + scripts.logs() + ": " + e.getMessage(), e);
    }
    return scripts;
  }

  private static void write(Path f, String text) {
    try {
      AtomicWrite.write(f, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }

  /** The job-array script: task I runs shard I/N. */
  static String arrayScript(Sweep s, Options o, Scripts where) {
    int n = o.arraySize();
    StringBuilder sb =
        header(
            "exmy sweep as a SLURM job array: task I of "
                + n
                + " computes shard I/"
                + n
                + " of the sweep's stages into the shared result cache "
                + s.cache()
                + ".",
            where);
    sb.append("#SBATCH --job-name=exmy-sweep\n");
    sb.append("#SBATCH --array=0-").append(n - 1).append('\n');
    options(sb, o, o.cpus());
    sb.append("#SBATCH --output=").append(where.logs().resolve("shard-%a.out")).append('\n');
    body(sb, s);
    List<String> cmd = new ArrayList<>(command(s));
    sb.append(join(cmd));
    if (!s.userJobs()) sb.append(" --jobs \"${SLURM_CPUS_PER_TASK:-1}\"");
    sb.append(" --shard \"${SLURM_ARRAY_TASK_ID}/").append(n).append("\"\n");
    return sb.toString();
  }

  /** The collect script: the report from the cache, nothing computed. */
  static String collectScript(Sweep s, Options o, Scripts where) {
    StringBuilder sb =
        header(
            "exmy sweep, collect job: assembles points.csv, pareto.csv, plots and report.html"
                + " in "
                + s.out()
                + " from the result cache "
                + s.cache()
                + ", computing nothing (exit 2, naming"
                + " how many stages are missing, when a shard did not finish).",
            where);
    sb.append("#SBATCH --job-name=exmy-collect\n");
    options(sb, o, 1);
    sb.append("#SBATCH --output=").append(where.logs().resolve("collect.out")).append('\n');
    body(sb, s);
    sb.append(join(command(s))).append(" --collect\n");
    return sb.toString();
  }

  private static StringBuilder header(String what, Scripts where) {
    StringBuilder sb = new StringBuilder("#!/bin/bash\n");
    sb.append("# ").append(what).append('\n');
    sb.append("# Written by exmy sweep --slurm. Submit both (what --submit does):\n");
    sb.append("#   array=$(sbatch --parsable ")
        .append(quote(where.array().toString()))
        .append(")\n");
    sb.append("#   sbatch --parsable --dependency=afterok:${array%%;*} ")
        .append(quote(where.collect().toString()))
        .append('\n');
    sb.append(
        "# A failed task I alone (its finished stages stay cached), then the collect job again:\n");
    sb.append("#   sbatch --array=I ").append(quote(where.array().toString())).append('\n');
    sb.append("#   sbatch ").append(quote(where.collect().toString())).append('\n');
    sb.append("# Progress: the same exmy sweep command with --status.\n");
    return sb;
  }

  private static void options(StringBuilder sb, Options o, int cpus) {
    sb.append("#SBATCH --cpus-per-task=").append(cpus).append('\n');
    if (o.partition() != null) sb.append("#SBATCH --partition=").append(o.partition()).append('\n');
    if (o.time() != null) sb.append("#SBATCH --time=").append(o.time()).append('\n');
  }

  private static void body(StringBuilder sb, Sweep s) {
    sb.append("#SBATCH --chdir=").append(s.workDir()).append('\n');
    sb.append("set -euo pipefail\n");
    sb.append(
        "# Verilator models: a cache per node (it uses file locks); results: the shared --cache\n");
    sb.append("export EXMY_CACHE=\"${EXMY_NODE_CACHE:-${TMPDIR:-/tmp}/exmy-cache-$(id -un)}\"\n");
  }

  private static List<String> command(Sweep s) {
    List<String> cmd = new ArrayList<>(s.exmy());
    cmd.add("sweep");
    cmd.addAll(s.sweepArgs());
    cmd.addAll(List.of("-o", s.out().toString(), "--cache", s.cache().toString()));
    return cmd;
  }

  private static String join(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(quote(w));
    }
    return sb.toString();
  }

  /** A word for bash: as it is when plain, else in single quotes. */
  static String quote(String w) {
    if (!w.isEmpty() && PLAIN.matcher(w).matches()) return w;
    return "'" + w.replace("'", "'\\''") + "'";
  }

  /**
   * Submits the array, then the collect job after it ({@code sbatch --parsable}, {@code
   * --dependency=afterok:<array>}).
   *
   * @param sbatch the sbatch command ({@code sbatch}, or a path)
   * @throws IllegalStateException one line: sbatch missing, refusing (its message), or timing out
   */
  public static Submitted submit(Scripts scripts, String sbatch) {
    String array = sbatch(List.of(sbatch, "--parsable", scripts.array().toString()));
    String collect =
        sbatch(
            List.of(
                sbatch,
                "--parsable",
                "--dependency=afterok:" + array,
                scripts.collect().toString()));
    return new Submitted(array, collect);
  }

  /**
   * Runs sbatch; returns the job id ({@code --parsable} prints {@code id} or {@code id;cluster}).
   */
  private static String sbatch(List<String> cmd) {
    ToolRun.Result r;
    try {
      r = ToolRun.of(cmd).timeout(Duration.ofSeconds(120)).run();
    } catch (ToolException e) {
      throw new IllegalStateException(
          e.kind() == ToolException.Kind.CANNOT_START
              ? "cannot run " + cmd.get(0) + " (is this a SLURM login node?): " + e.reason()
              : e.getMessage(),
          e);
    }
    String out = r.output().strip();
    String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("").strip();
    String id = last.contains(";") ? last.substring(0, last.indexOf(';')) : last;
    if (r.exitCode() != 0 || !id.matches("\\d+")) {
      throw new IllegalStateException(
          String.join(" ", cmd)
              + " failed (exit "
              + r.exitCode()
              + "): "
              + out.replaceAll("\\s*\\R\\s*", "; "));
    }
    return id;
  }
}
