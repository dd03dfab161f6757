package dev.sluice.coord.redis;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.CoordinationProvider;

/** Opens {@code redis://} and {@code rediss://} coordination stores. */
public final class RedisCoordinationProvider implements CoordinationProvider {

  /** Found by {@link java.util.ServiceLoader}. */
  public RedisCoordinationProvider() {}

  @Override
  public boolean accepts(String url) {
    return url.startsWith("redis://") || url.startsWith("rediss://");
  }

  @Override
  public Coordination open(String url, CoordinationOptions options) {
    return RedisCoordination.open(url, options);
  }
}
