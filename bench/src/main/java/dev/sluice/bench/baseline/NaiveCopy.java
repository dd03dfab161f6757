package dev.sluice.bench.baseline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Baseline for the harness: the naive version that reads the whole file into memory, hashes it and
 * writes it out — what flat-memory streaming avoids (its RSS grows with the file; it cannot handle
 * 2 GiB or more). Prints the hex digest. Usage: {@code NaiveCopy IN OUT}.
 */
public final class NaiveCopy {

  private NaiveCopy() {}

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    byte[] all = Files.readAllBytes(Path.of(args[0]));
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(all);
    Files.write(Path.of(args[1]), all);
    System.out.println(HexFormat.of().formatHex(digest));
  }
}
