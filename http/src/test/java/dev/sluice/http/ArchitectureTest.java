package dev.sluice.http;

import static dev.sluice.core.testing.ArchitectureRules.everyImplementationRunsAContractSuite;
import static dev.sluice.core.testing.ArchitectureRules.mainClasses;
import static dev.sluice.core.testing.ArchitectureRules.noModuleUsesAnotherModulesInternals;
import static dev.sluice.core.testing.ArchitectureRules.testClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** The architecture rules of {@link dev.sluice.core.testing.ArchitectureRules} on this module. */
class ArchitectureTest {

  private final JavaClasses main = mainClasses();

  @Test
  void everySourceSinkAndTransformRunsAContractSuite() {
    everyImplementationRunsAContractSuite(testClasses()).check(main);
  }

  @Test
  void usesNoOtherModulesInternals() {
    noModuleUsesAnotherModulesInternals(
            // PENDING (issue 13): the delivery handler borrows the engine's buffer pool; the
            // package split moves it
            "dev.sluice.core.internal.BufferPool")
        .check(main);
  }
}
