package dev.sluice.archfixture.left;

import dev.sluice.archfixture.right.Right;

/** Fixture of ArchitectureRulesTest: one half of a package cycle. */
public final class Left {
  private Left() {}

  /** Depends on the other half. */
  public static Object other() {
    return Right.class;
  }
}
