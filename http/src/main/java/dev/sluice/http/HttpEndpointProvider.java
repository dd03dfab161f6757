package dev.sluice.http;

import dev.sluice.core.Source;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.http.internal.HttpSource;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * {@code http://} and {@code https://} locations as sources: {@code sluice ingest https://… DST}
 * streams the download, resuming with {@code Range} + {@code If-Range} when the connection drops
 * (at most {@value HttpSource#DEFAULT_RETRIES} times).
 */
public final class HttpEndpointProvider implements EndpointProvider {

  /** The provider {@link java.util.ServiceLoader} makes. */
  public HttpEndpointProvider() {}

  @Override
  public boolean handles(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  @Override
  public String forms() {
    return "http(s)://URL (source only; resumes with Range)";
  }

  @Override
  public Source openSource(String location, Map<String, String> options) throws IOException {
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid URL '" + location + "': " + e.getMessage(), e);
    }
    return HttpSource.open(uri, HttpSource.DEFAULT_RETRIES);
  }
}
