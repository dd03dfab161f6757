package dev.sluice.coord;

import dev.sluice.core.Secrets;
import java.time.Duration;

/**
 * One check of the coordination store.
 *
 * @param reachable whether it answered
 * @param latency how long the round trip took (or until it failed)
 * @param problem why it did not answer, without credentials; "" when it did
 */
public record Probe(boolean reachable, Duration latency, String problem) {

  /**
   * One round trip to a store (a {@code PING}, a {@code SELECT 1}); throws if it did not answer.
   */
  public interface RoundTrip {
    void run() throws Exception;
  }

  /**
   * Times {@code roundTrip}: reachable if it returns, else unreachable with a problem that names
   * {@code server} (already redacted) and the redacted cause.
   */
  public static Probe of(String server, RoundTrip roundTrip) {
    long start = System.nanoTime();
    try {
      roundTrip.run();
      return new Probe(true, Duration.ofNanos(System.nanoTime() - start), "");
    } catch (Exception e) {
      return new Probe(
          false,
          Duration.ofNanos(System.nanoTime() - start),
          "coordination store " + server + " does not answer: " + Secrets.redact(e.getMessage()));
    }
  }
}
