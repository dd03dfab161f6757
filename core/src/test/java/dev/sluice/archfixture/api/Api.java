package dev.sluice.archfixture.api;

import dev.sluice.archfixture.api.internal.Impl;

/** Fixture of ArchitectureRulesTest: an API package that calls its own internal package. */
public final class Api {
  private Api() {}

  /** Depends on the implementation. */
  public static Object implementation() {
    return Impl.class;
  }
}
