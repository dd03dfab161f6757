package dev.sluice.core;

import static dev.sluice.core.testing.ArchitectureRules.coreDependsOnNoOtherModule;
import static dev.sluice.core.testing.ArchitectureRules.everyImplementationRunsAContractSuite;
import static dev.sluice.core.testing.ArchitectureRules.mainClasses;
import static dev.sluice.core.testing.ArchitectureRules.noCyclesBetweenPackages;
import static dev.sluice.core.testing.ArchitectureRules.noExportedPackageIsNamedInternal;
import static dev.sluice.core.testing.ArchitectureRules.noModuleUsesAnotherModulesInternals;
import static dev.sluice.core.testing.ArchitectureRules.testClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** The architecture rules of {@link dev.sluice.core.testing.ArchitectureRules} on this module. */
class ArchitectureTest {

  private final JavaClasses main = mainClasses();

  @Test
  void everySourceSinkAndTransformRunsAContractSuite() {
    everyImplementationRunsAContractSuite(
            testClasses(),
            // the engine's own wrapper around each stage: every contract suite's engine runs
            // pass through it, and no user can make one
            "dev.sluice.core.job.Stage",
            // the engine's offload wrapper, whose write the engine never calls (issue 13 deletes
            // it); OffloadTest runs the suites with offload on
            "dev.sluice.core.job.OffloadedSink")
        .check(main);
  }

  @Test
  void usesNoOtherModulesInternals() {
    noModuleUsesAnotherModulesInternals().check(main);
  }

  @Test
  void hasNoCycleBetweenPackages() {
    noCyclesBetweenPackages().check(main);
  }

  @Test
  void isANamedModuleThatExportsNoInternalPackage() {
    noExportedPackageIsNamedInternal().check(main);
  }

  @Test
  void dependsOnNoOtherModule() {
    coreDependsOnNoOtherModule().check(main);
  }
}
