package dev.sluice.cli;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.endpoint.EndpointProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test endpoint found through {@link java.util.ServiceLoader}: {@code mem:NAME} locations backed
 * by a static map, recording the options each open received.
 */
public final class MemoryEndpointProvider implements EndpointProvider {

  static final Map<String, byte[]> OBJECTS = new ConcurrentHashMap<>();
  static final Map<String, Map<String, String>> OPTIONS = new ConcurrentHashMap<>();

  @Override
  public boolean handles(String location) {
    return location.startsWith("mem:");
  }

  @Override
  public String forms() {
    return "mem:NAME";
  }

  @Override
  public Source openSource(String location, Map<String, String> options) {
    OPTIONS.put(location, Map.copyOf(options));
    byte[] bytes = OBJECTS.get(location);
    if (bytes == null) {
      throw new IllegalArgumentException("no such object: " + location);
    }
    return Sources.from(new ByteArrayInputStream(bytes));
  }

  @Override
  public Sink openSink(String location, Map<String, String> options) {
    OPTIONS.put(location, Map.copyOf(options));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var channel = Channels.newChannel(bytes);
    return new Sink() {
      @Override
      public void write(ByteBuffer chunk) throws java.io.IOException {
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
      }

      @Override
      public Receipt commit() {
        OBJECTS.put(location, bytes.toByteArray());
        return Receipt.of(location);
      }

      @Override
      public void abort(Throwable cause) {}

      @Override
      public String toString() {
        return location;
      }
    };
  }
}
