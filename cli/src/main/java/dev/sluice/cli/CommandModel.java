package dev.sluice.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Builds picocli models in code, for the commands whose start-up matters ({@code sluice ingest}).
 * Reading picocli's annotations makes the JVM generate a proxy class per annotation type, ~80 ms of
 * every start (docs/benchmarks.md, "Core ingestion"); a model built here costs ~15 ms. The other
 * subcommands keep their annotations.
 */
final class CommandModel {

  private CommandModel() {}

  /**
   * A command {@code name} running {@code command}, with the version text of {@code -V}; the caller
   * adds {@link #addStandardHelpOptions} where its help should list them.
   */
  static CommandSpec command(String name, Object command) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.versionProvider(new VersionProvider());
    return spec;
  }

  /** Adds {@code -h/--help} and {@code -V/--version}, as {@code mixinStandardHelpOptions} does. */
  static void addStandardHelpOptions(CommandSpec spec) {
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
  }

  /** A required positional parameter at {@code index}: missing, it is a usage error (exit 2). */
  static PositionalParamSpec parameter(int index, String label, String... description) {
    return PositionalParamSpec.builder()
        .index(String.valueOf(index))
        .arity("1")
        .required(true)
        .paramLabel(label)
        .type(String.class)
        .description(description)
        .build();
  }

  /** An option without a value; its value is {@code true} when given. */
  static OptionSpec flag(String name, String... description) {
    return OptionSpec.builder(name)
        .type(boolean.class)
        .initialValue(false)
        .description(description)
        .build();
  }

  /** An option with a value of {@code type}, {@code null} when not given. */
  static OptionSpec option(String name, String label, Class<?> type, String... description) {
    return OptionSpec.builder(name).paramLabel(label).type(type).description(description).build();
  }

  /** An option whose value {@code converter} makes, {@code null} when not given. */
  static OptionSpec option(
      String name, String label, ITypeConverter<Long> converter, String... description) {
    return OptionSpec.builder(name)
        .paramLabel(label)
        .type(Long.class)
        .converters(converter)
        .description(description)
        .build();
  }

  /** True when the flag {@code name} of {@code spec} was given. */
  static boolean isSet(CommandSpec spec, String name) {
    // an option of a group that was not matched holds no value, not its initial one
    return Boolean.TRUE.equals(spec.findOption(name).getValue());
  }

  /** The parsed value of option {@code name} of {@code spec}, {@code null} when not given. */
  static <T> T value(CommandSpec spec, String name) {
    return spec.findOption(name).getValue();
  }
}
