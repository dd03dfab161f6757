package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.sluice.archfixture.api.Api;
import dev.sluice.archfixture.api.internal.Impl;
import dev.sluice.archfixture.left.Left;
import dev.sluice.archfixture.right.Right;
import dev.sluice.core.archfixture.CoreUsesAnotherModule;
import dev.sluice.core.testing.ArchitectureRules;
import dev.sluice.core.testing.SinkContract;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The contract rule catches an implementation no suite makes, and accepts one made by a factory;
 * the cycle rule catches a cycle between two packages and accepts one between a package and its
 * {@code internal}; the core rule catches a core class that uses another module.
 */
class ArchitectureRulesTest {

  /** A sink no contract suite makes. */
  static final class Uncovered implements Sink {
    @Override
    public void write(ByteBuffer chunk) {}

    @Override
    public Receipt commit() {
      return Receipt.of("uncovered");
    }

    @Override
    public void abort(Throwable cause) {}
  }

  /** A sink a suite makes. */
  static final class Covered implements Sink {
    @Override
    public void write(ByteBuffer chunk) {}

    @Override
    public Receipt commit() {
      return Receipt.of("covered");
    }

    @Override
    public void abort(Throwable cause) {}
  }

  /** A suite whose newSink makes a Covered (factories of main code are followed as well). */
  abstract static class CoveredContract extends SinkContract {
    @Override
    protected Sink newSink() {
      return new Covered();
    }
  }

  private static final JavaClasses SUITES =
      new ClassFileImporter().importClasses(CoveredContract.class, Covered.class);

  @Test
  void anImplementationNoSuiteMakesFailsTheRuleByName() {
    JavaClasses main = new ClassFileImporter().importClasses(Uncovered.class, Covered.class);

    assertThatThrownBy(
            () -> ArchitectureRules.everyImplementationRunsAContractSuite(SUITES).check(main))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(Uncovered.class.getName() + " is not reached by a contract suite")
        .hasMessageNotContaining(Covered.class.getName() + " is not");
  }

  @Test
  void anExemptedImplementationPasses() {
    JavaClasses main = new ClassFileImporter().importClasses(Uncovered.class, Covered.class);

    assertThatCode(
            () ->
                ArchitectureRules.everyImplementationRunsAContractSuite(
                        SUITES, Uncovered.class.getName())
                    .check(main))
        .doesNotThrowAnyException();
  }

  @Test
  void aCycleBetweenTwoPackagesFailsTheCycleRule() {
    JavaClasses classes = new ClassFileImporter().importClasses(Left.class, Right.class);

    assertThatThrownBy(() -> ArchitectureRules.noCyclesBetweenPackages().check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected: Slice dev.sluice.archfixture.left")
        .hasMessageContaining("Slice dev.sluice.archfixture.right");
  }

  @Test
  void aPackageAndItsInternalCountAsOneSliceOutsideCore() {
    JavaClasses classes = new ClassFileImporter().importClasses(Api.class, Impl.class);

    assertThatCode(() -> ArchitectureRules.noCyclesBetweenPackages().check(classes))
        .doesNotThrowAnyException();
  }

  @Test
  void aCoreClassThatUsesAnotherModuleFailsTheCoreRule() {
    JavaClasses classes =
        new ClassFileImporter().importClasses(CoreUsesAnotherModule.class, Left.class);

    assertThatThrownBy(() -> ArchitectureRules.coreDependsOnNoOtherModule().check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(CoreUsesAnotherModule.class.getName())
        .hasMessageContaining(Left.class.getName());
  }
}
