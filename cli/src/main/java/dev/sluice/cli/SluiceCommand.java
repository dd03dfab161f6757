package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code sluice} command. A subcommand is a class in this package annotated with
 * {@code @Command(name = …)}; register it with one line in {@link Main}'s {@code SUBCOMMANDS}.
 */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Moves very large byte streams with a flat memory footprint.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sluice ingest big.bin copy.bin --sha256",
      "  sluice ingest - out.gz --gzip < input",
      "  sluice ingest --help",
    })
public final class SluiceCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required, e.g. 'ingest'");
  }
}
