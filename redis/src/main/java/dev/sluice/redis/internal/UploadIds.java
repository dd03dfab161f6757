package dev.sluice.redis.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Names one upload's staging keys: 24 random hex digits, unguessable and never reused. */
public final class UploadIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private UploadIds() {}

  /** A new upload id. */
  public static String next() {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }
}
