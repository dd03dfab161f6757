package dev.sluice.cli;

import dev.sluice.http.ServerConfig;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Parses durations such as {@code 30s}, {@code 10m}, {@code 2h}, {@code 500ms}, {@code 45}. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Digits with an optional unit ms, s (the default), m, h or d: {@link
   * ServerConfig#parseDuration}.
   */
  static Duration parse(String value) {
    return ServerConfig.parseDuration(value);
  }
}
