package dev.sluice.jdbc;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import java.io.FileNotFoundException;

/**
 * The table a load names does not exist (and was not to be created). It is the caller's input that
 * is wrong, so it aborts with {@link AbortReason#INVALID_INPUT}; it is a {@link
 * FileNotFoundException}, as the JDK's HTTP client signals a missing resource, so that a server can
 * answer 404 without knowing this module.
 */
public final class NoSuchTableException extends FileNotFoundException implements AbortCause {

  private final String table;

  public NoSuchTableException(String table, String message) {
    super(message);
    this.table = table;
  }

  /** The table's name as the load gave it. */
  public String table() {
    return table;
  }

  @Override
  public AbortReason reason() {
    return AbortReason.INVALID_INPUT;
  }
}
