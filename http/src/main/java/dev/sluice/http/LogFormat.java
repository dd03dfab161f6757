package dev.sluice.http;

import java.util.Locale;

/**
 * How the server writes its access log lines: {@code TEXT} as {@code name=value} pairs separated by
 * spaces (one request a line, greppable), {@code JSON} as one JSON object a line.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /**
   * {@code text} or {@code json}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static LogFormat parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("log format must be text or json: " + value);
    };
  }
}
