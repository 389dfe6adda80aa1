package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.exmy.mac.IoText;
import org.exmy.simulator.FormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code exmy} command. */
@Command(name = "exmy", mixinStandardHelpOptions = true, version = "exmy 0.1.0",
    description = {"FPGA minifloat MAC generator and bit-exact simulator.", "",
        "Pick a number format (E2M1, E4M3, float8_e5m2, INT8 ...), generate its MAC core,",
        "prove it bit-exact against the Java model in Verilator, and see what it costs in LUTs/DSPs."},
    subcommands = {FormatsCommand.class, TableCommand.class, QuantizeCommand.class,
        GenerateCommand.class, CatalogueCommand.class, VerifyCommand.class, SynthCommand.class,
        FlowCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Run 'exmy COMMAND --help' for the options of a command."})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exit code for bad input (format names, arguments, unreadable data). */
  public static final int EXIT_USAGE = 2;
  /** Exit code for a failed check (mismatch, tool failure). */
  public static final int EXIT_FAILURE = 1;

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof FormatException || ex instanceof UsageException) {
        err.println("exmy: error: " + ex.getMessage());
        err.flush();
        return EXIT_USAGE;
      }
      err.println("exmy: error: " + message(ex));
      if (System.getenv("EXMY_DEBUG") != null) ex.printStackTrace(err);
      err.flush();
      return EXIT_FAILURE;
    });
    return cl;
  }

  /**
   * The exception's message, plus the file and the operating system's reason when an I/O error
   * lies behind it ("cannot write to out: out/x.v: permission denied").
   */
  static String message(Throwable ex) {
    String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
    for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        String why = IoText.of(io);
        return msg.contains(why) ? msg : msg + ": " + why;
      }
    }
    return msg;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
