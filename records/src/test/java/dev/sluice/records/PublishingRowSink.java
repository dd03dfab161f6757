package dev.sluice.records;

import dev.sluice.core.Receipt;
import java.util.ArrayList;
import java.util.List;

/** A row sink whose rows become visible together on commit, as a table's rows do. */
final class PublishingRowSink implements RowSink {

  private final List<List<String>> staged = new ArrayList<>();
  private List<List<String>> visible = List.of();

  @Override
  public void accept(Row row) {
    staged.add(new ArrayList<>(row.values()));
  }

  @Override
  public Receipt commit() {
    visible = new ArrayList<>(staged);
    return Receipt.of("rows").with("rows", visible.size());
  }

  @Override
  public void abort(Throwable cause) {
    staged.clear();
  }

  /** The rows the last commit made visible. */
  List<List<String>> visible() {
    return visible;
  }
}
