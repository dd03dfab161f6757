package dev.sluice.core.blob;

import java.io.IOException;

/**
 * A {@link Blob} whose stored version was replaced or removed after it was found, so its bytes can
 * no longer be read (a store that cannot keep an old version readable, such as S3 without
 * versioning, refuses rather than mixing versions). A reader that has sent nothing yet looks the
 * key up again.
 */
public final class BlobChangedException extends IOException {

  public BlobChangedException(String message) {
    super(message);
  }
}
