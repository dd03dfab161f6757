package dev.sluice.http.internal;

import dev.sluice.coord.Lease;
import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One request's hold on the lease of a resumable upload ({@link UploadLeases#hold}): while it is
 * open, no other request, on this node or another, works on the upload. When another request asks
 * for the lease, or the lease is lost (the coordination store stopped answering its renewals), the
 * {@linkplain #onStop stop actions} run so that the append in progress ends at its durable offset;
 * {@link #guard} fences every write on the lease being still held. Opened and closed by the
 * request's thread; the stop actions run on the coordination's callback thread.
 */
final class UploadHold implements AutoCloseable {

  private final String id;
  private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;
  private Lease lease;

  UploadHold(String id) {
    this.id = id;
  }

  /** Attaches the lease taken for this hold; called once, before the hold is handed out. */
  void attach(Lease taken) {
    this.lease = taken;
  }

  /** The coordination's callback: another request wants the upload, or the lease was lost. */
  void stop(Lease ignored) {
    stopped = true;
    for (Runnable action : onStop) {
      action.run();
    }
  }

  /** Registers what ends this request's append; runs at once if a stop was asked already. */
  void onStop(Runnable action) {
    onStop.add(action);
    if (stopped) {
      action.run();
    }
  }

  /**
   * Whether the lease lapsed while this hold was open: its renewals found no store, or another took
   * it over after it expired. A stop asked by another request is not a loss.
   */
  boolean lost() {
    return !lease.held();
  }

  /**
   * Refuses to go on (before publishing the completed upload, say) once the lease is lost.
   *
   * @throws HttpProblem 503 with {@code Retry-After}
   */
  void requireHeld() {
    if (lost()) {
      throw lostProblem(id);
    }
  }

  /** The answer to a request whose lease on upload {@code id} could not be taken or was lost. */
  static HttpProblem lostProblem(String id) {
    return new HttpProblem(
        503,
        "the coordination store does not answer, so upload "
            + id
            + " cannot be locked against other nodes; what arrived is kept: resume from the"
            + " upload's offset later",
        Map.of("Retry-After", "5", "Connection", "close"));
  }

  /**
   * {@code append} with each write and its commit fenced on this lease: once it is lost, the next
   * write fails before it reaches the store, so a node that lost the upload to another cannot write
   * over the new holder's bytes (a write already under way may still land: the lease time is far
   * longer than one chunk's write).
   */
  Sink guard(Sink append) {
    return new ForwardingSink(append) {
      @Override
      public void write(ByteBuffer chunk) throws IOException {
        requireLease();
        downstream.write(chunk);
      }

      @Override
      protected void beforeCommit() throws IOException {
        requireLease();
      }

      @Override
      protected String name() {
        return "leased(" + id + ")";
      }
    };
  }

  private void requireLease() throws IOException {
    if (lost()) {
      throw new IOException("the lease on upload " + id + " was lost");
    }
  }

  /** Releases the lease; a request waiting for it goes on. */
  @Override
  public void close() {
    lease.close();
  }

  @Override
  public String toString() {
    return "hold(" + lease + ")";
  }
}
