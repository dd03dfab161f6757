package dev.sluice.s3;

import java.util.ArrayDeque;

/**
 * Part-sized arrays reused from append to append. A client that sends an upload in many requests
 * (tus-js-client's chunks) opens an append per request; each needs a whole part in memory, and a
 * new array each time would be garbage of the part size per request, which a small young generation
 * cannot hold and the old one keeps until it is full. An append takes an array when it opens and
 * gives it back when it ends; at most {@code idle} free arrays are kept. Thread-safe.
 */
final class PartPool {

  private final int idle;
  private final ArrayDeque<byte[]> free = new ArrayDeque<>(); // guarded by this

  PartPool(int idle) {
    this.idle = idle;
  }

  /** A free array of exactly {@code size} bytes, else a new one; its contents are undefined. */
  synchronized byte[] take(int size) {
    for (var it = free.iterator(); it.hasNext(); ) {
      byte[] part = it.next();
      if (part.length == size) {
        it.remove();
        return part;
      }
    }
    return new byte[size];
  }

  /** Takes {@code part} back; the caller must not touch it again. */
  synchronized void give(byte[] part) {
    if (free.size() == idle) {
      free.removeLast();
    }
    free.addFirst(part);
  }
}
