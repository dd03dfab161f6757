package dev.sluice.core.job;

import java.util.concurrent.RejectedExecutionException;

/**
 * A new job was refused because its {@link JobRegistry} is shutting down. Servers answer it with
 * {@code 503 Service Unavailable}; nothing of the refused job was started, its sink was aborted and
 * its source closed.
 */
public final class ShuttingDownException extends RejectedExecutionException {

  public ShuttingDownException(String message) {
    super(message);
  }
}
