package dev.sluice.cli;

import dev.sluice.core.ByteSize;
import picocli.CommandLine.ITypeConverter;

/** Parses a rate such as {@code 10MiB/s} or {@code 10MiB} (per second is implied). */
final class RateConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    long bytesPerSecond = ByteSize.parseRate(value);
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be > 0 bytes per second: " + value);
    }
    return bytesPerSecond;
  }
}
