package dev.sluice.s3;

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
    everyImplementationRunsAContractSuite(testClasses()).check(main);
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
}
