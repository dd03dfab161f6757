package dev.sluice.core.upload;

import dev.sluice.core.Sink;

/**
 * One append to an upload, from the offset it was opened at: a {@link Sink} whose {@code write}
 * appends (and must not keep the buffer). Both endings keep what was written, as the resumable
 * protocols ask of an interrupted request: {@code commit()} makes it durable and returns a receipt
 * whose {@code offset} detail is the new offset; {@code abort(cause)} does the same, except when
 * the cause is (or is caused by) a {@link dev.sluice.core.DigestMismatchException}: then the bytes
 * of this append are discarded and the offset is where the append began. Writes past a declared
 * length are refused with {@link dev.sluice.core.LimitExceededException}.
 *
 * <p>Used by one thread; {@link #onSuperseded} callbacks run on the thread that supersedes it.
 */
public interface UploadAppend extends Sink {

  /** The offset this append began at. */
  long startOffset();

  /**
   * Registers what to do when a newer request for the same upload ends this append (cancel the
   * request feeding it, close its connection): the append's next write fails either way.
   */
  void onSuperseded(Runnable action);

  /**
   * From now on an abort discards this append's bytes whatever its cause: for a request that
   * carries a checksum of its content, which an interrupted body cannot meet.
   */
  void discardOnAbort();
}
