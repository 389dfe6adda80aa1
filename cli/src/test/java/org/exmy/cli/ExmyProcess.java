package org.exmy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code exmy} as a separate process (the JVM of {@code ./exmy}, with this test's class path, since
 * the jar is built after the tests): for what needs its own environment or its own signals.
 * Standard output and error go to files in {@code dir}.
 */
record ExmyProcess(Process process, Path out, Path err) {

  /**
   * Starts {@code exmy args} with {@code env} added to this environment (a null value removes the
   * variable). {@code ownGroup}: in a new session, so that a signal can go to the whole process
   * group as Ctrl-C in a terminal does. SIGINT is reset to its default first ({@code env
   * --default-signal}): a JVM started with SIGINT ignored (a background job of a script) would
   * ignore it too.
   */
  static ExmyProcess start(Path dir, Map<String, String> env, boolean ownGroup, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ownGroup) cmd.add("setsid");
    cmd.addAll(
        List.of(
            "env",
            "--default-signal=INT",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName()));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    env.forEach(
        (k, v) -> {
          if (v == null) pb.environment().remove(k);
          else pb.environment().put(k, v);
        });
    return new ExmyProcess(pb.start(), out, err);
  }

  /** Waits up to {@code seconds}; returns the exit code (fails when it is still running). */
  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("exmy still running after " + seconds + " s");
    }
    return process.exitValue();
  }

  String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Sends {@code signal} (e.g. "INT") to the process, or to its whole process group. */
  void kill(String signal, boolean group) throws IOException, InterruptedException {
    String target = group ? "-" + process.pid() : Long.toString(process.pid());
    Process k = new ProcessBuilder("kill", "-" + signal, "--", target).inheritIO().start();
    if (k.waitFor() != 0) throw new AssertionError("kill -" + signal + " " + target + " failed");
  }
}
