package dev.sluice.core.archfixture;

import dev.sluice.archfixture.left.Left;

/** Fixture of ArchitectureRulesTest: a core class that depends on another module. */
public final class CoreUsesAnotherModule {
  private CoreUsesAnotherModule() {}

  /** Depends on module {@code archfixture}. */
  public static Object foreign() {
    return Left.class;
  }
}
