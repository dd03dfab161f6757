package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ShutdownIT {

  @Test
  void inFlightTransfersFinishWithinTheGracePeriodAndNewRequestsGet503() throws Exception {
    TestServer server = TestServer.start(b -> b);
    try {
      server.put("sd/a.bin", bytes(100_000, 1));
      CompletableFuture<HttpResponse<byte[]>> download =
          server.client.sendAsync(
              server.request("/objects/sd/a.bin?rate=100KiB").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      eventually(
          () ->
              assertThat(server.metric("sluice_transfers_active{direction=\"download\""))
                  .isEqualTo(1));
      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(() -> shutdown(server.server, Duration.ofSeconds(5)));
      eventually(() -> assertThat(server.get("/health").statusCode()).isEqualTo(503));
      HttpResponse<byte[]> refused = server.get("/objects/sd/a.bin");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(download.get().body()).hasSize(100_000);
      assertThat(drained.get()).isTrue();
    } finally {
      server.close();
    }
  }

  @Test
  void transfersStillRunningWhenTheGracePeriodEndsAreAbortedWithShutdown() throws Exception {
    TestServer server = TestServer.start(b -> b);
    try {
      server.put("sd/b.bin", bytes(1_000_000, 2));
      CompletableFuture<HttpResponse<byte[]>> download =
          server.client.sendAsync(
              server.request("/objects/sd/b.bin?rate=64KiB").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      eventually(
          () ->
              assertThat(server.metric("sluice_transfers_active{direction=\"download\""))
                  .isEqualTo(1));
      String shutdownAborts = "sluice_aborts_total{direction=\"download\",reason=\"SHUTDOWN\"}";
      assertThat(server.metric(shutdownAborts)).isZero(); // present at zero from start-up
      long start = System.nanoTime();
      boolean drained = server.server.shutdown(Duration.ofMillis(500));
      assertThat(drained).isFalse();
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
      try {
        HttpResponse<byte[]> cut = download.get();
        assertThat(cut.body().length).isLessThan(1_000_000);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IOException.class); // the body was cut short
      }
    } finally {
      server.close();
    }
  }

  private static boolean shutdown(SluiceServer server, Duration grace) {
    try {
      return server.shutdown(grace);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
