package dev.sluice.archfixture.right;

import dev.sluice.archfixture.left.Left;

/** Fixture of ArchitectureRulesTest: the other half of a package cycle. */
public final class Right {
  private Right() {}

  /** Depends on the first half. */
  public static Object other() {
    return Left.class;
  }
}
