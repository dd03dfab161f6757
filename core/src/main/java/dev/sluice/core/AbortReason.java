package dev.sluice.core;

/** Why a transfer was aborted. Exactly one reason per aborted transfer. */
public enum AbortReason {
  /** Someone called {@code cancel}. */
  CANCELLED,
  /** The transfer ran past its timeout. */
  TIMEOUT,
  /** The HTTP peer went away mid-transfer. */
  CLIENT_DISCONNECT,
  /** The process or server is shutting down and the grace period ran out. */
  SHUTDOWN,
  /** Reading the source failed. */
  SOURCE_FAILED,
  /** A transform failed. */
  TRANSFORM_FAILED,
  /** Writing to or committing the sink failed. */
  SINK_FAILED,
  /** A size or count limit was exceeded. */
  LIMIT_EXCEEDED,
  /** A digest did not match its expected value. */
  DIGEST_MISMATCH,
  /** The input broke a format rule (a malformed CSV row, say). */
  INVALID_INPUT
}
