package dev.sluice.core.blob;

import java.io.IOException;

/**
 * A store ran out of space (or quota) while storing a key; nothing was stored (HTTP: 507
 * Insufficient Storage). The message names the key, not where the store keeps it.
 */
public final class InsufficientStorageException extends IOException {

  private final String key;

  public InsufficientStorageException(String key, Throwable cause) {
    super("no space left in the store for '" + key + "'", cause);
    this.key = key;
  }

  /** The key that could not be stored. */
  public String key() {
    return key;
  }

  /** Whether {@code e}, or a cause of it, says the device or the quota is full. */
  public static boolean isOutOfSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InsufficientStorageException) {
        return true;
      }
      String message = t.getMessage();
      if (t instanceof IOException
          && message != null
          && (message.contains("No space left on device")
              || message.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
