package dev.sluice.http;

import dev.sluice.http.internal.ObjectPaths;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and checks expiring read links for objects: {@code /objects/KEY?expires=EPOCH&sig=SIG},
 * where {@code SIG} is the unpadded base64url HMAC-SHA256, under the server's token, of {@code
 * "GET\n" + KEY + "\n" + EPOCH}. A link grants reads of that one key until {@code EPOCH} (seconds).
 * The signature covers the key itself; the link carries it percent-encoded segment by segment, the
 * way every object path does, so {@code a b.txt} is signed as is and linked as {@code a%20b.txt}.
 *
 * {@snippet :
 * String path = new UrlSigner("s3cret").signedPath("reports/q3.csv", Instant.now().plusSeconds(600));
 * }
 */
public final class UrlSigner {

  private final SecretKeySpec key;

  /** A signer keyed by {@code secret} (the server's token). */
  public UrlSigner(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a signing secret is required (the server's token)");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The signature of a read of {@code objectKey} valid until {@code expires}. */
  public String signature(String objectKey, long expiresEpochSeconds) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] sig =
          mac.doFinal(
              ("GET\n" + objectKey + "\n" + expiresEpochSeconds).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The request path and query of a signed read link, e.g. {@code /objects/a.bin?expires=…}. */
  public String signedPath(String objectKey, Instant expires) {
    long epoch = expires.getEpochSecond();
    return ObjectPaths.of(objectKey) + "?expires=" + epoch + "&sig=" + signature(objectKey, epoch);
  }

  /**
   * True if {@code sig} signs a read of {@code objectKey} until {@code expiresEpochSeconds} and
   * that moment is not past {@code now}. Compares in constant time.
   */
  public boolean verify(String objectKey, long expiresEpochSeconds, String sig, Instant now) {
    if (sig == null || now.getEpochSecond() > expiresEpochSeconds) {
      return false;
    }
    byte[] expected = signature(objectKey, expiresEpochSeconds).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "UrlSigner(HMAC-SHA256)";
  }
}
