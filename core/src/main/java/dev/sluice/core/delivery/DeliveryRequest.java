package dev.sluice.core.delivery;

import java.util.function.Function;

/**
 * What a delivery decision needs from an HTTP request: the method, the {@code Range} header and the
 * conditional headers. Header values are raw (several lines joined with {@code ", "}), null when
 * absent.
 */
public record DeliveryRequest(String method, String range, Conditionals conditionals) {

  public DeliveryRequest {
    if (method == null) {
      throw new NullPointerException("method == null");
    }
    if (conditionals == null) {
      conditionals = Conditionals.NONE;
    }
  }

  /**
   * Reads {@code Range} and the conditional headers through {@code header}, a lookup by field name
   * that returns the value or null.
   *
   * {@snippet :
   * DeliveryRequest request = DeliveryRequest.from(req.getMethod(), req.getHeaders()::get);
   * }
   */
  public static DeliveryRequest from(String method, Function<String, String> header) {
    return new DeliveryRequest(method, header.apply("Range"), Conditionals.from(header));
  }

  /** A GET with the given {@code Range} header (or null) and no conditionals. */
  public static DeliveryRequest get(String range) {
    return new DeliveryRequest("GET", range, Conditionals.NONE);
  }
}
