package dev.sluice.archfixture.api.internal;

import dev.sluice.archfixture.api.Api;

/** Fixture of ArchitectureRulesTest: an internal package that calls its API package back. */
public final class Impl {
  private Impl() {}

  /** Depends on the API. */
  public static Object api() {
    return Api.class;
  }
}
