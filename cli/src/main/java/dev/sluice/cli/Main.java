package dev.sluice.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point of the {@code sluice} command; see {@link SluiceCommand} for the top level. */
public final class Main {

  /**
   * The subcommands by name, in the order help lists them. Building a command's picocli model is
   * most of the CLI's start-up, so a run that names a subcommand builds only that one's.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("ingest", () -> new IngestCommand().spec());
    SUBCOMMANDS.put("serve", ServeCommand::new);
    SUBCOMMANDS.put("sign", SignCommand::new);
    SUBCOMMANDS.put("s3", S3Command::new);
    // picocli looks for Groovy's Closure class once, and the miss searches every jar of the class
    // path: ~70 ms of each command's start-up. Sluice has no Groovy closures in its annotations.
    System.setProperty("picocli.disable.closures", "true");
    Logging.installDefaults();
  }

  private Main() {}

  public static void main(String[] args) {
    DigestWarmUp.startIfWanted(args);
    int status = run(args);
    if (status != ExitCodes.OK || otherThreadsKeepTheJvmAlive()) {
      System.exit(status);
    }
    // Success with nothing left running: let main return. System.exit would look up a
    // System.Logger for Runtime.exit's debug log, which starts a logging back-end just to exit.
  }

  /** Runs the command line and returns the exit status (0 on success). */
  public static int run(String... args) {
    String invoked = args.length > 0 ? args[0] : "";
    return (SUBCOMMANDS.containsKey(invoked) ? newCommandLine(invoked) : newCommandLine())
        .execute(args);
  }

  /** The configured command line with every subcommand: error handling and {@link ExitCodes}. */
  public static CommandLine newCommandLine() {
    return newCommandLine(SUBCOMMANDS.keySet());
  }

  /** The command line with only the subcommand {@code name}, for a run that invokes it. */
  static CommandLine newCommandLine(String name) {
    return newCommandLine(List.of(name));
  }

  private static CommandLine newCommandLine(Collection<String> subcommands) {
    CommandLine commandLine = new CommandLine(new SluiceCommand().spec());
    subcommands.forEach(name -> commandLine.addSubcommand(SUBCOMMANDS.get(name).get()));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    return commandLine;
  }

  private static boolean otherThreadsKeepTheJvmAlive() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread != Thread.currentThread() && thread.isAlive() && !thread.isDaemon()) {
        return true;
      }
    }
    return false;
  }
}
