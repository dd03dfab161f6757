package dev.sluice.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET /objects?prefix=P&after=K&limit=N}: the stored objects in key order, as JSON written
 * while the store's listing is read, so a page of any size costs one small buffer:
 *
 * <pre>{@code
 * {"objects":[{"key":"a.bin","size":3,"etag":"\"…\"","lastModified":"2026-12-06T10:00:00Z",
 *              "contentType":"application/octet-stream"}, …],
 *  "next":"a.bin"}
 * }</pre>
 *
 * <p>{@code next} (last, since it is known only at the end) is present when more keys follow: pass
 * it as {@code after} for the next page. {@code contentType} is null where the store's listing does
 * not carry it (S3). Bad parameters are a 400 naming the parameter and the rule.
 */
public final class Listings {

  /** Entries per page unless {@code limit} says otherwise. */
  public static final int DEFAULT_LIMIT = 1000;

  /** The largest {@code limit}. */
  public static final int MAX_LIMIT = 100_000;

  /** Bytes of JSON gathered before each blocking write. */
  static final int BUFFER = 32 * 1024;

  private final BlobStore store;

  public Listings(BlobStore store) {
    this.store = store;
  }

  /** Answers the listing the request's query asks for. */
  public void list(Exchange exchange) throws IOException {
    String prefix = keyPart(exchange, "prefix");
    String after = keyPart(exchange, "after");
    int limit = limit(exchange.query("limit"));
    exchange.status(200);
    exchange.header(HttpHeader.CONTENT_TYPE, "application/json");
    exchange.header(HttpHeader.CACHE_CONTROL, "no-store");
    if ("HEAD".equals(exchange.method())) {
      exchange.write(ByteBuffer.allocate(0), true);
      exchange.finish();
      return;
    }
    try (Stream<BlobEntry> entries = store.list(prefix, after);
        OutputStream body = new ExchangeOutput(exchange);
        JsonGenerator json = Exchange.JSON.getFactory().createGenerator(body)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT); // a failure cuts it short
      Iterator<BlobEntry> iterator = entries.iterator();
      json.writeStartObject();
      json.writeArrayFieldStart("objects");
      String last = null;
      int written = 0;
      while (written < limit && iterator.hasNext()) {
        BlobEntry entry = iterator.next();
        json.writeStartObject();
        json.writeStringField("key", entry.key());
        json.writeNumberField("size", entry.size());
        json.writeStringField("etag", entry.etag());
        json.writeStringField("lastModified", entry.lastModified().toString());
        json.writeStringField("contentType", entry.contentType());
        json.writeEndObject();
        last = entry.key();
        written++;
      }
      json.writeEndArray();
      if (written == limit && iterator.hasNext()) {
        json.writeStringField("next", last);
      }
      json.writeEndObject();
    }
    exchange.write(ByteBuffer.allocate(0), true);
    exchange.finish();
  }

  /**
   * {@code prefix} or {@code after}: any text a key may hold (it need not be a whole key), "" when
   * absent.
   */
  private static String keyPart(Exchange exchange, String name) {
    String value = exchange.query(name);
    if (value == null) {
      return "";
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new HttpProblem(
            400,
            name
                + " must not contain control characters (U+"
                + String.format("%04X", (int) value.charAt(i))
                + " at index "
                + i
                + ")");
      }
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > 1024) {
      throw new HttpProblem(
          400, name + " must be at most 1024 bytes of UTF-8, as keys are (" + bytes + ")");
    }
    return value;
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    String rule = "limit must be a whole number from 1 to " + MAX_LIMIT;
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new HttpProblem(400, rule + ": '" + printable(value) + "'");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new HttpProblem(400, rule + ": " + limit);
    }
    return limit;
  }

  private static String printable(String value) {
    String cut = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  /** Gathers {@link #BUFFER} bytes, then writes them to the connection and blocks until taken. */
  private static final class ExchangeOutput extends OutputStream {
    private final Exchange exchange;
    private final byte[] buffer = new byte[BUFFER];
    private int used;

    ExchangeOutput(Exchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buffer.length) {
        flush();
      }
      buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      while (length > 0) {
        if (used == buffer.length) {
          flush();
        }
        int n = Math.min(length, buffer.length - used);
        System.arraycopy(bytes, offset, buffer, used, n);
        used += n;
        offset += n;
        length -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      if (used > 0) {
        exchange.write(ByteBuffer.wrap(buffer, 0, used), false);
        used = 0;
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
