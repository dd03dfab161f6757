package dev.sluice.coord.local;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationContract;
import dev.sluice.coord.CoordinationOptions;

/** The coordination contract in memory: the clients of one test share one {@link Memory}. */
class LocalCoordinationTest extends CoordinationContract {

  private final LocalCoordination.Memory memory = new LocalCoordination.Memory();

  @Override
  protected Coordination connect(CoordinationOptions options) {
    return LocalCoordination.open(memory, options);
  }

  @Override
  protected void cleanUp(String namespace) {
    // nothing outlives the memory
  }
}
