package dev.sluice.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The top-level {@code sluice} command. Its model is built in code ({@link CommandModel}), as it is
 * part of every start; a subcommand is registered with one line in {@link Main}'s {@code
 * SUBCOMMANDS}.
 */
final class SluiceCommand implements Runnable {

  private final CommandSpec spec = CommandModel.command("sluice", this);

  SluiceCommand() {
    spec.usageMessage()
        .description("Moves very large byte streams with a flat memory footprint.")
        .footerHeading("%nExamples:%n")
        .footer(
            "  sluice ingest big.bin copy.bin --sha256",
            "  sluice ingest - out.gz --gzip < input",
            "  sluice ingest --help");
    CommandModel.addStandardHelpOptions(spec);
  }

  /** The command's picocli model. */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required, e.g. 'ingest'");
  }
}
