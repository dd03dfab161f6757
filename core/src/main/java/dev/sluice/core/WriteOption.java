package dev.sluice.core;

/** Options for {@link Sinks#file}. */
public enum WriteOption {
  /** Replace the target if it exists (atomically). Without it, an existing target is refused. */
  REPLACE_EXISTING,
  /** Force the data to disk before making it visible. */
  FSYNC
}
