package dev.sluice.core.job;

import java.util.concurrent.atomic.AtomicLong;

/** The process-unique ids of ingestion jobs and tracked transfers: one sequence for both. */
final class JobIds {

  private static final AtomicLong LAST = new AtomicLong();

  private JobIds() {}

  /** The next id, from 1. */
  static long next() {
    return LAST.incrementAndGet();
  }
}
