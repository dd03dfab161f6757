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
      "dev.sluice.core.job.Stage"
    };
  }

  @Test
  void dependsOnNoOtherModule() {
    coreDependsOnNoOtherModule().check(main);
  }
}
