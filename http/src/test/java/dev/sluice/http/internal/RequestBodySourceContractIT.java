package dev.sluice.http.internal;

import dev.sluice.core.Source;
import dev.sluice.core.testing.SourceContract;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source contract, run against request bodies a Jetty 12 server receives from a real HTTP
 * client: the handler hands each request over to the test, which reads it as a {@link
 * RequestBodySource} while the exchange stays open; the responses complete after each test.
 */
class RequestBodySourceContractIT extends SourceContract {

  /** A request whose response waits until the test has read its body. */
  private record Exchange(Request request, Response response, Callback callback) {}

  private static final BlockingQueue<Exchange> RECEIVED = new LinkedBlockingQueue<>();
  private static Server server;
  private static URI uri;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Exchange> open = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            RECEIVED.add(new Exchange(request, response, callback));
            return true; // completed by the test
          }
        });
    server.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/contract");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.stop();
  }

  @AfterEach
  void completeExchanges() {
    for (Exchange exchange : open) {
      exchange.response().setStatus(204);
      exchange.callback().succeeded();
    }
    client.close();
  }

  @Override
  protected Source newSource(byte[] content) throws IOException {
    client.sendAsync(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.discarding());
    Exchange exchange;
    try {
      exchange = RECEIVED.poll(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the request");
    }
    if (exchange == null) {
      throw new IOException("no request reached the server within 10 s");
    }
    open.add(exchange);
    return new RequestBodySource(
        exchange.request(), "request body of POST /contract", exchange.request().getLength());
  }
}
