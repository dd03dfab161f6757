package dev.sluice.cli;

import picocli.CommandLine;

/** Entry point of the {@code sluice} command; see {@link SluiceCommand} for the subcommands. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (0 on success). */
  public static int run(String... args) {
    return newCommandLine().execute(args);
  }

  /** The configured command line: error handling and exit codes of {@link ExitCodes}. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new SluiceCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    return commandLine;
  }
}
