package dev.sluice.cli;

import dev.sluice.core.ByteSize;
import picocli.CommandLine.ITypeConverter;

/** Parses sizes such as {@code 64KiB}, {@code 8MiB}, {@code 1GiB} or plain byte counts. */
final class SizeConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    return ByteSize.parse(value);
  }
}
