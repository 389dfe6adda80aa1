package org.exmy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exmy.base.ToolRun;
import org.exmy.hdl.sim.ModelCache;
import org.exmy.testsupport.RequireTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exmy sweep --slurm --submit} on a real SLURM: a one-node cluster (this machine, 2 CPUs)
 * that the test starts itself, with its own munge key, sockets, ports, state and pid files in a
 * temporary folder (nothing system-wide is touched), and stops again, also when it fails. The sweep
 * runs as a 4-task job array plus the dependent collect job; its collected {@code points.csv} must
 * equal the same sweep run in one process.
 *
 * <p>Needs Debian's {@code slurmctld slurmd slurm-client munge} ({@code ./setup.sh} installs them;
 * missing, the test fails naming them unless {@code EXMY_SKIP_TOOLS=1}) and root (the daemons run
 * as {@code SlurmUser=root}; as another user it is skipped, saying so). About 1-2 minutes on 2
 * cores.
 */
class SlurmClusterTest {

  /** The sweep: 3 formats, proof (1 random sequence) and accuracy on 100 images, no synthesis. */
  private static final String[] SWEEP = {
    "--formats", "E2M1,INT4,E2M3", "--no-synth", "--sequences", "1", "--limit", "100"
  };

  @Test
  void aSweepAsAFourTaskArrayCollectsWhatOneProcessComputes(@TempDir Path dir) throws Exception {
    RequireTools.slurm();
    String uid = ToolRun.of(List.of("id", "-u")).run().output().strip();
    Assumptions.assumeTrue(
        uid.equals("0"),
        "SLURM cluster test skipped: it starts slurmd and slurmctld as root"
            + " (SlurmUser=root), and this is uid "
            + uid);
    RequireTools.verilatorBackend();
    RequireTools.fashionMnist();

    try (OneNodeCluster cluster = OneNodeCluster.start(dir.resolve("slurm"))) {
      Path out = dir.resolve("cluster-out");
      Path cache = dir.resolve("shared-cache");
      List<String> args = new ArrayList<>(List.of("sweep"));
      args.addAll(List.of(SWEEP));
      args.addAll(
          List.of(
              "-o",
              out.toString(),
              "--cache",
              cache.toString(),
              "--slurm",
              "--array-size",
              "4",
              "--cpus",
              "1",
              "--submit"));
      SweepCommandTest.Run submitted;
      System.setProperty("exmy.sbatch", cluster.sbatch().toString());
      try {
        submitted = SweepCommandTest.run(args.toArray(String[]::new));
      } finally {
        System.clearProperty("exmy.sbatch");
      }
      assertEquals(0, submitted.exit(), submitted.out() + submitted.err());
      Matcher m =
          Pattern.compile("submitted array job (\\d+) \\(4 tasks\\) and collect job (\\d+)")
              .matcher(submitted.out());
      assertTrue(m.find(), submitted.out());
      String array = m.group(1);
      String collect = m.group(2);

      cluster.awaitDone(List.of(array, collect), Duration.ofMinutes(8));
      Path logs = out.resolve("slurm").resolve("logs");
      String collectLog =
          Files.exists(logs.resolve("collect.out"))
              ? Files.readString(logs.resolve("collect.out"))
              : "(no collect.out)";
      assertEquals("COMPLETED", cluster.state(collect), "collect job; its log:\n" + collectLog);
      for (int t = 0; t < 4; t++) {
        assertEquals("COMPLETED", cluster.state(array + "_" + t), "task " + t);
        String log = Files.readString(logs.resolve("shard-" + t + ".out"));
        assertTrue(log.contains("shard " + t + "/4: "), log);
      }
      assertTrue(collectLog.contains("3 points, 6 stages (6 from the cache)"), collectLog);

      // the same sweep in one process, with a cache of its own
      List<String> local = new ArrayList<>(List.of("sweep"));
      local.addAll(List.of(SWEEP));
      local.addAll(
          List.of(
              "-o",
              dir.resolve("local-out").toString(),
              "--cache",
              dir.resolve("local-cache").toString()));
      SweepCommandTest.Run one = SweepCommandTest.run(local.toArray(String[]::new));
      assertEquals(0, one.exit(), one.out() + one.err());
      assertEquals(
          withoutTiming(dir.resolve("local-out").resolve("points.csv")),
          withoutTiming(out.resolve("points.csv")),
          "points.csv of the cluster = of one process");
      assertEquals(
          Files.readAllLines(dir.resolve("local-out").resolve("pareto.csv")),
          Files.readAllLines(out.resolve("pareto.csv")));
    }
  }

  /** The CSV's lines without its timing columns (a name with "seconds" or "time"); none today. */
  static List<String> withoutTiming(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] head = lines.get(0).split(",", -1);
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < head.length; i++) {
      if (!head[i].contains("seconds") && !head[i].contains("time")) keep.add(i);
    }
    List<String> outLines = new ArrayList<>();
    for (String l : lines) {
      String[] f = l.split(",", -1);
      outLines.add(String.join(",", keep.stream().map(i -> i < f.length ? f[i] : "").toList()));
    }
    assertTrue(outLines.size() > 1, csv + " has rows");
    return outLines;
  }

  /**
   * munged, slurmctld and slurmd of a one-node cluster in {@code dir}: this host ({@code hostname
   * -s}) with 2 CPUs, partition {@code exmy}, free TCP ports, munge on its own socket and key.
   */
  static final class OneNodeCluster implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final Path socket;
    private final List<Path> pidFiles = new ArrayList<>();

    private OneNodeCluster(Path dir) {
      this.dir = dir;
      this.conf = dir.resolve("slurm.conf");
      this.socket = dir.resolve("munge").resolve("munge.socket");
    }

    static OneNodeCluster start(Path dir) throws Exception {
      OneNodeCluster c = new OneNodeCluster(dir);
      try {
        c.startDaemons();
        return c;
      } catch (Exception | AssertionError e) {
        c.close();
        throw e;
      }
    }

    private void startDaemons() throws Exception {
      Path munge = dir.resolve("munge");
      for (String d : List.of("munge", "state", "spool", "log"))
        Files.createDirectories(dir.resolve(d));
      Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwx--x--x"));
      byte[] key = new byte[1024];
      new SecureRandom().nextBytes(key);
      Path keyFile = munge.resolve("munge.key");
      Files.write(keyFile, key);
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
      pidFiles.add(munge.resolve("munged.pid"));
      check(
          ToolRun.of(
                  List.of(
                      "munged",
                      "--force",
                      "--socket=" + socket,
                      "--key-file=" + keyFile,
                      "--pid-file=" + munge.resolve("munged.pid"),
                      "--log-file=" + munge.resolve("munged.log"),
                      "--seed-file=" + munge.resolve("munged.seed")))
              .timeout(Duration.ofSeconds(30))
              .run(),
          "munged");

      String host = ToolRun.of(List.of("hostname", "-s")).run().output().strip();
      int[] ports = freePorts();
      Files.writeString(
          conf,
          String.join(
              "\n",
              "ClusterName=exmytest",
              "SlurmctldHost=" + host + "(127.0.0.1)",
              "SlurmUser=root",
              "SlurmdUser=root",
              "AuthType=auth/munge",
              "CredType=cred/munge",
              "AuthInfo=socket=" + socket,
              "SlurmctldPort=" + ports[0],
              "SlurmdPort=" + ports[1],
              "StateSaveLocation=" + dir.resolve("state"),
              "SlurmdSpoolDir=" + dir.resolve("spool"),
              "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
              "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
              "SlurmctldLogFile=" + dir.resolve("log").resolve("slurmctld.log"),
              "SlurmdLogFile=" + dir.resolve("log").resolve("slurmd.log"),
              "ProctrackType=proctrack/linuxproc",
              "TaskPlugin=task/none",
              "SelectType=select/cons_tres",
              "SelectTypeParameters=CR_CPU",
              "SchedulerType=sched/backfill",
              "ReturnToService=2",
              "MinJobAge=3600",
              "KillWait=5",
              "JobAcctGatherType=jobacct_gather/none",
              "AccountingStorageType=accounting_storage/none",
              "JobCompType=jobcomp/none",
              "MpiDefault=none",
              "SwitchType=switch/none",
              "NodeName=" + host + " NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN",
              "PartitionName=exmy Nodes=" + host + " Default=YES MaxTime=INFINITE State=UP",
              ""));
      pidFiles.add(dir.resolve("slurmctld.pid"));
      check(
          ToolRun.of(List.of("slurmctld", "-i", "-f", conf.toString()))
              .timeout(Duration.ofSeconds(60))
              .run(),
          "slurmctld");
      pidFiles.add(dir.resolve("slurmd.pid"));
      check(
          ToolRun.of(List.of("slurmd", "-f", conf.toString()))
              .timeout(Duration.ofSeconds(60))
              .run(),
          "slurmd");
      // the node idle: the cluster takes jobs
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String state = "";
      while (System.nanoTime() < end) {
        state = slurm("sinfo", "-h", "-o", "%T").output().strip();
        if (state.equals("idle")) break;
        Thread.sleep(500);
      }
      assertEquals("idle", state, "the node's state; " + logs());
      // sbatch for exmy: this cluster's configuration, and the warm Verilator cache of this machine
      Path sbatch = dir.resolve("sbatch");
      Files.writeString(
          sbatch,
          "#!/bin/sh\nexport SLURM_CONF='"
              + conf
              + "'\nexport EXMY_NODE_CACHE='"
              + ModelCache.dir().getParent()
              + "'\nexec sbatch \"$@\"\n");
      Files.setPosixFilePermissions(sbatch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path sbatch() {
      return dir.resolve("sbatch");
    }

    /** Waits until no job of {@code ids} is pending or running any more. */
    void awaitDone(List<String> ids, Duration limit) throws Exception {
      long end = System.nanoTime() + limit.toNanos();
      String queue = "";
      while (System.nanoTime() < end) {
        queue =
            slurm("squeue", "-h", "-o", "%i %T %r", "-j", String.join(",", ids)).output().strip();
        if (queue.isEmpty()) return;
        if (queue.contains("DependencyNeverSatisfied")) break;
        Thread.sleep(2000);
      }
      throw new AssertionError("jobs not done after " + limit + ":\n" + queue + "\n" + logs());
    }

    /** The job's state (COMPLETED, FAILED, ...). */
    String state(String job) {
      String show = slurm("scontrol", "show", "job", job).output();
      Matcher m = Pattern.compile("JobState=(\\S+)").matcher(show);
      return m.find() ? m.group(1) : show.strip();
    }

    private ToolRun.Result slurm(String... cmd) {
      return ToolRun.of(List.of(cmd))
          .environment("SLURM_CONF", conf.toString())
          .timeout(Duration.ofSeconds(60))
          .run();
    }

    private void check(ToolRun.Result r, String what) throws IOException {
      assertEquals(0, r.exitCode(), what + " did not start: " + r.output() + "\n" + logs());
    }

    private String logs() {
      StringBuilder sb = new StringBuilder();
      for (Path l :
          List.of(
              dir.resolve("munge").resolve("munged.log"),
              dir.resolve("log").resolve("slurmctld.log"),
              dir.resolve("log").resolve("slurmd.log"))) {
        try {
          List<String> lines = Files.readAllLines(l);
          sb.append("--- ").append(l.getFileName()).append(" (last lines)\n");
          lines
              .subList(Math.max(0, lines.size() - 15), lines.size())
              .forEach(x -> sb.append(x).append('\n'));
        } catch (IOException e) {
          sb.append("--- no ").append(l.getFileName()).append('\n');
        }
      }
      return sb.toString();
    }

    /**
     * Cancels what still runs, shuts the daemons down, and kills any of them still there (by pid).
     */
    @Override
    public void close() throws Exception {
      if (Files.exists(conf)) {
        try {
          slurm("scancel", "--quiet", "--partition=exmy");
          slurm("scontrol", "shutdown");
        } catch (RuntimeException e) {
          // a daemon that did not start: killed below
        }
      }
      for (Path pidFile : pidFiles) {
        if (pidFile.getFileName().toString().equals("munged.pid"))
          continue; // last: slurm needs it to shut down
        stop(pidFile);
      }
      if (Files.exists(socket)) {
        ToolRun.of(List.of("munged", "--stop", "--socket=" + socket))
            .timeout(Duration.ofSeconds(30))
            .run();
      }
      stop(dir.resolve("munge").resolve("munged.pid"));
    }

    /** Waits up to 20 s for the process of {@code pidFile} to end, then kills it. */
    private static void stop(Path pidFile) throws InterruptedException {
      long pid;
      try {
        pid = Long.parseLong(Files.readString(pidFile).strip());
      } catch (IOException | NumberFormatException e) {
        return; // never started
      }
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (alive(pid) && System.nanoTime() < end) Thread.sleep(200);
      if (alive(pid)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Its /proc entry exists and it is no zombie (dead, not yet reaped). */
    private static boolean alive(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException e) {
        return false;
      }
    }

    private static int[] freePorts() throws IOException {
      try (ServerSocket a = new ServerSocket(0);
          ServerSocket b = new ServerSocket(0)) {
        return new int[] {a.getLocalPort(), b.getLocalPort()};
      }
    }
  }
}
