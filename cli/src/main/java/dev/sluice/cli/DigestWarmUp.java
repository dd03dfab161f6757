package dev.sluice.cli;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Has the JIT compile SHA-256's hashing loop while the command line is still being parsed, for a
 * run that asks for the digest. The launcher compiles that loop (and the direct-buffer update
 * around it) at a hundredth of the usual count; a few hundred one-block updates of a throw-away
 * digest reach that count, so the loop is compiled into the CPU's SHA instructions before the first
 * chunk is read. Without it the first megabytes were hashed by interpreted Java while C2 compiled
 * the one-block code on the way, twice, before it got to the loop (docs/benchmarks.md, "The
 * digest's loop compiled before the first chunk").
 *
 * <p>Runs on a daemon thread of its own and touches nothing the command uses.
 */
final class DigestWarmUp {

  /** One-block updates: above the launcher's scaled compile threshold, a few ms interpreted. */
  static final int UPDATES = 200;

  private DigestWarmUp() {}

  /** Whether {@code args} ask for a SHA-256 ({@code --sha256}, {@code --expect-sha256}). */
  static boolean wanted(String... args) {
    for (String arg : args) {
      if (arg.equals("--sha256")
          || arg.equals("--expect-sha256")
          || arg.startsWith("--expect-sha256=")) {
        return true;
      }
    }
    return false;
  }

  /** Starts the warm-up if {@code args} ask for a SHA-256; never blocks. */
  static void startIfWanted(String... args) {
    if (wanted(args)) {
      Thread.ofPlatform().daemon().name("sluice-digest-warm-up").start(DigestWarmUp::run);
    }
  }

  /** The updates, on the caller's thread: the path a chunk's bytes take into the digest. */
  static void run() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return; // every JDK has it; without it the command fails on its own, with a reason
    }
    ByteBuffer block = ByteBuffer.allocateDirect(64);
    for (int i = 0; i < UPDATES; i++) {
      digest.update(block.clear());
    }
  }
}
