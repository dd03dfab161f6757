package dev.sluice.core.blob;

import java.io.IOException;

/**
 * A write or delete refused because its {@link Precondition} does not hold for the key's current
 * version; nothing was changed (HTTP: 412 Precondition Failed).
 */
public final class PreconditionFailedException extends IOException {

  private final String key;

  public PreconditionFailedException(String key) {
    super("the precondition does not hold for the current version of '" + key + "'");
    this.key = key;
  }

  /** The key whose current version failed the precondition. */
  public String key() {
    return key;
  }
}
