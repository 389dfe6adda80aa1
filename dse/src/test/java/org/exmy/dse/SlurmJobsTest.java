package org.exmy.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.exmy.base.ToolRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmJobsTest {
  @TempDir Path dir;

  /**
   * A sweep whose "exmy" prints each argument on a line, so that running a script shows its
   * command.
   */
  private SlurmJobs.Sweep sweep(boolean userJobs) {
    return new SlurmJobs.Sweep(
        List.of("printf", "%s\\n"),
        List.of(
            "--formats",
            "E2M1,INT4",
            "--model",
            dir.resolve("my model's.onnx").toString(),
            "--limit",
            "100"),
        userJobs,
        dir.resolve("out"),
        dir.resolve("cache"),
        dir);
  }

  private static List<String> sbatchLines(Path script) throws Exception {
    return Files.readAllLines(script).stream()
        .filter(l -> l.startsWith("#SBATCH "))
        .map(l -> l.substring(8))
        .toList();
  }

  /**
   * Runs a script as SLURM would (its #SBATCH lines are comments to bash) and returns what it
   * printed.
   */
  private List<String> runAsTask(Path script, String task) {
    ToolRun.Result r =
        ToolRun.of(List.of("bash", script.toString()))
            .environment("SLURM_ARRAY_TASK_ID", task)
            .environment("SLURM_CPUS_PER_TASK", "3")
            .environment("EXMY_NODE_CACHE", "/node/local")
            .run();
    assertEquals(0, r.exitCode(), r.output());
    return r.output().lines().toList();
  }

  @Test
  void theArrayScriptRunsShardIOfNWithTheSameArguments() throws Exception {
    SlurmJobs.Scripts s =
        SlurmJobs.write(sweep(false), new SlurmJobs.Options("gpu-x", "2-04:00:00", 3, 4));
    assertEquals(dir.resolve("out/slurm/sweep-array.sbatch"), s.array());
    assertTrue(Files.isDirectory(s.logs()), "sbatch needs the --output folder to exist");
    assertEquals(
        List.of(
            "--job-name=exmy-sweep",
            "--array=0-3",
            "--cpus-per-task=3",
            "--partition=gpu-x",
            "--time=2-04:00:00",
            "--output=" + dir.resolve("out/slurm/logs/shard-%a.out"),
            "--chdir=" + dir),
        sbatchLines(s.array()));
    List<String> expected =
        new ArrayList<>(
            List.of(
                "sweep",
                "--formats",
                "E2M1,INT4",
                "--model",
                dir.resolve("my model's.onnx").toString(),
                "--limit",
                "100",
                "-o",
                dir.resolve("out").toString(),
                "--cache",
                dir.resolve("cache").toString(),
                "--jobs",
                "3",
                "--shard",
                "2/4"));
    assertEquals(expected, runAsTask(s.array(), "2"));
    assertTrue(
        Files.readString(s.array()).contains("#   sbatch --array=I " + s.array()),
        "re-submitting one task");
  }

  @Test
  void theCollectScriptComputesNothing() throws Exception {
    SlurmJobs.Scripts s = SlurmJobs.write(sweep(true), new SlurmJobs.Options(null, null, 8, 16));
    assertEquals(
        List.of(
            "--job-name=exmy-collect",
            "--cpus-per-task=1",
            "--output=" + dir.resolve("out/slurm/logs/collect.out"),
            "--chdir=" + dir),
        sbatchLines(s.collect()));
    assertEquals(
        List.of(
            "sweep",
            "--formats",
            "E2M1,INT4",
            "--model",
            dir.resolve("my model's.onnx").toString(),
            "--limit",
            "100",
            "-o",
            dir.resolve("out").toString(),
            "--cache",
            dir.resolve("cache").toString(),
            "--collect"),
        runAsTask(s.collect(), "0"));
    // the user's own --jobs: the array adds none
    List<String> task = runAsTask(s.array(), "15");
    assertEquals(List.of("--shard", "15/16"), task.subList(task.size() - 2, task.size()));
    assertTrue(!task.contains("--jobs"));
    assertTrue(sbatchLines(s.array()).contains("--array=0-15"));
  }

  @Test
  void submitChainsTheCollectJobAfterTheArray() throws Exception {
    SlurmJobs.Scripts s = SlurmJobs.write(sweep(false), new SlurmJobs.Options(null, null, 1, 2));
    Path calls = dir.resolve("calls.txt");
    Path fake = dir.resolve("fake-sbatch");
    Files.writeString(
        fake,
        "#!/bin/sh\necho \"$*\" >> '"
            + calls
            + "'\n"
            + "n=$(wc -l < '"
            + calls
            + "'); echo \"$((4100 + n));cluster-a\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    SlurmJobs.Submitted ids = SlurmJobs.submit(s, fake.toString());
    assertEquals(new SlurmJobs.Submitted("4101", "4102"), ids);
    assertEquals(
        List.of("--parsable " + s.array(), "--parsable --dependency=afterok:4101 " + s.collect()),
        Files.readAllLines(calls));
    // sbatch refusing: its words in one line
    Files.writeString(
        fake, "#!/bin/sh\necho 'sbatch: error: invalid partition specified: x' >&2\nexit 1\n");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> SlurmJobs.submit(s, fake.toString()));
    assertTrue(
        e.getMessage().contains("invalid partition specified: x") && !e.getMessage().contains("\n"),
        e.getMessage());
    e =
        assertThrows(
            IllegalStateException.class, () -> SlurmJobs.submit(s, dir.resolve("none").toString()));
    assertTrue(e.getMessage().startsWith("cannot run " + dir.resolve("none")), e.getMessage());
  }

  @Test
  void badOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SlurmJobs.Options(null, null, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new SlurmJobs.Options(null, null, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> new SlurmJobs.Options("a b", null, 1, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SlurmJobs.Options(null, "1h", 1, 4));
    assertTrue(e.getMessage().startsWith("--time must be"), e.getMessage());
    for (String t : List.of("30", "4:00:00", "2-04", "2-04:00:00", "90:00"))
      new SlurmJobs.Options(null, t, 1, 4);
    SlurmJobs.Sweep blank =
        new SlurmJobs.Sweep(List.of("x"), List.of(), false, dir.resolve("a b"), dir, dir);
    assertThrows(
        IllegalArgumentException.class,
        () -> SlurmJobs.write(blank, new SlurmJobs.Options(null, null, 1, 2)));
  }
}
