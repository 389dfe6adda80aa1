package org.exmy.base;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One run of an external tool (Verilator, g++, Yosys, nextpnr, sbatch): the one place that starts
 * processes. Standard input is {@code /dev/null}; standard output and error go together into a log
 * file, the caller's ({@link #log}) or a private one whose text the {@link Result} returns. A time
 * limit, and an interrupt of the waiting thread, kill the tool and every process it started (g++'s
 * cc1plus and as, yosys-abc) and end in a {@link ToolException}; so does a tool that cannot start.
 * A non-zero exit code is a normal result.
 *
 * <pre>{@code
 * ToolRun.Result r = ToolRun.of(List.of("verilator", "--version")).timeout(Duration.ofSeconds(60)).run();
 * }</pre>
 */
public final class ToolRun {
  private static final File DEV_NULL = new File("/dev/null");

  private final List<String> command;
  private Path directory;
  private Duration timeout = Duration.ofMinutes(15);
  private Path log;
  private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

  private ToolRun(List<String> command) {
    if (command.isEmpty()) throw new IllegalArgumentException("no command");
    this.command = List.copyOf(command);
  }

  /** A run of {@code command} (the executable, then its arguments) in this process's folder. */
  public static ToolRun of(List<String> command) {
    return new ToolRun(command);
  }

  /** Runs it in {@code dir}. */
  public ToolRun directory(Path dir) {
    this.directory = dir;
    return this;
  }

  /** Its time limit (default 15 minutes). */
  public ToolRun timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Sets the environment variable {@code name} for it (besides this process's environment). */
  public ToolRun environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Its output into {@code file} (replaced), which is kept; the result's output is then empty. */
  public ToolRun log(Path file) {
    this.log = file;
    return this;
  }

  /**
   * How a run ended.
   *
   * @param exitCode the tool's exit code
   * @param output its standard output and error, merged (empty when they went to a {@link #log})
   */
  public record Result(int exitCode, String output) {}

  /**
   * Runs the tool and waits for it.
   *
   * @throws ToolException when it cannot start, runs past its limit or the thread is interrupted
   *     (the interrupt flag is then set again)
   */
  public Result run() {
    String tool = command.get(0);
    Path out = log;
    boolean privateLog = out == null;
    Process p = null;
    try {
      if (privateLog) out = Files.createTempFile("exmy-tool", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
      if (directory != null) pb.directory(directory.toFile());
      pb.environment().putAll(environment);
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new ToolException(
            ToolException.Kind.CANNOT_START,
            tool,
            timeout,
            "",
            "cannot run " + tool + ": " + e.getMessage(),
            e);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(p);
        throw new ToolException(
            ToolException.Kind.TIMED_OUT,
            tool,
            timeout,
            privateLog ? read(out) : "",
            tool + " timed out after " + seconds(timeout),
            null);
      }
      return new Result(p.exitValue(), privateLog ? read(out) : "");
    } catch (InterruptedException e) {
      killTree(p);
      Thread.currentThread().interrupt();
      throw new ToolException(
          ToolException.Kind.INTERRUPTED,
          tool,
          timeout,
          "",
          "interrupted while running " + tool,
          e);
    } catch (IOException e) {
      throw new ToolException(
          ToolException.Kind.CANNOT_START,
          tool,
          timeout,
          "",
          "cannot run " + tool + ": " + e.getMessage(),
          e);
    } finally {
      if (privateLog && out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a leftover log in the temporary folder is harmless
        }
      }
    }
  }

  /**
   * Kills {@code p} and every process it started (those it started meanwhile too, as far as they
   * are still its descendants), and waits up to 10 s for it to end.
   */
  public static void killTree(Process p) {
    if (p == null) return;
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly(); // first, so that it starts no more
    for (ProcessHandle c : children) {
      List<ProcessHandle> grand = c.descendants().toList();
      c.destroyForcibly();
      grand.forEach(ProcessHandle::destroyForcibly);
    }
    boolean interrupted = false;
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** True when {@code exe} (a path, or a name looked up in the PATH) is an executable file. */
  public static boolean onPath(String exe) {
    return find(exe) != null;
  }

  /** The executable file {@code exe} (a path, or a name looked up in the PATH), or null. */
  public static Path find(String exe) {
    if (exe.contains("/")) {
      Path p = Path.of(exe);
      return Files.isExecutable(p) && !Files.isDirectory(p) ? p : null;
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, exe);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
    }
    return null;
  }

  /** A duration in seconds for messages: {@code 60 s}, {@code 1.5 s}. */
  public static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static String read(Path f) throws IOException {
    return new String(
        Files.readAllBytes(f), StandardCharsets.UTF_8); // lenient: a tool may print any bytes
  }
}
