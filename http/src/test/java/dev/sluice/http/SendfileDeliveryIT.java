package dev.sluice.http;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link DeliveryIT}'s tests against a server with no rate limit: plain GETs of the whole object or
 * one range go out by sendfile, the rest (gzip, several ranges, a requested rate) by the buffered
 * path, and every answer must be the same.
 */
class SendfileDeliveryIT extends DeliveryIT {

  @BeforeAll
  static void start() throws Exception {
    start(b -> b);
  }
}
