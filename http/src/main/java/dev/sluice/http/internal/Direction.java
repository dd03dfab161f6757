package dev.sluice.http.internal;

import java.util.Locale;

/** Which way a transfer's bytes go: into the store (upload) or out to a client (download). */
public enum Direction {
  UPLOAD,
  DOWNLOAD;

  /**
   * How a transfer of this direction is listed by the job registry: {@code upload}, {@code
   * download}.
   */
  public String kind() {
    return name().toLowerCase(Locale.ROOT);
  }
}
