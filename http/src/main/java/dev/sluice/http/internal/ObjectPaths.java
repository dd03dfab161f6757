package dev.sluice.http.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The request path of an object, {@code /objects/KEY} with each key segment percent-encoded. */
public final class ObjectPaths {

  /** The route prefix of objects. */
  public static final String PREFIX = "/objects/";

  private ObjectPaths() {}

  /** {@code /objects/} followed by {@code key}, percent-encoded segment by segment. */
  public static String of(String key) {
    StringBuilder out = new StringBuilder(PREFIX);
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }
}
