package dev.sluice.core.job;

import dev.sluice.core.AbortReason;

/** How a transfer ended. */
public enum Outcome {
  /** The sink committed: the data is visible. */
  COMMITTED,
  /** The sink was aborted: nothing is visible; see {@link AbortReason}. */
  ABORTED
}
