package org.exmy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.exmy.mac.IoText;
import org.exmy.nn.NnException;
import org.exmy.simulator.FormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code exmy} command.
 *
 * <p>Exit codes: 0 success; 1 a failed check (a core not bit-exact, a tool that failed); 2 bad
 * input (unknown command, option or format, a number out of range, unreadable data; also {@code
 * exmy} without a command); 130 interrupted (Ctrl-C, or a tool killed by SIGINT/SIGTERM).
 */
@Command(
    name = "exmy",
    mixinStandardHelpOptions = true,
    version = "exmy 0.1.0",
    description = {
      "FPGA minifloat MAC generator and bit-exact simulator.",
      " "
          + "Pick a number format (E2M1, E4M3, float8_e5m2, INT8 ...), generate its MAC core, "
          + "prove it bit-exact against the Java model in Verilator, and see what it costs in LUTs/DSPs."
    },
    subcommands = {
      FormatsCommand.class,
      TableCommand.class,
      QuantizeCommand.class,
      GenerateCommand.class,
      CatalogueCommand.class,
      VerifyCommand.class,
      SynthCommand.class,
      FlowCommand.class,
      SweepCommand.class,
      BenchCommand.class,
      AccuracyCommand.class,
      RunCommand.class,
      SensitivityCommand.class,
      MixedCommand.class,
      FuzzCommand.class,
      CacheCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Run 'exmy COMMAND --help' for the options of a command.",
      "Exit codes: 0 ok, 1 a check or a tool failed, 2 bad input (also: no command), 130 interrupted."
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * {@code exmy} without a command: the usage on stderr, exit code 2 (a usage error, like any
   * other).
   */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    throw new NoCommandException();
  }

  /** Exit code for bad input (format names, arguments, unreadable data). */
  public static final int EXIT_USAGE = 2;

  /** Exit code for a failed check (mismatch, tool failure). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code after Ctrl-C (128 + SIGINT), as a shell reports it. */
  public static final int EXIT_INTERRUPTED = 130;

  /** Thrown by {@link #run()}: the usage is already printed, only the exit code is left. */
  private static final class NoCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Main::parameterError);
    cl.setExecutionStrategy(Main::executeStrictly);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof NoCommandException) return EXIT_USAGE;
          if (Interruption.caused(ex)) {
            Interruption.report(err);
            return EXIT_INTERRUPTED;
          }
          if (ex instanceof FormatException
              || ex instanceof UsageException
              || ex instanceof NnException) {
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
   * Refuses arguments that picocli let through because a help option was also given ({@code exmy
   * nosuch --help} would otherwise print the main help and succeed), then runs the command.
   */
  private static int executeStrictly(ParseResult parseResult) {
    for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
      if (!pr.unmatched().isEmpty())
        throw new UnmatchedArgumentException(pr.commandSpec().commandLine(), pr.unmatched());
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /**
   * A command line picocli cannot parse: one line on stderr, {@code exmy: error: WHAT (see 'exmy
   * CMD --help')}, exit code 2, instead of the whole usage text.
   */
  private static int parameterError(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String what =
        ex.getMessage() == null ? ex.toString() : ex.getMessage().strip().split("\\R", 2)[0];
    if (ex instanceof UnmatchedArgumentException u
        && cmd.getParent() == null
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      what = "unknown command '" + u.getUnmatched().get(0) + "'";
    } else if (ex instanceof UnmatchedArgumentException u
        && !what.startsWith("Unknown option")
        && !u.getUnmatched().isEmpty()) {
      what =
          "unexpected argument"
              + (u.getUnmatched().size() == 1 ? " '" : "s '")
              + String.join("' '", u.getUnmatched())
              + "'";
    } else if (what.startsWith("Unknown subcommand '")) { // exmy help nosuch
      what =
          "unknown command '"
              + what.substring("Unknown subcommand '".length()).replaceAll("'\\.?$", "")
              + "'";
    } else if (!what.isEmpty()) {
      what = Character.toLowerCase(what.charAt(0)) + what.substring(1);
    }
    String help = cmd.getCommandSpec().qualifiedName();
    if (cmd.getCommand() instanceof CommandLine.HelpCommand)
      help = cmd.getParent().getCommandSpec().qualifiedName();
    PrintWriter err = cmd.getErr();
    err.println("exmy: error: " + what.replaceAll("\\.$", "") + " (see '" + help + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  /**
   * The exception's message, plus the file and the operating system's reason when an I/O error lies
   * behind it ("cannot write to out: out/x.v: permission denied").
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
    Interruption.install();
    int code = commandLine().execute(args);
    Interruption.finished();
    System.exit(code);
  }
}
