package dev.sluice.coord.postgres;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.CoordinationProvider;

/** Opens {@code jdbc:postgresql:} coordination stores. */
public final class PostgresCoordinationProvider implements CoordinationProvider {

  /** Found by {@link java.util.ServiceLoader}. */
  public PostgresCoordinationProvider() {}

  @Override
  public boolean accepts(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public Coordination open(String url, CoordinationOptions options) {
    return PostgresCoordination.open(url, options);
  }
}
