package dev.sluice.core.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.SplittableRandom;

/** Deterministic test content: the same size and seed always give the same bytes. */
public final class TestData {

  private TestData() {}

  /** {@code size} pseudo-random bytes drawn from {@code seed}. */
  public static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** {@code size} pseudo-random bytes with a seed derived from the size. */
  public static byte[] random(int size) {
    return random(size, 0x5117CEL + size);
  }

  /**
   * {@code count} lowercase ASCII letters drawn from {@code random} (none if it is not positive).
   */
  public static String letters(Random random, int count) {
    StringBuilder letters = new StringBuilder();
    for (int i = 0; i < count; i++) {
      letters.append((char) ('a' + random.nextInt(26)));
    }
    return letters.toString();
  }

  /** The lowercase hex SHA-256 of {@code bytes}, computed by the JDK. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
