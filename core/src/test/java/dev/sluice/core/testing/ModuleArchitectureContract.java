package dev.sluice.core.testing;

import static dev.sluice.core.testing.ArchitectureRules.everyImplementationRunsAContractSuite;
import static dev.sluice.core.testing.ArchitectureRules.mainClasses;
import static dev.sluice.core.testing.ArchitectureRules.noCyclesBetweenPackages;
import static dev.sluice.core.testing.ArchitectureRules.noExportedPackageIsNamedInternal;
import static dev.sluice.core.testing.ArchitectureRules.noModuleUsesAnotherModulesInternals;
import static dev.sluice.core.testing.ArchitectureRules.testClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The {@link ArchitectureRules} every module checks on its own compiled classes: a module's {@code
 * ArchitectureTest} extends this, and adds the rules only it has.
 */
public abstract class ModuleArchitectureContract {

  protected final JavaClasses main = mainClasses();

  /** Implementations that need no contract suite of their own, each with its reason in code. */
  protected String[] contractExemptions() {
    return new String[0];
  }

  @Test
  void everySourceSinkAndTransformRunsAContractSuite() {
    everyImplementationRunsAContractSuite(testClasses(), contractExemptions()).check(main);
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
