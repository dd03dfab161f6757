package dev.sluice.records;

import dev.sluice.core.Receipt;
import java.util.ArrayList;
import java.util.List;

/** A row sink that keeps what it is given and records how it ended. */
final class CollectingRowSink implements RowSink {

  final List<String> header = new ArrayList<>();
  final List<Row> rows = new ArrayList<>();
  int commits;
  final List<Throwable> aborts = new ArrayList<>();

  @Override
  public void header(List<String> columns) {
    header.addAll(columns);
  }

  @Override
  public void accept(Row row) {
    rows.add(row);
  }

  @Override
  public Receipt commit() {
    commits++;
    return Receipt.of("memory").with("rows", rows.size());
  }

  @Override
  public void abort(Throwable cause) {
    aborts.add(cause);
  }

  List<List<String>> values() {
    return rows.stream().map(Row::values).toList();
  }
}
