package dev.sluice.http.internal;

import dev.sluice.http.UrlSigner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;

/**
 * Who may do what: with a token configured, writes need {@code Authorization: Bearer TOKEN}; reads
 * of an object accept the token or a signed, unexpired link for that key ({@link UrlSigner}).
 * Without a token everything is open.
 */
public final class Auth {

  private static final Map<String, String> CHALLENGE =
      Map.of("WWW-Authenticate", "Bearer realm=\"sluice\"");

  private final byte[] token;
  private final UrlSigner signer;
  private final Clock clock;

  /** {@code token} null: no authentication. */
  public Auth(String token, Clock clock) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.signer = token == null ? null : new UrlSigner(token);
    this.clock = clock;
  }

  /** True when a token is configured. */
  public boolean enabled() {
    return token != null;
  }

  /**
   * Requires the bearer token.
   *
   * @throws HttpProblem 401 when it is missing or wrong
   */
  public void requireToken(Exchange exchange) {
    if (token == null) {
      return;
    }
    String header = exchange.header("Authorization");
    if (header == null) {
      throw new HttpProblem(401, "this route needs Authorization: Bearer <token>", CHALLENGE);
    }
    if (!bearerMatches(header)) {
      throw new HttpProblem(401, "the bearer token is wrong", CHALLENGE);
    }
  }

  /**
   * Requires the bearer token or a valid signature for reading {@code key}.
   *
   * @throws HttpProblem 401 when neither is present, 403 when the signature is wrong or expired
   */
  public void requireRead(Exchange exchange, String key) {
    if (token == null) {
      return;
    }
    String header = exchange.header("Authorization");
    if (header != null) {
      requireToken(exchange);
      return;
    }
    String sig = exchange.query("sig");
    String expires = exchange.query("expires");
    if (sig == null && expires == null) {
      throw new HttpProblem(
          401, "reading needs Authorization: Bearer <token> or a signed link", CHALLENGE);
    }
    long epoch;
    try {
      epoch = Long.parseLong(expires == null ? "" : expires);
    } catch (NumberFormatException e) {
      throw new HttpProblem(403, "expires must be epoch seconds: " + expires);
    }
    if (clock.instant().getEpochSecond() > epoch) {
      throw new HttpProblem(
          403, "the signed link expired at " + java.time.Instant.ofEpochSecond(epoch));
    }
    if (!signer.verify(key, epoch, sig, clock.instant())) {
      throw new HttpProblem(403, "the link signature does not match key '" + key + "'");
    }
  }

  private boolean bearerMatches(String header) {
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, given);
  }
}
