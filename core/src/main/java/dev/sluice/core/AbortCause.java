package dev.sluice.core;

/**
 * Implemented by failures that know why they abort a transfer, so the engine reports that reason
 * instead of guessing from where the failure was thrown.
 */
public interface AbortCause {

  /** The reason this failure aborts a transfer. */
  AbortReason reason();
}
