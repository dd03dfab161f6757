package dev.sluice.bench.baseline;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Baseline for the harness: the plain Java loop a developer would write — read 64 KiB, update a
 * SHA-256, write — with no engine around it. Prints the hex digest. Usage: {@code HashCopyLoop IN
 * OUT}.
 */
public final class HashCopyLoop {

  private HashCopyLoop() {}

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = new FileInputStream(args[0]);
        OutputStream out = new FileOutputStream(args[1])) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    System.out.println(HexFormat.of().formatHex(sha256.digest()));
  }
}
