package dev.sluice.core;

/** How a transfer ended. */
public enum Outcome {
  /** The sink committed: the data is visible. */
  COMMITTED,
  /** The sink was aborted: nothing is visible; see {@link AbortReason}. */
  ABORTED
}
