package dev.sluice.coord;

/**
 * Opens a {@link Coordination} for the URLs it accepts; found with {@link java.util.ServiceLoader}
 * by {@link Coordination#open}.
 */
public interface CoordinationProvider {

  /** True if this provider opens {@code url}. */
  boolean accepts(String url);

  /** Opens {@code url}; the caller closes it. */
  Coordination open(String url, CoordinationOptions options);
}
