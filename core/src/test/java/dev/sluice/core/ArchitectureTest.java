package dev.sluice.core;

import static dev.sluice.core.testing.ArchitectureRules.coreDependsOnNoOtherModule;

import dev.sluice.core.testing.ModuleArchitectureContract;
import org.junit.jupiter.api.Test;

/** The architecture rules of {@link dev.sluice.core.testing.ArchitectureRules} on this module. */
class ArchitectureTest extends ModuleArchitectureContract {

  @Override
  protected String[] contractExemptions() {
    return new String[] {
      // the engine's own wrapper around each stage: every contract suite's engine runs pass
      // through it, and no user can make one
      "dev.sluice.core.job.Stage",
      // the engine's offload wrapper, whose write the engine never calls (issue 13 deletes it);
      // OffloadTest runs the suites with offload on
      "dev.sluice.core.job.OffloadedSink"
    };
  }

  @Test
  void dependsOnNoOtherModule() {
    coreDependsOnNoOtherModule().check(main);
  }
}
