package dev.sluice.jdbc.internal;

import dev.sluice.core.Sink;
import java.io.IOException;

/**
 * A database's bulk-load statement fed with CSV bytes ({@code COPY … FROM STDIN}, {@code LOAD DATA
 * LOCAL INFILE}), in one transaction. Its receipt holds the rows the database took; {@link #commit}
 * refuses to commit, and rolls back, when they are not the rows {@link #expectRows} said were sent.
 */
public interface BulkLoader extends Sink {

  /** Starts the statement; bytes may be written from then on. */
  void start(String sql) throws IOException;

  /** The number of rows written, which the database must report taking before commit. */
  void expectRows(long rows);
}
